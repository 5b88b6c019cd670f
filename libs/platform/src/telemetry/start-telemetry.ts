import { register as registerLoaderThread } from 'node:module';
import { HttpInstrumentation } from '@opentelemetry/instrumentation-http';
import { type Instrumentation, registerInstrumentations } from '@opentelemetry/instrumentation';
import { defaultResource, detectResources, envDetector, resourceFromAttributes } from '@opentelemetry/resources';
import { AlwaysOffSampler, BatchSpanProcessor, ParentBasedSampler, type SpanExporter } from '@opentelemetry/sdk-trace-base';
import { NodeTracerProvider } from '@opentelemetry/sdk-trace-node';
import { register as registerInThreadHooks, supportsSyncHooks } from 'import-in-the-middle/register-hooks.mjs';

let provider: NodeTracerProvider | undefined;

/**
 * Starts OpenTelemetry before anything it instruments is loaded: main.ts awaits this and only then
 * imports the Nest application dynamically. Spans are exported over OTLP/HTTP (JSON) to
 * `${OTEL_EXPORTER_OTLP_ENDPOINT}/v1/traces` when the endpoint is set, in batches tuned by the
 * standard OTEL_BSP_* variables. Without the endpoint nothing is exported, so nothing is recorded
 * either: spans are made unsampled (trace ids still reach logs and Kafka headers, and a caller's
 * sampled trace is still followed) and database calls are not instrumented; recording and dropping
 * every span cost a sixth of each service's CPU under load. Kafka spans are made by @bp/messaging itself (see message-tracing.ts), not
 * by the kafkajs instrumentation. No metrics or logs go over OTLP (Prometheus and stdout do that), so
 * only the tracing SDK is loaded: the all-in-one NodeSDK brought every signal's exporters in three
 * protocols (about 1,600 of a service's 5,500 modules).
 */
export async function startTelemetry(service: string): Promise<void> {
  if (provider) return;
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
  provider = new NodeTracerProvider({
    // service.name, the SDK's own attributes, and OTEL_RESOURCE_ATTRIBUTES as NodeSDK read them.
    resource: defaultResource()
      .merge(detectResources({ detectors: [envDetector] }))
      .merge(resourceFromAttributes({ 'service.name': service })),
    spanProcessors: endpoint ? [new BatchSpanProcessor(await otlpExporter(endpoint))] : [],
    ...(endpoint || process.env['OTEL_TRACES_SAMPLER'] ? {} : { sampler: new ParentBasedSampler({ root: new AlwaysOffSampler() }) }),
  });
  // The global tracer provider, W3C trace context and baggage propagation, and AsyncLocalStorage context.
  provider.register();
  // Without an endpoint Node's http is left alone: run-service.ts opens each request's server span
  // itself (trace ids for logs, Kafka headers and the calls it makes), and InternalHttpClient passes the
  // trace context on. The instrumentation cost about a sixth of the gateway's CPU on a small request
  // (binding every request's emitters to the context, a client span per outgoing call) for spans
  // nobody records. Constructing it already patches http, so it is made only when it is used.
  httpInstrumented = Boolean(endpoint);
  if (endpoint) registerInstrumentations({ tracerProvider: provider, instrumentations: [httpInstrumentation(), await mongooseInstrumentation()] });
}

let httpInstrumented = false;

/** Whether the HTTP instrumentation makes each request's server span (traces are exported); otherwise runService does. */
export function httpServerSpansInstrumented(): boolean {
  return httpInstrumented;
}

/** Requests that start no trace: probes and scrapes. */
export function isUntracedRequest(url: string | undefined): boolean {
  return url === '/metrics' || url?.startsWith('/health') === true;
}

function httpInstrumentation(): Instrumentation {
  return new HttpInstrumentation({
    ignoreIncomingRequestHook: (req) => isUntracedRequest(req.url),
    // Background work (outbox sweeps, job polling, SDK calls from jobs) does not start traces of its own.
    requireParentforOutgoingSpans: true,
  });
}

// Loaded only when traces are exported: the OTLP exporter alone is a few hundred modules.
async function otlpExporter(endpoint: string): Promise<SpanExporter> {
  const { OTLPTraceExporter } = await import('@opentelemetry/exporter-trace-otlp-http');
  return new OTLPTraceExporter({ url: `${endpoint.replace(/\/$/, '')}/v1/traces` });
}

async function mongooseInstrumentation(): Promise<Instrumentation> {
  const { MongooseInstrumentation } = await import('@opentelemetry/instrumentation-mongoose');
  return new MongooseInstrumentation({ requireParentSpan: true });
}

export async function stopTelemetry(): Promise<void> {
  await provider?.shutdown();
  provider = undefined;
  httpInstrumented = false;
}
