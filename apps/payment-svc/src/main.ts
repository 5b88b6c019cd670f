import { startTelemetry } from '@bp/platform/telemetry';

// Telemetry first, so what it instruments is loaded after it; then the service.
await startTelemetry('payment-svc');
await import('./bootstrap.js');
