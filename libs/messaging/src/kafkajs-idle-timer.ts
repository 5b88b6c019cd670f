import { createRequire } from 'node:module';

/**
 * kafkajs 2.2.4 (the last release) re-arms a timer in every connection's request queue whenever it
 * checks for pending requests, with a negative delay when nothing is throttled: each connection spins
 * a 1 ms timer loop for as long as it is open, idle or not (tulios/kafkajs#1556, #1704; the fix,
 * #1667, is unreleased). Measured here, that loop was half of every idle service's CPU. This replaces
 * the scheduling with the fixed one: a timer only while requests wait, firing when the throttle ends
 * (or after the library's 10 ms interval). A request pushed later, or one answered, checks the queue
 * anyway.
 */
interface RequestQueue {
  pending: unknown[];
  throttledUntil: number;
  throttleCheckTimeoutId: NodeJS.Timeout | null;
  checkPendingRequests(): void;
  scheduleCheckPendingRequests(): void;
}

const CHECK_PENDING_REQUESTS_INTERVAL_MS = 10;
const require = createRequire(import.meta.url);
const RequestQueueClass = require('kafkajs/src/network/requestQueue/index.js') as { prototype: RequestQueue };

RequestQueueClass.prototype.scheduleCheckPendingRequests = function scheduleCheckPendingRequests(this: RequestQueue): void {
  if (this.throttleCheckTimeoutId || this.pending.length === 0) return;
  const untilUnthrottled = this.throttledUntil - Date.now();
  this.throttleCheckTimeoutId = setTimeout(
    () => {
      this.throttleCheckTimeoutId = null;
      this.checkPendingRequests();
    },
    untilUnthrottled > 0 ? untilUnthrottled : CHECK_PENDING_REQUESTS_INTERVAL_MS,
  );
};
