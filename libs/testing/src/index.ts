export * from './infra.js';
export * from './kafka-probe.js';
export * from './service-process.js';
export * from './sse-client.js';
export * from './tokens.js';
export * from './stripe-fake.js';
export * from './kafka-publish.js';
