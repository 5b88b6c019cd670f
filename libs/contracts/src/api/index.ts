// The public API's request bodies and queries: validated by the gateway and by the owning service,
// and the source of the OpenAPI document's request schemas.
export * from './availability.request.js';
export * from './booking-list.request.js';
export * from './booking.requests.js';
export * from './calendar.requests.js';
export * from './create-provider.request.js';
export * from './dev-sign-in.request.js';
export * from './feature-flag.request.js';
export * from './payment.requests.js';
export * from './reserve-slot.request.js';
export * from './schedule.request.js';
export * from './service.request.js';
export * from './settings.request.js';
export * from './time-zone.js';
export * from './notification-preferences.request.js';
export * from './contact-verification.requests.js';
export * from './booking-actions.js';
export * from './responses/index.js';
