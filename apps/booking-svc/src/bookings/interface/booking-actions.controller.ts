import { Body, Controller, HttpCode, Param, Post, UseFilters, UseGuards } from '@nestjs/common';
import { type BookingActionBody, type BookingActionDefinition, type BookingActionName, bookingActions } from '@bp/contracts';
import { type Actor, IdempotencyKey, IdempotencyStore, InternalActor, InternalAuthGuard, type RouteMethod, addRouteMethod, success } from '@bp/platform';
import { BookingErrorFilter } from '../../shared/interface/booking-error.filter.js';
import { BookingActions } from '../application/booking-actions.js';
import { bookingView } from './booking.view.js';

/**
 * POST /internal/bookings/:id/<action>: one route per row of the booking action catalog (@bp/contracts
 * BOOKING_ACTIONS), its body validated against the row's contract, each running the use case of the
 * same name once per idempotency key.
 */
@Controller('internal/bookings')
@UseGuards(InternalAuthGuard)
@UseFilters(BookingErrorFilter)
@BookingActionRoutes()
export class BookingActionsController {
  constructor(
    private readonly actions: BookingActions,
    private readonly idempotency: IdempotencyStore,
  ) {}

  /** Every action route's handler: a retry with the same key and body gets the first answer. */
  async run(name: BookingActionName, bookingId: string, actor: Actor, key: string, body: object) {
    // The body was validated against the row's contract on its way in.
    const input = body as BookingActionBody<BookingActionName>;
    const result = await this.idempotency.run({ actor, operation: `${name}:${bookingId}`, key }, body, async () => ({
      status: 200,
      body: success(bookingView(await this.actions.run(name, bookingId, actor, input), actor)),
    }));
    return result.body;
  }
}

/** One route per catalog row, named as the action. */
function BookingActionRoutes(): ClassDecorator {
  return (controller) => {
    for (const [name, action] of bookingActions()) addRouteMethod(controller, name, route(name, action));
  };
}

function route(name: BookingActionName, action: BookingActionDefinition): RouteMethod<BookingActionsController> {
  return {
    decorators: [Post(`:id/${name}`), HttpCode(200)],
    parameters: {
      id: { type: String, decorator: Param('id') },
      ...(action.body ? { body: { type: action.body, decorator: Body() } } : {}),
      actor: { type: Object, decorator: InternalActor() },
      key: { type: String, decorator: IdempotencyKey() },
    },
    handle({ id, body, actor, key }) {
      return this.run(name, id as string, actor as Actor, key as string, body ?? {});
    },
  };
}
