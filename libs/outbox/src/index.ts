export * from './aggregate-store.js';
export * from './outbox-relay.js';
export * from './outbox.module.js';
export * from './outbox.schema.js';
export * from './unpublished-relay.js';
