import { register as registerLoaderThread } from 'node:module';
import { OTLPTraceExporter } from '@opentelemetry/exporter-trace-otlp-http';
import { HttpInstrumentation } from '@opentelemetry/instrumentation-http';
import { MongooseInstrumentation } from '@opentelemetry/instrumentation-mongoose';
import { resourceFromAttributes } from '@opentelemetry/resources';
import { NodeSDK } from '@opentelemetry/sdk-node';
import { AlwaysOffSampler, BatchSpanProcessor, NoopSpanProcessor, ParentBasedSampler } from '@opentelemetry/sdk-trace-base';
import { register as registerInThreadHooks, supportsSyncHooks } from 'import-in-the-middle/register-hooks.mjs';

let sdk: NodeSDK | undefined;

/**
 * Starts OpenTelemetry before anything it instruments is loaded: main.ts calls this and only then
 * imports the Nest application dynamically. Spans are exported over OTLP/HTTP (JSON) to
 * `${OTEL_EXPORTER_OTLP_ENDPOINT}/v1/traces` when the endpoint is set, in batches tuned by the
 * standard OTEL_BSP_* variables. Without the endpoint nothing is exported, so nothing is recorded
 * either: spans are made unsampled (trace ids still reach logs and Kafka headers, and a caller's
 * sampled trace is still followed) and database calls are not instrumented; recording and dropping
 * every span cost a sixth of each service's CPU under load. Kafka spans are made by @bp/messaging itself (see message-tracing.ts), not
 * by the kafkajs instrumentation. No metrics or logs go over OTLP (Prometheus and stdout do that).
 */
export function startTelemetry(service: string): void {
  if (sdk) return;
  const endpoint = process.env['OTEL_EXPORTER_OTLP_ENDPOINT'];
  // Modules an ES module imports (mongoose, for its instrumentation) are instrumented through
  // import-in-the-middle's loader hooks: in the application's thread (module.registerHooks) where Node
  // supports it, else on the loader thread (module.register, deprecated since Node 26). Only with an
  // endpoint: without one only http is instrumented, and Node's http is patched where fastify requires
  // it, while the hooks would see every module load (a third of a service's start-up CPU).
  if (endpoint) {
    if (supportsSyncHooks()) registerInThreadHooks();
    else registerLoaderThread('@opentelemetry/instrumentation/hook.mjs', import.meta.url);
  }
  const http = new HttpInstrumentation({
    ignoreIncomingRequestHook: (req) => req.url === '/metrics' || req.url?.startsWith('/health') === true,
    // Background work (outbox sweeps, job polling, SDK calls from jobs) does not start traces of its own.
    requireParentforOutgoingSpans: true,
  });
  sdk = new NodeSDK({
    resource: resourceFromAttributes({ 'service.name': service }),
    ...(endpoint
      ? { spanProcessors: [new BatchSpanProcessor(new OTLPTraceExporter({ url: `${endpoint.replace(/\/$/, '')}/v1/traces` }))] }
      : {
          spanProcessors: [new NoopSpanProcessor()],
          ...(process.env['OTEL_TRACES_SAMPLER'] ? {} : { sampler: new ParentBasedSampler({ root: new AlwaysOffSampler() }) }),
        }),
    metricReaders: [],
    logRecordProcessors: [],
    instrumentations: endpoint ? [http, new MongooseInstrumentation({ requireParentSpan: true })] : [http],
  });
  sdk.start();
}

export async function stopTelemetry(): Promise<void> {
  await sdk?.shutdown();
  sdk = undefined;
}
