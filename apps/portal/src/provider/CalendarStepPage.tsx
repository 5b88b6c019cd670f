import { useEffect, useRef, useState } from 'react';
import { Link, useNavigate, useSearchParams } from 'react-router-dom';
import { ApiRequestError } from '../api/client.js';
import { queryKeys, useApiMutation, useCalendarConnection, useProvider } from '../api/queries.js';
import type { CalendarAuthorization, CalendarConnectRequest, CalendarConnection } from '../api/types.js';
import { useAuth, useSession } from '../auth/AuthContext.js';

const SKIP_KEY = (providerId: string) => `portal.calendarStepSkipped.${providerId}`;

/** Whether the provider chose to go on without a calendar (a preference of this browser, not a secret). */
export function calendarStepSkipped(providerId: string): boolean {
  return localStorage.getItem(SKIP_KEY(providerId)) === 'yes';
}

const CALENDARS = [
  { id: 'google', name: 'Google Calendar' },
  { id: 'microsoft', name: 'Microsoft Outlook' },
] as const;

/**
 * The onboarding step for the calendar (spec Phase 6): what each booking mode means for patients,
 * connecting Google or Microsoft through the consent screen, or going on without one.
 */
export function CalendarStepPage() {
  const { userId } = useSession();
  const { api } = useAuth();
  const provider = useProvider(userId);
  const connection = useCalendarConnection(userId);
  const navigate = useNavigate();
  const [skipped, setSkipped] = useState(() => calendarStepSkipped(userId));
  const connect = useApiMutation(
    (calendarProvider: CalendarConnectRequest['calendarProvider']) =>
      api.send<CalendarAuthorization>('POST', `/api/providers/${encodeURIComponent(userId)}/calendar/connect`, { calendarProvider }),
    () => [],
  );
  const connected = connection.data?.connected === true;

  return (
    <>
      <h1>Connect your calendar</h1>
      <section aria-labelledby="modes-heading" className="card">
        <h2 id="modes-heading">What it changes for your patients</h2>
        <dl>
          <dt>
            <strong>Instant booking</strong> (with a connected calendar)
          </dt>
          <dd>
            Patients book a free time and are confirmed at once. The times you are busy in your calendar are never offered, and each booking is added to your
            calendar.
          </dd>
          <dt>
            <strong>Request booking</strong> (without a calendar)
          </dt>
          <dd>
            Patients send a request; their card is held (not charged) and you confirm, decline or propose another time within your answer window (
            {provider.data?.settings.confirmationDeadlineHours ?? 24} hours), or the request expires and the hold is released.
          </dd>
        </dl>
      </section>

      <section aria-labelledby="connection-heading" aria-busy={connection.isLoading} className="card">
        <h2 id="connection-heading">Your calendar</h2>
        {connection.isLoading && <p>Checking your calendar connection…</p>}
        {connected && (
          <p data-testid="calendar-status">
            Connected: {CALENDARS.find((c) => c.id === connection.data?.calendarProvider)?.name}
            {connection.data?.accountEmail ? ` (${connection.data.accountEmail})` : ''}. Patients book you instantly.
          </p>
        )}
        {connection.data?.status === 'reauthorization_required' && <p className="error">Your calendar needs you to sign in to it again: connect it below.</p>}
        {!connected && !connection.isLoading && <p data-testid="calendar-status">No calendar is connected: patients send you requests.</p>}
        {!connected && (
          <div className="actions">
            {CALENDARS.map((calendar) => (
              <button
                key={calendar.id}
                type="button"
                className="button primary"
                disabled={connect.isPending}
                onClick={() => connect.mutate(calendar.id, { onSuccess: (authorization) => window.location.assign(authorization.authorizationUrl) })}
              >
                Connect {calendar.name}
              </button>
            ))}
          </div>
        )}
        {connect.error && (
          <p className="error" role="alert">
            The connection could not be started: {connect.error instanceof ApiRequestError ? connect.error.message : 'try again'}.
          </p>
        )}
      </section>

      {!connected && (
        <section aria-labelledby="skip-heading" className="card">
          <h2 id="skip-heading">Skip for now</h2>
          <p>
            You can take bookings without a calendar: patients will request times and you answer each request. You can connect a calendar later from this page.
          </p>
          {skipped ? (
            <p role="status">Skipped: you take requests for now.</p>
          ) : (
            <button
              type="button"
              className="button"
              onClick={() => {
                localStorage.setItem(SKIP_KEY(userId), 'yes');
                setSkipped(true);
                navigate('/dashboard');
              }}
            >
              Skip and take requests
            </button>
          )}
        </section>
      )}
    </>
  );
}

/**
 * Where the calendar's consent screen sends the provider back (CALENDAR_OAUTH_REDIRECT_URI =
 * https://<gateway>/portal/calendar/callback): hands the code and state to the gateway once.
 */
export function CalendarCallbackPage() {
  const { userId } = useSession();
  const { api } = useAuth();
  const [params] = useSearchParams();
  const sent = useRef(false);
  const callback = useApiMutation(
    (body: { state: string; code: string }) => api.send<CalendarConnection>('POST', `/api/providers/${encodeURIComponent(userId)}/calendar/callback`, body),
    () => [queryKeys.calendar(userId), queryKeys.provider(userId)],
  );
  const state = params.get('state');
  const code = params.get('code');
  const refused = params.get('error');

  useEffect(() => {
    if (sent.current || !state || !code) return;
    sent.current = true;
    callback.mutate({ state, code });
  }, [state, code, callback]);

  return (
    <>
      <h1>Calendar connection</h1>
      <div aria-busy={callback.isPending} role="status">
        {refused && <p className="error">The calendar was not connected: {refused}.</p>}
        {!refused && (!state || !code) && <p className="error">This page needs the code and state the calendar’s consent screen sends back.</p>}
        {callback.isPending && <p>Connecting your calendar…</p>}
        {callback.isSuccess && <p>Your calendar is connected: patients now book you instantly.</p>}
        {callback.error && <p className="error">The calendar could not be connected: {callback.error.message}</p>}
      </div>
      <p>
        <Link to="/onboarding/calendar">Back to your calendar</Link> · <Link to="/dashboard">Dashboard</Link>
      </p>
    </>
  );
}
