import type { ArgumentsHost } from '@nestjs/common';
import { DomainError } from '@bp/domain';
import { domainErrorFilter } from './domain-error.filter.js';

enum Code {
  Taken = 'TAKEN',
  TooSoon = 'TOO_SOON',
}
class ExampleError extends DomainError<Code> {}

function replyRecorder() {
  const sent: { status?: number; headers: Record<string, string>; body?: unknown } = { headers: {} };
  const reply = {
    status: (status: number) => ((sent.status = status), reply),
    header: (name: string, value: string) => ((sent.headers[name] = value), reply),
    send: (body: unknown) => ((sent.body = body), reply),
  };
  const host = { switchToHttp: () => ({ getResponse: () => reply }) } as unknown as ArgumentsHost;
  return { sent, host };
}

describe('domainErrorFilter', () => {
  const Filter = domainErrorFilter(ExampleError, { [Code.Taken]: 409, [Code.TooSoon]: 429 });

  it('answers a code with the status its table gives it, in the error envelope with the details', () => {
    const { sent, host } = replyRecorder();
    new Filter().catch(new ExampleError(Code.Taken, 'That one is taken', { id: 'x' }), host);
    expect(sent.status).toBe(409);
    expect(sent.headers).toEqual({});
    expect(sent.body).toMatchObject({ success: false, error: { code: 'TAKEN', message: 'That one is taken', details: { id: 'x' } } });
  });

  it('tells a caller refused for now when to ask again: Retry-After and retryAfterSeconds, at least 1 s', () => {
    const { sent, host } = replyRecorder();
    new Filter().catch(new ExampleError(Code.TooSoon, 'Later', undefined, new Date(Date.now() + 29_500)), host);
    expect(sent.status).toBe(429);
    expect(sent.headers['Retry-After']).toBe('30');
    expect(sent.body).toMatchObject({ error: { code: 'TOO_SOON', details: { retryAfterSeconds: 30 } } });

    const past = replyRecorder();
    new Filter().catch(new ExampleError(Code.TooSoon, 'Now', undefined, new Date(Date.now() - 5_000)), past.host);
    expect(past.sent.headers['Retry-After']).toBe('1');
  });

  it('names the error after its class, for logs', () => {
    expect(new ExampleError(Code.Taken, 'x').name).toBe('ExampleError');
    expect(new ExampleError(Code.Taken, 'x')).toBeInstanceOf(Error);
  });
});
