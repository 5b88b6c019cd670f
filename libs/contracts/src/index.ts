export * from './envelope.js';
export * from './topics.js';
export * from './booking/slot-reserved.event.js';
export * from './calendar/sync-provider-calendar.command.js';
export * from './payment/release-payment-hold.command.js';
