import { AcknowledgeRequest, OverrideRequest, ReasonRequest, RescheduleRequest } from './booking.requests.js';
import { RetryPaymentRequest } from './payment.requests.js';

/** The roles a token may carry (the gateway's JWT `role`). */
export type BookingActionRole = 'patient' | 'provider' | 'admin';

/** One action a caller takes on an existing booking: `POST …/bookings/:id/<name>`. */
export interface BookingActionDefinition {
  /** Whose public route it is: a party's, under /api/bookings/:id, or an admin's, under /api/admin/bookings/:id. */
  readonly route: 'parties' | 'admin';
  /** The roles the gateway lets through (anyone else: 403 FORBIDDEN); booking-svc then checks it is their booking (else 404). */
  readonly roles: readonly BookingActionRole[];
  /** The body's contract, validated by the gateway and again by booking-svc; without one the body is not read and `{}` is sent on. */
  readonly body?: new () => object;
  /** OpenAPI: how the success answer (200, the booking) is described. */
  readonly summary: string;
  /** OpenAPI: the failure statuses of this action, besides those every public route documents (its controller's). */
  readonly failures: readonly number[];
}

const PARTY_ACTION = { route: 'parties', summary: 'The booking after the action', failures: [403, 404, 409, 410] } as const;

/**
 * The booking action catalog: one row per action a caller takes on a booking, in the order its
 * controllers serve them. The gateway builds each public route, its role check and its OpenAPI entry
 * from the row (apps/gateway/src/bookings/booking-action-routes.ts); booking-svc the internal route
 * (apps/booking-svc/src/bookings/interface/booking-actions.controller.ts), which runs the use case of
 * the same name (BookingActions in apps/booking-svc/src/bookings/application/booking-actions.ts, a map
 * the compiler holds to this table). The transitions: booking-svc's domain/booking-transitions.ts.
 * Adding an action: docs/booking-core.md, "Booking actions: one catalog".
 */
export const BOOKING_ACTIONS = {
  confirm: { ...PARTY_ACTION, roles: ['provider'] },
  decline: { ...PARTY_ACTION, roles: ['provider'], body: ReasonRequest },
  reschedule: { ...PARTY_ACTION, roles: ['provider'], body: RescheduleRequest },
  'accept-reschedule': { ...PARTY_ACTION, roles: ['patient'] },
  'decline-reschedule': { ...PARTY_ACTION, roles: ['patient'] },
  'retry-payment': { ...PARTY_ACTION, roles: ['patient'], body: RetryPaymentRequest },
  cancel: { ...PARTY_ACTION, roles: ['patient', 'provider'], body: ReasonRequest },
  'check-in': { ...PARTY_ACTION, roles: ['provider'] },
  start: { ...PARTY_ACTION, roles: ['provider'] },
  complete: { ...PARTY_ACTION, roles: ['provider'] },
  'no-show': { ...PARTY_ACTION, roles: ['provider'] },
  // The admin routes' controller documents 403 for all of its routes.
  override: { route: 'admin', roles: ['admin'], body: OverrideRequest, summary: 'The booking in its new status', failures: [404, 409] },
  acknowledge: { route: 'admin', roles: ['admin'], body: AcknowledgeRequest, summary: 'The booking without its flag', failures: [404, 409] },
} as const satisfies Record<string, BookingActionDefinition>;

export type BookingActionName = keyof typeof BOOKING_ACTIONS;

/** The body an action's use case receives: an instance of its contract, or nothing to read. */
export type BookingActionBody<Name extends BookingActionName> = (typeof BOOKING_ACTIONS)[Name] extends { body: new () => infer Body }
  ? Body
  : Record<string, never>;

/** The catalog's rows with their names, in order; `route` picks a controller's share. */
export function bookingActions(route?: BookingActionDefinition['route']): Array<[BookingActionName, BookingActionDefinition]> {
  return (Object.entries(BOOKING_ACTIONS) as Array<[BookingActionName, BookingActionDefinition]>).filter(([, action]) => !route || action.route === route);
}
