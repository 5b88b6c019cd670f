// A Server-Sent Events reader over fetch (Node has no EventSource): parses the stream itself and
// reconnects with Last-Event-ID when the connection drops (a gateway restart), counting reconnects.
import { setTimeout as sleep } from 'node:timers/promises';

/** Splits an SSE byte stream into events ({ event, id, data }) per the spec: blank line ends one, `:` lines are comments. */
export function sseParser(onEvent) {
  const decoder = new TextDecoder();
  let buffer = '';
  let event = { data: [] };
  const line = (text) => {
    if (text === '') {
      if (event.data.length > 0 || event.event) onEvent({ event: event.event ?? 'message', id: event.id, data: event.data.join('\n') });
      event = { data: [] };
      return;
    }
    if (text.startsWith(':')) return;
    const colon = text.indexOf(':');
    const field = colon < 0 ? text : text.slice(0, colon);
    const value = colon < 0 ? '' : text.slice(colon + 1).replace(/^ /, '');
    if (field === 'data') event.data.push(value);
    else if (field === 'event') event.event = value;
    else if (field === 'id') event.id = value;
  };
  return (chunk) => {
    buffer += decoder.decode(chunk, { stream: true });
    let end;
    while ((end = buffer.search(/\r\n|\r|\n/)) >= 0) {
      const text = buffer.slice(0, end);
      buffer = buffer.slice(end + (buffer.startsWith('\r\n', end) ? 2 : 1));
      line(text);
    }
  };
}

/**
 * Opens `url` as an event stream and calls onEvent for every event until close(). `opened` settles
 * with the first connection (rejects on a non-200 answer). `state` counts events and reconnects.
 */
export function openSse(url, headers, onEvent, { reconnectDelayMs = 500 } = {}) {
  const controller = new AbortController();
  const state = { events: 0, reconnects: 0, lastEventId: undefined, lastError: undefined };
  let markOpened;
  const opened = new Promise((resolve, reject) => (markOpened = { resolve, reject }));
  const parse = sseParser((event) => {
    state.events++;
    if (event.id) state.lastEventId = event.id;
    onEvent(event);
  });
  void (async () => {
    let first = true;
    while (!controller.signal.aborted) {
      try {
        const response = await fetch(url, {
          headers: { accept: 'text/event-stream', ...headers, ...(state.lastEventId ? { 'last-event-id': state.lastEventId } : {}) },
          signal: controller.signal,
        });
        if (response.status !== 200 || !response.body) throw new Error(`SSE answered ${response.status}: ${(await response.text()).slice(0, 200)}`);
        if (first) markOpened.resolve();
        first = false;
        for await (const chunk of response.body) parse(chunk);
      } catch (error) {
        if (controller.signal.aborted) break;
        state.lastError = error.message;
        if (first) {
          markOpened.reject(error);
          return;
        }
      }
      if (controller.signal.aborted) break;
      state.reconnects++;
      await sleep(reconnectDelayMs);
    }
  })();
  return { opened, state, close: () => controller.abort() };
}
