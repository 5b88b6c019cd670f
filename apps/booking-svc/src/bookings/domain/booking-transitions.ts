/**
 * Every booking transition: a pure decision from the booking, the caller and the time to the next
 * booking, its audit entry and its effects (payment commands, slot claims). The statuses and which
 * moves the state machine allows are in booking-status.ts; each section is one file in transitions/.
 */
export type { BookingChange, BookingEffect, TransitionContext, TransitionRules } from './transitions/booking-change.js';
export { assertParty } from './transitions/transition-guards.js';
export * from './transitions/payment.transitions.js';
export * from './transitions/provider-decision.transitions.js';
export * from './transitions/reschedule.transitions.js';
export * from './transitions/deadline.transitions.js';
export * from './transitions/visit.transitions.js';
export * from './transitions/admin.transitions.js';
