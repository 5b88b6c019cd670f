import Fastify, { type FastifyInstance } from 'fastify';
import { answerWrongMethodsWith405 } from './method-not-allowed.js';

/** On a real server: the router that decides is Fastify's own. */
describe('a wrong method on a served path', () => {
  let app: FastifyInstance;
  let base: string;
  const call = async (method: string, path: string) => {
    const response = await fetch(`${base}${path}`, { method });
    return { statusCode: response.status, headers: Object.fromEntries(response.headers), json: async () => response.json() };
  };

  beforeAll(async () => {
    app = Fastify();
    answerWrongMethodsWith405(app);
    app.get('/api/bookings/:id', async () => ({ success: true }));
    app.get('/api/bookings/patient', async () => ({ success: true }));
    app.post('/api/bookings/:id/cancel', async () => ({ success: true }));
    app.put('/api/providers/:id', async () => ({ success: true }));
    app.post('/api/bookings/reserve-slot', async () => ({ success: true }));
    app.put('/api/payments/cards/default', async () => ({ success: true }));
    app.delete('/api/payments/cards/:paymentMethodId', async () => ({ success: true }));
    app.patch('/api/providers/:id/settings', async () => ({ success: true }));
    base = await app.listen({ port: 0, host: '127.0.0.1' });
  });

  afterAll(() => app.close());

  it('answers 405 with the methods the path does serve in Allow, in the error envelope', async () => {
    const answer = await call('DELETE', '/api/bookings/patient?limit=5');
    expect(answer.statusCode).toBe(405);
    expect(answer.headers['allow']).toBe('GET, HEAD');
    expect(await answer.json()).toEqual({
      success: false,
      error: { code: 'METHOD_NOT_ALLOWED', message: expect.stringContaining('GET, HEAD') },
      meta: { requestId: expect.any(String), timestamp: expect.any(String), version: '1.0' },
    });
  });

  it('matches parameterised paths as the router does', async () => {
    expect((await call('GET', '/api/bookings/b-1/cancel')).headers['allow']).toBe('POST');
    expect((await call('POST', '/api/providers/p-1')).headers['allow']).toBe('PUT');
    expect((await call('OPTIONS', '/api/bookings/b-1')).statusCode).toBe(405);
    // A static route is more specific than a parameter: reserve-slot is not a booking id here.
    expect((await call('OPTIONS', '/api/bookings/reserve-slot')).headers['allow']).toBe('POST');
    expect((await call('OPTIONS', '/api/payments/cards/default')).headers['allow']).toBe('PUT');
    expect((await call('PATCH', '/api/payments/cards/pm_1')).headers['allow']).toBe('DELETE');
  });

  it('leaves a path no method serves to the not-found handler, and a served method to its route', async () => {
    expect((await call('GET', '/api/nothing-here')).statusCode).toBe(404);
    expect((await call('DELETE', '/api/providers/p-1/settings/x')).statusCode).toBe(404);
    expect((await call('GET', '/api/bookings/b-1')).statusCode).toBe(200);
  });
});
