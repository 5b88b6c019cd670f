// What the gateway's admin routes answer, as the admin pages read them (docs/gateway-api.md and the
// OpenAPI document's BookingHealth, AdminBooking, Payment, BookingNotifications, CalendarEventSync
// and FeatureFlag schemas). Request bodies are the contracts' own classes (type-only imports).
import type { AcknowledgeRequest, AdminRefundRequest, FeatureFlagBody, FeatureFlagName, OverrideRequest } from '@bp/contracts';
import type { Booking, BookingMode, BookingStatus } from '../api/types.js';

export type { AcknowledgeRequest, AdminRefundRequest, FeatureFlagBody, FeatureFlagName, OverrideRequest };

export interface ProviderResponseRow {
  providerId: string;
  providerName: string | null;
  pendingCount: number;
  avgResponseTimeMinutes: number | null;
  confirmationRate: number | null;
  expiredCount30d: number;
}

export interface HoldsAging {
  under24h: number;
  days1to3: number;
  days3to5: number;
  days5to7: number;
  over7days: number;
}

export interface BookingHealth {
  pendingCount: number;
  expiringSoonCount: number;
  expiredToday: number;
  activeHoldsCount: number;
  /** Per currency (lower-case ISO code). */
  activeHoldsAmountCents: Record<string, number>;
  holdsAging: HoldsAging;
  capturesDeferred: number;
  expiringWithin24h: number;
  providerStats: ProviderResponseRow[];
  needsAdmin: { count: number; oldestSince: string | null };
  criticalAlerts: string[];
  /** Above these counts a figure is critical (the spec's dashboard thresholds). */
  thresholds: { pendingCount: number; expiringSoonCount: number; expiredToday: number };
  generatedAt: string;
}

/** Booking as admins get it: the flag for an admin too. */
export interface AdminListedBooking extends Booking {
  needsAdmin?: boolean;
  needsAdminSince?: string;
  needsAdminReason?: string;
}

export interface AuditEvent {
  eventType: string;
  previousStatus?: string;
  newStatus?: string;
  data?: Record<string, unknown>;
  actor: { type?: string; id?: string };
  timestamp: string;
}

export interface PaymentRecord {
  bookingId: string;
  status: 'pending' | 'held' | 'captured' | 'refunded' | 'partial_refund' | 'failed' | 'cancelled';
  currency: string;
  amountCents: number;
  capturedCents: number;
  refundedCents: number;
  paymentIntentId?: string;
  captureDeferred?: boolean;
  refunds: Array<{ refundId?: string; amountCents: number; reason?: string; initiatedBy?: string; createdAt?: string }>;
  refusedRefunds?: Array<{ amountCents: number; reason?: string; code?: string; message?: string; refusedAt?: string }>;
  disputes?: Array<{ disputeId: string; amountCents: number; reason?: string; status: 'open' | 'won' | 'lost'; openedAt?: string }>;
}

export interface AdminBooking extends AdminListedBooking {
  audit: AuditEvent[];
  paymentRecord: PaymentRecord | null;
}

export interface BookingNotification {
  id: string;
  channel: 'email' | 'push' | 'sms' | 'digest';
  template: string;
  recipientRole: 'patient' | 'provider';
  status: 'deferred' | 'retrying' | 'sending' | 'sent' | 'failed' | 'skipped' | 'collecting';
  attempts: number;
  createdAt?: string;
  sentAt?: string;
  failedAt?: string;
  lastErrorCode?: string;
  skippedReason?: string;
}

export interface CalendarEventSync {
  bookingId: string;
  desired: 'present' | 'absent';
  status: 'pending' | 'synced' | 'deleted' | 'failed' | 'not_applicable';
  calendarProvider?: 'google' | 'microsoft';
  externalEventId?: string;
  eventLink?: string;
  start?: string;
  end?: string;
  attempts: number;
  lastError?: string;
  nextAttemptAt?: string;
}

export interface FeatureFlag {
  name: FeatureFlagName;
  kind: 'boolean' | 'percentage';
  default: boolean | number;
  description: string;
  /** The global value (no provider context). */
  value: boolean;
  setting?: FeatureFlagBody;
}

/** The search form's filters, as the list route takes them. */
export interface BookingFilters {
  status?: BookingStatus;
  type?: BookingMode;
  providerId?: string;
  patientId?: string;
  /** Local dates (YYYY-MM-DD) of the admin's browser, turned into instants for the route. */
  from?: string;
  to?: string;
}
