import type { BookingStatus } from './types.js';

/** Every key starts with the resource it caches, so invalidating a prefix (['bookings']) refreshes every view of it. */
export const queryKeys = {
  bookings: ['bookings'] as const,
  pending: ['bookings', 'pending'] as const,
  providerBookings: (statuses: readonly BookingStatus[]) => ['bookings', 'provider', ...statuses] as const,
  booking: (id: string) => ['bookings', 'one', id] as const,
  provider: (id: string) => ['provider', id] as const,
  profile: (id: string) => ['provider', id, 'profile'] as const,
  calendar: (id: string) => ['provider', id, 'calendar'] as const,
  availability: (providerId: string, serviceId: string, from: string, to: string) => ['availability', providerId, serviceId, from, to] as const,
  admin: ['admin'] as const,
  // The admin's booking views sit under 'bookings' too, so a live update (admins receive all) refreshes them.
  adminBookings: ['bookings', 'admin'] as const,
  adminHealth: ['bookings', 'admin', 'health'] as const,
  needsAdmin: ['bookings', 'admin', 'needs-admin'] as const,
  adminSearch: (filters: Record<string, string | undefined>, cursor: string | null) => ['bookings', 'admin', 'search', filters, cursor] as const,
  adminBooking: (id: string) => ['bookings', 'admin', 'one', id] as const,
  featureFlags: ['admin', 'feature-flags'] as const,
};
