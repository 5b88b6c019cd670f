import './admin.css';
import { type FormEvent, useEffect, useState } from 'react';
import { Link, useSearchParams } from 'react-router-dom';
import type { BookingMode, BookingStatus } from '../api/types.js';
import { formatInZone, formatMoney } from '../time/format.js';
import { FormField } from '../ui/FormField.js';
import { QueryStatus } from '../ui/QueryStatus.js';
import { STATUS_PRESENTATION, StatusBadge, statusLabel } from '../ui/StatusBadge.js';
import { DataTable } from './DataTable.js';
import { useBookingSearch } from './queries.js';
import type { BookingFilters } from './types.js';

const FILTER_NAMES = ['status', 'type', 'providerId', 'patientId', 'from', 'to'] as const;
const STATUSES = Object.keys(STATUS_PRESENTATION) as BookingStatus[];

/** The filters live in the address, so a search can be linked to (the leaderboard does) and the back button returns to it. */
function filtersFrom(params: URLSearchParams): BookingFilters {
  const filters: Record<string, string> = {};
  for (const name of FILTER_NAMES) {
    const value = params.get(name)?.trim();
    if (value) filters[name] = value;
  }
  return filters as BookingFilters;
}

/** Every booking, by status, type, provider, patient and appointment dates; 25 a page, newest first. */
export function BookingSearchPage() {
  const [params, setParams] = useSearchParams();
  const filters = filtersFrom(params);
  const [draft, setDraft] = useState<BookingFilters>(filters);
  // The cursors of the pages before this one: Previous goes back one, a new search starts over.
  const [cursors, setCursors] = useState<Array<string | null>>([null]);
  const cursor = cursors[cursors.length - 1] ?? null;
  // A new address (a search, a leaderboard link, Back) shows its own filters from its first page.
  const address = params.toString();
  useEffect(() => {
    setDraft(filtersFrom(new URLSearchParams(address)));
    setCursors([null]);
  }, [address]);
  const results = useBookingSearch(filters, cursor);
  const zone = Intl.DateTimeFormat().resolvedOptions().timeZone;
  const set = (name: keyof BookingFilters) => (event: { target: { value: string } }) => setDraft({ ...draft, [name]: event.target.value || undefined });

  const search = (event: FormEvent) => {
    event.preventDefault();
    setCursors([null]);
    setParams(Object.fromEntries(Object.entries(draft).filter(([, value]) => value)) as Record<string, string>);
  };

  const items = results.data?.items ?? [];
  const page = cursors.length;
  return (
    <>
      <h1>Bookings</h1>
      <form className="card search-form" onSubmit={search} aria-labelledby="search-heading" role="search">
        <h2 id="search-heading">Search bookings</h2>
        <div className="inline-fields">
          <FormField id="filter-status" label="Status">
            {(props) => (
              <select {...props} value={draft.status ?? ''} onChange={set('status')}>
                <option value="">Any status</option>
                {STATUSES.map((status) => (
                  <option key={status} value={status}>
                    {statusLabel(status, 'admin')}
                  </option>
                ))}
              </select>
            )}
          </FormField>
          <FormField id="filter-type" label="Type">
            {(props) => (
              <select {...props} value={draft.type ?? ''} onChange={set('type')}>
                <option value="">Any type</option>
                {(['instant', 'request'] as BookingMode[]).map((type) => (
                  <option key={type} value={type}>
                    {type === 'instant' ? 'Instant' : 'Request'}
                  </option>
                ))}
              </select>
            )}
          </FormField>
          <FormField id="filter-provider" label="Provider id">
            {(props) => <input {...props} value={draft.providerId ?? ''} onChange={set('providerId')} maxLength={64} />}
          </FormField>
          <FormField id="filter-patient" label="Patient id">
            {(props) => <input {...props} value={draft.patientId ?? ''} onChange={set('patientId')} maxLength={64} />}
          </FormField>
          <FormField id="filter-from" label="Appointments from">
            {(props) => <input {...props} type="date" value={draft.from ?? ''} onChange={set('from')} />}
          </FormField>
          <FormField id="filter-to" label="Appointments to">
            {(props) => <input {...props} type="date" value={draft.to ?? ''} onChange={set('to')} min={draft.from} />}
          </FormField>
        </div>
        <div className="actions">
          <button type="submit" className="button primary">
            Search
          </button>
        </div>
      </form>

      <section aria-labelledby="results-heading" aria-busy={results.isFetching} data-testid="search-results">
        <h2 id="results-heading">Results</h2>
        <p role="status" aria-live="polite" data-testid="results-summary">
          {results.data
            ? `${items.length === 0 ? 'No' : items.length} booking${items.length === 1 ? '' : 's'} on page ${page}${results.data.nextCursor ? '; more on the next page' : ''}.`
            : ''}
        </p>
        <QueryStatus query={results} what="bookings" />
        {items.length > 0 && (
          <DataTable caption="Bookings, newest first" columns={['Booking', 'Status', 'Type', 'Appointment', 'Provider', 'Patient', 'Price']}>
            {items.map((booking) => (
              <tr key={booking.id} data-booking-id={booking.id}>
                <th scope="row">
                  <Link to={`/admin/bookings/${encodeURIComponent(booking.id)}`}>{booking.bookingNumber}</Link>
                </th>
                <td>
                  <StatusBadge status={booking.status} audience="admin" />
                </td>
                <td>{booking.bookingType === 'instant' ? 'Instant' : 'Request'}</td>
                <td>{formatInZone(booking.dateTime.confirmedStart ?? booking.dateTime.requestedStart, zone)}</td>
                <td>{booking.providerId}</td>
                <td>{booking.patientName ?? booking.patientId}</td>
                <td>{formatMoney(booking.service.priceCents, booking.service.currency)}</td>
              </tr>
            ))}
          </DataTable>
        )}
        <nav aria-label="Result pages" className="actions">
          <button type="button" className="button" disabled={page === 1} onClick={() => setCursors(cursors.slice(0, -1))}>
            Previous page
          </button>
          <button
            type="button"
            className="button"
            disabled={!results.data?.nextCursor}
            onClick={() => results.data?.nextCursor && setCursors([...cursors, results.data.nextCursor])}
          >
            Next page
          </button>
        </nav>
      </section>
    </>
  );
}
