import { useProvider } from '../api/queries.js';
import { useSession } from '../auth/AuthContext.js';
import { QueryStatus } from '../ui/QueryStatus.js';
import { BookingSettingsForm } from './BookingSettingsForm.js';
import { ScheduleForm } from './ScheduleForm.js';
import { ServicesForm } from './ServicesForm.js';

/**
 * Booking settings, hours and services: each form starts from what the server holds and starts over
 * from the server's answer once saved (keyed by the provider's version), so what is shown is what was stored.
 */
export function SettingsPage() {
  const { userId } = useSession();
  const provider = useProvider(userId);
  const data = provider.data;
  return (
    <>
      <h1>Booking settings</h1>
      <div aria-busy={provider.isLoading}>
        <QueryStatus query={provider} what="your settings" />
        {data && (
          <>
            <section className="card">
              <BookingSettingsForm key={`settings-${JSON.stringify(data.settings)}`} provider={data} />
            </section>
            <section className="card">
              <ScheduleForm key={`schedule-${data.timezone}-${JSON.stringify(data.schedule)}`} provider={data} />
            </section>
            <section className="card">
              <ServicesForm key={`services-${JSON.stringify(data.services)}`} provider={data} />
            </section>
          </>
        )}
      </div>
    </>
  );
}
