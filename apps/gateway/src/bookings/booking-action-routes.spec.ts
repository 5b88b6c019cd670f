import 'reflect-metadata';
import { HTTP_CODE_METADATA, METHOD_METADATA, PATH_METADATA } from '@nestjs/common/constants.js';
import { AcknowledgeRequest, OverrideRequest, ReasonRequest, RescheduleRequest, RetryPaymentRequest } from '@bp/contracts';
import { AdminBookingsController } from '../admin/admin-bookings.controller.js';
import type { Forward, Upstreams } from '../upstream/upstreams.js';
import { BookingActionsController } from './booking-actions.controller.js';

type Controller = typeof BookingActionsController | typeof AdminBookingsController;

/** What a route handler of `controller` is, as Nest and the role guard read it. */
function route(controller: Controller, method: string) {
  const handler = (controller.prototype as unknown as Record<string, object>)[method]!;
  const parameterTypes = Reflect.getMetadata('design:paramtypes', controller.prototype, method) as unknown[];
  return {
    path: `${Reflect.getMetadata(PATH_METADATA, controller)}/${Reflect.getMetadata(PATH_METADATA, handler)}`,
    httpMethod: Reflect.getMetadata(METHOD_METADATA, handler),
    status: Reflect.getMetadata(HTTP_CODE_METADATA, handler),
    roles: Reflect.getMetadata('roles', handler),
    body: parameterTypes.length === 4 ? parameterTypes[1] : undefined, // (id, body, key, reply); without a body (id, key, reply)
  };
}

const POST = 1; // RequestMethod.POST

describe('booking action routes', () => {
  // The routes as they were written by hand before the catalog: the same paths, roles and bodies.
  it.each([
    ['confirm', 'confirm', ['provider'], undefined],
    ['decline', 'decline', ['provider'], ReasonRequest],
    ['reschedule', 'reschedule', ['provider'], RescheduleRequest],
    ['acceptReschedule', 'accept-reschedule', ['patient'], undefined],
    ['declineReschedule', 'decline-reschedule', ['patient'], undefined],
    ['retryPayment', 'retry-payment', ['patient'], RetryPaymentRequest],
    ['cancel', 'cancel', ['patient', 'provider'], ReasonRequest],
    ['checkIn', 'check-in', ['provider'], undefined],
    ['start', 'start', ['provider'], undefined],
    ['complete', 'complete', ['provider'], undefined],
    ['noShow', 'no-show', ['provider'], undefined],
  ])('%s: POST /api/bookings/:id/%s for %j only', (method, action, roles, body) => {
    expect(route(BookingActionsController, method)).toEqual({ path: `api/bookings/:id/${action}`, httpMethod: POST, status: 200, roles, body });
  });

  it.each([
    ['override', OverrideRequest],
    ['acknowledge', AcknowledgeRequest],
  ])('POST /api/admin/bookings/:id/%s for admins only', (action, body) => {
    expect(route(AdminBookingsController, action)).toEqual({ path: `api/admin/bookings/:id/${action}`, httpMethod: POST, status: 200, roles: ['admin'], body });
  });

  it('relays to booking-svc’s route of the same name with the caller’s key, and an action without a body sends {}', async () => {
    const forwarded: Forward[] = [];
    const upstreams = { relay: async (_reply: unknown, _upstream: string, forward: Forward) => void forwarded.push(forward) } as unknown as Upstreams;
    const actions = new BookingActionsController(upstreams) as unknown as Record<string, (...args: unknown[]) => Promise<unknown>>;
    await actions['noShow']!('b/1', 'key-0001', {});
    await actions['decline']!('b-2', { reason: 'away' }, 'key-0002', {});
    expect(forwarded).toEqual([
      { method: 'POST', path: '/internal/bookings/b%2F1/no-show', body: {}, idempotencyKey: 'key-0001' },
      { method: 'POST', path: '/internal/bookings/b-2/decline', body: { reason: 'away' }, idempotencyKey: 'key-0002' },
    ]);
  });
});
