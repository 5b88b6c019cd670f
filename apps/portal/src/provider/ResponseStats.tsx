import { useProvider, useProviderProfile } from '../api/queries.js';
import { useSession } from '../auth/AuthContext.js';
import { formatMinutes } from '../time/format.js';
import { Terms } from '../ui/Terms.js';

/** The public profile's fallback when there is no measurement yet (the spec's booking mode badge). */
const NO_DATA_SUMMARY = 'Usually responds within 24 hours';

function percent(value: number | undefined): string {
  return value === undefined ? '—' : `${value.toFixed(0)} %`;
}

/** Response time as patients see it on the public profile, with the figures behind it. */
export function ResponseStats() {
  const { userId } = useSession();
  const profile = useProviderProfile(userId);
  const provider = useProvider(userId);
  const stats = provider.data?.stats;
  return (
    <section aria-labelledby="response-heading" aria-busy={profile.isLoading || provider.isLoading} className="card">
      <h2 id="response-heading">Your response time</h2>
      {profile.data && (
        <p>
          Patients see: <strong data-testid="response-summary">{profile.data.responseTime.summary ?? NO_DATA_SUMMARY}</strong>
          {profile.data.responseTime.summary === null && ' (no answers measured yet)'}
        </p>
      )}
      {stats && (
        <Terms
          rows={[
            ['Average response', formatMinutes(stats.avgResponseTimeMinutes)],
            ['Median response', formatMinutes(stats.medianResponseTimeMinutes)],
            ['Requests confirmed', percent(stats.confirmationRate)],
            ['Requests expired', String(stats.totalExpired)],
          ]}
        />
      )}
      {(profile.error ?? provider.error) && (
        <p className="error" role="alert">
          Your statistics could not be loaded.
        </p>
      )}
    </section>
  );
}
