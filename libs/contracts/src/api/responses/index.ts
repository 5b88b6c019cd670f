// The public API's response bodies (`data` of the envelope) and envelopes: one TypeBox schema each,
// which is both the JSON Schema the gateway's OpenAPI document publishes and, through Static<>, the
// type the owning service's view returns.
import type { TSchema } from '@sinclair/typebox';
import {
  AdminBookingContract,
  AuditEventContract,
  BookingContract,
  BookingListContract,
  BookingPageContract,
  ReservationContract,
} from './booking.responses.js';
import { CalendarAuthorizationContract, CalendarConnectionContract, CalendarEventSyncContract } from './calendar.responses.js';
import { ErrorEnvelopeContract, MetaContract } from './envelope.responses.js';
import {
  BookingNotificationsContract,
  ContactVerificationContract,
  ContactVerificationStateContract,
  NotificationDevicesContract,
  NotificationPreferencesContract,
} from './notification.responses.js';
import {
  CardSetupContract,
  ParkedStripeEventsContract,
  PaymentContract,
  PayoutAccountContract,
  SavedCardsContract,
  StripeEventRedriveContract,
} from './payment.responses.js';
import { BookingHealthContract, DevSignInContract, FeatureFlagAcceptedContract, FeatureFlagContract, FeatureFlagListContract } from './platform.responses.js';
import { AvailabilityContract, ProviderContract, ProviderProfileContract } from './provider.responses.js';

export * from './booking.responses.js';
export * from './calendar.responses.js';
export * from './envelope.responses.js';
export * from './json-schema.js';
export * from './notification.responses.js';
export * from './payment.responses.js';
export * from './platform.responses.js';
export * from './provider.responses.js';

/** Every response contract by its OpenAPI component name (what `Ref(name, …)` and the gateway's ApiData name). */
export const RESPONSE_CONTRACTS = {
  Reservation: ReservationContract,
  Booking: BookingContract,
  BookingPage: BookingPageContract,
  BookingList: BookingListContract,
  AuditEvent: AuditEventContract,
  AdminBooking: AdminBookingContract,
  Payment: PaymentContract,
  PayoutAccount: PayoutAccountContract,
  CardSetup: CardSetupContract,
  SavedCards: SavedCardsContract,
  ParkedStripeEvents: ParkedStripeEventsContract,
  StripeEventRedrive: StripeEventRedriveContract,
  Provider: ProviderContract,
  ProviderProfile: ProviderProfileContract,
  Availability: AvailabilityContract,
  CalendarConnection: CalendarConnectionContract,
  CalendarEventSync: CalendarEventSyncContract,
  CalendarAuthorization: CalendarAuthorizationContract,
  NotificationPreferences: NotificationPreferencesContract,
  ContactVerificationState: ContactVerificationStateContract,
  ContactVerification: ContactVerificationContract,
  NotificationDevices: NotificationDevicesContract,
  BookingNotifications: BookingNotificationsContract,
  FeatureFlag: FeatureFlagContract,
  FeatureFlagList: FeatureFlagListContract,
  FeatureFlagAccepted: FeatureFlagAcceptedContract,
  BookingHealth: BookingHealthContract,
  DevSignIn: DevSignInContract,
  Meta: MetaContract,
  ErrorEnvelope: ErrorEnvelopeContract,
} as const satisfies Record<string, TSchema>;

export type ResponseContractName = keyof typeof RESPONSE_CONTRACTS;
