export * from './device-token.request.js';
export * from './notification-failed.event.js';
