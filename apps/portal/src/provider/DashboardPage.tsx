import { Link } from 'react-router-dom';
import { useProvider } from '../api/queries.js';
import { useSession } from '../auth/AuthContext.js';
import { calendarStepSkipped } from './CalendarStepPage.js';
import { PendingRequestsWidget } from './PendingRequestsWidget.js';
import { ResponseStats } from './ResponseStats.js';
import { TodayVisits } from './TodayVisits.js';

export function DashboardPage() {
  const { userId } = useSession();
  const provider = useProvider(userId);
  const offerCalendar = provider.data && !provider.data.calendarConnected && !calendarStepSkipped(userId);
  return (
    <>
      <h1>Dashboard</h1>
      {provider.data && (
        <p>
          {provider.data.displayName ?? provider.data.id} · {provider.data.mode === 'instant' ? 'Instant booking' : 'Request booking'} · times in{' '}
          {provider.data.timezone}
        </p>
      )}
      {offerCalendar && (
        <section aria-labelledby="calendar-offer-heading" className="card">
          <h2 id="calendar-offer-heading">Connect your calendar</h2>
          <p>With a connected calendar patients book you instantly; without one they send requests you answer.</p>
          <Link to="/onboarding/calendar">Set up your calendar</Link>
        </section>
      )}
      <PendingRequestsWidget />
      <TodayVisits />
      <ResponseStats />
    </>
  );
}
