// Query conventions: every key starts with the resource it caches, so a live update or a mutation
// invalidates by prefix (['bookings'] refreshes every booking list and booking). Hooks take the API
// client from the auth context; pages never build URLs themselves.
import { type QueryKey, useMutation, useQuery, useQueryClient } from '@tanstack/react-query';
import { useAuth } from '../auth/AuthContext.js';
import { useLiveStatus } from '../live/LiveUpdatesProvider.js';
import { ApiRequestError } from './client.js';
import { queryKeys } from './query-keys.js';
import type { Availability, Booking, BookingPage, BookingStatus, CalendarConnection, Provider, ProviderProfile } from './types.js';

export { queryKeys };

/** While live updates are down, lists that change under the user poll instead (and always refetch on focus). */
const FALLBACK_POLL_MS = 15_000;

export function usePolling(): number | false {
  return useLiveStatus() === 'live' ? false : FALLBACK_POLL_MS;
}

export function usePendingRequests() {
  const { api } = useAuth();
  return useQuery({ queryKey: queryKeys.pending, queryFn: () => api.get<Booking[]>('/api/bookings/provider/pending'), refetchInterval: usePolling() });
}

export function useProviderBookings(statuses: readonly BookingStatus[]) {
  const { api } = useAuth();
  return useQuery({
    queryKey: queryKeys.providerBookings(statuses),
    queryFn: () => api.get<BookingPage>('/api/bookings/provider', { status: [...statuses], limit: 100 }),
    refetchInterval: usePolling(),
  });
}

export function useProvider(id: string) {
  const { api } = useAuth();
  return useQuery({ queryKey: queryKeys.provider(id), queryFn: () => api.get<Provider>(`/api/providers/${encodeURIComponent(id)}`) });
}

export function useProviderProfile(id: string) {
  const { api } = useAuth();
  return useQuery({ queryKey: queryKeys.profile(id), queryFn: () => api.get<ProviderProfile>(`/api/providers/${encodeURIComponent(id)}/profile`) });
}

/** The provider's calendar connection; null when none was ever made (calendar-svc answers 404). */
export function useCalendarConnection(id: string) {
  const { api } = useAuth();
  return useQuery({
    queryKey: queryKeys.calendar(id),
    queryFn: () =>
      api.get<CalendarConnection>(`/api/providers/${encodeURIComponent(id)}/calendar`).catch((error: unknown) => {
        if (error instanceof ApiRequestError && error.status === 404) return null;
        throw error;
      }),
  });
}

export function useAvailability(providerId: string, serviceId: string, from: string, to: string, enabled = true) {
  const { api } = useAuth();
  return useQuery({
    queryKey: queryKeys.availability(providerId, serviceId, from, to),
    queryFn: () => api.get<Availability>(`/api/providers/${encodeURIComponent(providerId)}/availability`, { serviceId, from, to }),
    enabled,
  });
}

/** A change through the API that refreshes what it touched once it is done (whatever the outcome: a 409 means the data moved). */
export function useApiMutation<TVariables, TResult>(run: (variables: TVariables) => Promise<TResult>, invalidates: (variables: TVariables) => QueryKey[]) {
  const queryClient = useQueryClient();
  return useMutation({
    mutationFn: run,
    onSettled: (_data, _error, variables) => Promise.all(invalidates(variables).map((queryKey) => queryClient.invalidateQueries({ queryKey }))),
  });
}

export type BookingAction = 'confirm' | 'decline' | 'reschedule' | 'check-in' | 'start' | 'complete' | 'no-show';

/** The provider's actions on a booking (docs/gateway-api.md); each refreshes every booking view and the provider's stats. */
export function useBookingAction() {
  const { api } = useAuth();
  return useApiMutation(
    ({ id, action, body }: { id: string; action: BookingAction; body?: unknown }) =>
      api.send<Booking>('POST', `/api/bookings/${encodeURIComponent(id)}/${action}`, body ?? {}),
    () => [queryKeys.bookings, ['provider']],
  );
}
