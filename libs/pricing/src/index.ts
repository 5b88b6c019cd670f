export * from './platform-fee.js';
export * from './cancellation-fee.js';
