import { ApiRequestError } from '../api/client.js';

/**
 * The end of a form that saves: why it was not saved (every problem the server listed, or its
 * message), that it was, and the submit button showing progress.
 */
export function SaveFeedback({
  mutation,
  label,
  fieldsShown = false,
}: {
  mutation: { isPending: boolean; isSuccess: boolean; error: Error | null };
  label: string;
  /** The form shows field messages beside their fields: then they are not repeated here. */
  fieldsShown?: boolean;
}) {
  const error = mutation.error;
  const byField = error instanceof ApiRequestError ? error.fieldMessages() : {};
  const shownByFields = fieldsShown && Object.keys(byField).length > 0;
  const problems = error instanceof ApiRequestError ? [...new Set([...(error.details?.problems ?? []), ...Object.values(byField)])] : [];
  return (
    <>
      {error && !shownByFields && (
        <div className="error" role="alert">
          <p>Not saved{problems.length > 0 ? ':' : `: ${error.message}`}</p>
          {problems.length > 0 && (
            <ul>
              {problems.map((problem) => (
                <li key={problem}>{problem}</li>
              ))}
            </ul>
          )}
        </div>
      )}
      {mutation.isSuccess && <p role="status">Saved.</p>}
      <div className="actions">
        <button type="submit" className="button primary" disabled={mutation.isPending}>
          {mutation.isPending ? 'Saving…' : label}
        </button>
      </div>
    </>
  );
}
