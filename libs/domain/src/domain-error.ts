/**
 * A rule of a service's domain said no, with a stable code the error envelope carries to clients.
 * Domain code knows nothing of HTTP: each service's interface layer gives its codes their statuses
 * (domainErrorFilter in @bp/platform). `retryAt` says when asking again can succeed (a rate limit);
 * otherwise the same input gets the same no.
 */
export class DomainError<Code extends string = string> extends Error {
  constructor(
    readonly code: Code,
    message: string,
    readonly details?: Record<string, unknown>,
    readonly retryAt?: Date,
  ) {
    super(message);
    this.name = new.target.name;
  }
}
