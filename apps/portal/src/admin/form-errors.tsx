import { ApiRequestError } from '../api/client.js';

export type FieldErrors<F extends string> = Partial<Record<F, string>> & { form?: string };

/**
 * A refused change as a dialog shows it: each message beside the field the server named, anything
 * else (a conflict, an outage) once for the whole form.
 */
export function errorsFrom<F extends string>(failure: unknown, fields: readonly F[]): FieldErrors<F> {
  const errors: FieldErrors<F> = {};
  if (!(failure instanceof ApiRequestError)) {
    errors.form = 'The change failed; try again.';
    return errors;
  }
  const byField = failure.fieldMessages();
  for (const field of fields) if (byField[field]) errors[field] = byField[field] as FieldErrors<F>[F];
  if (Object.keys(errors).length === 0) errors.form = failure.message;
  return errors;
}

/** The form-wide error, announced when it appears. */
export function FormError({ message }: { message?: string | undefined }) {
  if (!message) return null;
  return (
    <p className="error" role="alert">
      Not saved: {message}
    </p>
  );
}
