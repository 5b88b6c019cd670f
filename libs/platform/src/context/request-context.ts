import { AsyncLocalStorage } from 'node:async_hooks';

export interface RequestContext {
  /** The caller's X-Request-ID, carried into service calls, Kafka envelopes (correlationId) and logs. */
  requestId: string;
  /** The message being handled, when the work was caused by one (becomes the next message's causationId). */
  causationId?: string;
  actor?: { type: 'patient' | 'provider' | 'admin' | 'system'; id: string };
}

const storage = new AsyncLocalStorage<RequestContext>();

export const requestContext = {
  run<T>(context: RequestContext, fn: () => T): T {
    return storage.run(context, fn);
  },
  /** Binds the context to the rest of the current async flow (used from HTTP hooks). */
  enter(context: RequestContext): void {
    storage.enterWith(context);
  },
  current(): RequestContext | undefined {
    return storage.getStore();
  },
};
