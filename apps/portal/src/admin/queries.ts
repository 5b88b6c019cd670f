// The admin pages' reads and changes (docs/gateway-api.md, admin routes). Booking views are keyed
// under 'bookings', so the live connection refreshes them on every booking update; while it is down
// the dashboard and the search poll like the provider's lists.
import { useQuery, useQueryClient } from '@tanstack/react-query';
import { ApiRequestError } from '../api/client.js';
import { queryKeys, useApiMutation, usePolling } from '../api/queries.js';
import type { Booking, BookingPage } from '../api/types.js';
import { useAuth } from '../auth/AuthContext.js';
import type {
  AcknowledgeRequest,
  AdminBooking,
  AdminListedBooking,
  AdminRefundRequest,
  BookingFilters,
  BookingHealth,
  BookingNotification,
  CalendarEventSync,
  FeatureFlag,
  FeatureFlagBody,
  FeatureFlagName,
  OverrideRequest,
  PaymentRecord,
} from './types.js';

const bookingPath = (id: string, rest = '') => `/api/admin/bookings/${encodeURIComponent(id)}${rest}`;

/** A page of the search: 25 at a time, as a person reads them. */
export const SEARCH_PAGE_SIZE = 25;

export function useBookingHealth() {
  const { api } = useAuth();
  return useQuery({ queryKey: queryKeys.adminHealth, queryFn: () => api.get<BookingHealth>('/api/admin/bookings/health'), refetchInterval: usePolling() });
}

export function useNeedsAdmin() {
  const { api } = useAuth();
  return useQuery({
    queryKey: queryKeys.needsAdmin,
    queryFn: () => api.get<AdminListedBooking[]>('/api/admin/bookings/needs-admin'),
    refetchInterval: usePolling(),
  });
}

/** Local dates of the admin's browser as the instants the list route filters on (the end date included). */
function rangeQuery(filters: BookingFilters): { from?: string; to?: string } {
  const midnight = (date: string, plusDays = 0) => {
    const [y, m, d] = date.split('-').map(Number) as [number, number, number];
    return new Date(y, m - 1, d + plusDays).toISOString();
  };
  return { ...(filters.from ? { from: midnight(filters.from) } : {}), ...(filters.to ? { to: midnight(filters.to, 1) } : {}) };
}

export function useBookingSearch(filters: BookingFilters, cursor: string | null) {
  const { api } = useAuth();
  return useQuery({
    queryKey: queryKeys.adminSearch({ ...filters }, cursor),
    queryFn: () =>
      api.get<BookingPage>('/api/admin/bookings', {
        status: filters.status,
        type: filters.type,
        providerId: filters.providerId,
        patientId: filters.patientId,
        ...rangeQuery(filters),
        cursor: cursor ?? undefined,
        limit: SEARCH_PAGE_SIZE,
      }),
    refetchInterval: usePolling(),
  });
}

export function useAdminBooking(id: string) {
  const { api } = useAuth();
  return useQuery({ queryKey: queryKeys.adminBooking(id), queryFn: () => api.get<AdminBooking>(bookingPath(id)) });
}

export function useBookingNotifications(id: string) {
  const { api } = useAuth();
  return useQuery({
    queryKey: [...queryKeys.adminBooking(id), 'notifications'],
    queryFn: () => api.get<BookingNotification[]>(bookingPath(id, '/notifications')),
  });
}

/** The booking's calendar event; null when it has none (calendar-svc answers 404). */
export function useCalendarEvent(id: string) {
  const { api } = useAuth();
  return useQuery({
    queryKey: [...queryKeys.adminBooking(id), 'calendar-event'],
    queryFn: () =>
      api.get<CalendarEventSync>(bookingPath(id, '/calendar-event')).catch((error: unknown) => {
        if (error instanceof ApiRequestError && error.status === 404) return null;
        throw error;
      }),
  });
}

export function useOverride() {
  const { api } = useAuth();
  return useApiMutation(
    ({ id, body }: { id: string; body: OverrideRequest }) => api.send<Booking>('POST', bookingPath(id, '/override'), body),
    () => [queryKeys.bookings],
  );
}

export function useRefund() {
  const { api } = useAuth();
  return useApiMutation(
    ({ id, body }: { id: string; body: AdminRefundRequest }) => api.send<PaymentRecord>('POST', bookingPath(id, '/refund'), body),
    () => [queryKeys.bookings],
  );
}

export function useAcknowledge() {
  const { api } = useAuth();
  return useApiMutation(
    ({ id, body }: { id: string; body: AcknowledgeRequest }) => api.send<Booking>('POST', bookingPath(id, '/acknowledge'), body),
    () => [queryKeys.bookings],
  );
}

export function useFeatureFlags() {
  const { api } = useAuth();
  return useQuery({ queryKey: queryKeys.featureFlags, queryFn: () => api.get<FeatureFlag[]>('/api/admin/feature-flags') });
}

/**
 * Sets a flag. The gateway learns the new setting back from the flags topic a moment later, so the
 * list shows what was accepted at once instead of refetching the old setting.
 */
export function useSetFeatureFlag() {
  const { api } = useAuth();
  const queryClient = useQueryClient();
  return useApiMutation(
    async ({ name, body }: { name: FeatureFlagName; body: FeatureFlagBody }) => {
      const accepted = await api.send<FeatureFlagBody>('PUT', `/api/admin/feature-flags/${encodeURIComponent(name)}`, body);
      queryClient.setQueryData<FeatureFlag[]>(queryKeys.featureFlags, (flags) =>
        flags?.map((flag) => (flag.name === name ? { ...flag, value: body.enabled ?? flag.value, setting: body } : flag)),
      );
      return accepted;
    },
    () => [],
  );
}
