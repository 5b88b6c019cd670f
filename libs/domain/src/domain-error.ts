/**
 * A rule of a service's domain said no, with a stable code the error envelope carries to clients.
 * Domain code knows nothing of HTTP: each service's interface layer gives its codes their statuses
 * (domainErrorFilter in @bp/platform). `retryAt` says when asking again can succeed (a rate limit);
 * otherwise the same input gets the same no, and `retryable` says so: a Kafka consumer dead-letters a
 * message whose handler failed with a domain error that is not retryable, instead of trying it again.
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

  /** Whether asking again with the same input can succeed: only when the answer says when (a service whose rules allow more overrides this). */
  get retryable(): boolean {
    return this.retryAt !== undefined;
  }
}
