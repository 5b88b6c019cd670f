export interface SseEvent {
  id?: string;
  event?: string;
  data: string;
}

export interface SseSubscription {
  events: SseEvent[];
  /** Resolves when the stream answered 200 and sent its headers. */
  opened: Promise<void>;
  close(): void;
}

/** A minimal EventSource over fetch (Node has no EventSource), collecting every event it receives. */
export function subscribeSse(url: string, headers: Record<string, string>): SseSubscription {
  const controller = new AbortController();
  const events: SseEvent[] = [];
  const opened = (async () => {
    const response = await fetch(url, { headers: { accept: 'text/event-stream', ...headers }, signal: controller.signal });
    if (response.status !== 200 || !response.body) throw new Error(`SSE answered ${response.status}: ${await response.text()}`);
    void (async () => {
      const decoder = new TextDecoder();
      let buffer = '';
      try {
        for await (const chunk of response.body as unknown as AsyncIterable<Uint8Array>) {
          buffer += decoder.decode(chunk, { stream: true });
          let end: number;
          while ((end = buffer.indexOf('\n\n')) >= 0) {
            const block = buffer.slice(0, end);
            buffer = buffer.slice(end + 2);
            const event: SseEvent = { data: '' };
            for (const line of block.split('\n')) {
              const [field, ...rest] = line.split(':');
              const value = rest.join(':').replace(/^ /, '');
              if (field === 'data') event.data += event.data ? `\n${value}` : value;
              else if (field === 'id') event.id = value;
              else if (field === 'event') event.event = value;
            }
            if (block.trim()) events.push(event);
          }
        }
      } catch {
        // aborted by close()
      }
    })();
  })();
  return { events, opened, close: () => controller.abort() };
}
