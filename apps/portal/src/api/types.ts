// What the gateway answers, as the portal reads it. Request bodies and the status list are the
// contracts' own (type-only imports: the contracts' validation classes never reach the browser);
// response shapes are those of docs/gateway-api.md and the OpenAPI document's schemas.
import type {
  BOOKING_STATUS_VALUES,
  CalendarConnectRequest,
  DevSignInAnswer,
  ReplaceScheduleRequest,
  ReplaceServicesRequest,
  ServiceRequest,
  SettingsRequest,
  TimeWindowRequest,
} from '@bp/contracts';

export type { CalendarConnectRequest, DevSignInAnswer, ReplaceScheduleRequest, ReplaceServicesRequest, ServiceRequest, SettingsRequest, TimeWindowRequest };

export type Role = 'patient' | 'provider' | 'admin';
export type BookingStatus = (typeof BOOKING_STATUS_VALUES)[number];
export type BookingMode = 'instant' | 'request';

export interface Booking {
  id: string;
  bookingNumber: string;
  patientId: string;
  providerId: string;
  bookingType: BookingMode;
  status: BookingStatus;
  service: { serviceId: string; name: string; category?: string; durationMinutes: number; priceCents: number; currency: string };
  dateTime: {
    requestedStart: string;
    requestedEnd: string;
    confirmedStart?: string;
    confirmedEnd?: string;
    actualStart?: string;
    actualEnd?: string;
    providerTimezone: string;
    patientTimezone: string;
  };
  confirmation: {
    required?: boolean;
    requestedAt?: string;
    expiresAt?: string;
    respondedAt?: string;
    responseType?: 'confirmed' | 'rescheduled' | 'declined' | 'expired';
    declineReason?: string;
    autoConfirm?: boolean;
  };
  reschedule: {
    count: number;
    maxAttempts: number;
    current?: { proposedStart: string; proposedEnd: string; proposedAt: string; responseDeadline: string; message?: string };
  };
  payment: { status: string; originalAmountCents: number };
  cancellation?: { by: string; reason?: string; at: string };
  patientName?: string;
  confirmedAt?: string;
  createdAt: string;
  updatedAt: string;
}

export interface BookingPage {
  items: Booking[];
  nextCursor: string | null;
}

/** Every setting with a value: what the settings route changes (SettingsRequest), read back whole. */
export type BookingSettings = Required<Omit<SettingsRequest, 'autoConfirm'>> & { autoConfirm: { enabled: boolean; maxDailyAutoConfirm: number } };

export type WeeklyHours = Partial<Record<'1' | '2' | '3' | '4' | '5' | '6' | '7', TimeWindowRequest[]>>;

export interface Provider {
  id: string;
  displayName?: string;
  timezone: string;
  services: Array<Required<Omit<ServiceRequest, 'description'>> & { description?: string }>;
  schedule: { weeklyHours: WeeklyHours; overrides: Array<{ date: string; windows: TimeWindowRequest[] }> };
  settings: BookingSettings;
  calendarConnected: boolean;
  stats: {
    totalRequests: number;
    totalConfirmed: number;
    totalExpired: number;
    avgResponseTimeMinutes?: number;
    medianResponseTimeMinutes?: number;
    confirmationRate?: number;
    completionRate?: number;
  };
  mode: BookingMode;
}

/** What patients see of a provider (the public profile), including the response-time line. */
export interface ProviderProfile {
  id: string;
  displayName: string | null;
  timezone: string;
  mode: BookingMode | null;
  bookable: boolean;
  responseTime: { summary: string | null; avgResponseTimeMinutes: number | null };
}

export interface Availability {
  providerId: string;
  serviceId: string;
  providerTimezone: string;
  requesterTimezone: string;
  durationMinutes: number;
  slots: Array<{ start: string; end: string }>;
}

export interface CalendarConnection {
  providerId: string;
  calendarProvider: 'google' | 'microsoft';
  status: 'connected' | 'reauthorization_required' | 'disconnected';
  connected: boolean;
  accountEmail?: string;
  connectedAt: string;
}

export interface CalendarAuthorization {
  calendarProvider: 'google' | 'microsoft';
  authorizationUrl: string;
  state: string;
  expiresAt: string;
}
