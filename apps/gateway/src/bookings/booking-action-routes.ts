import { Body, HttpCode, Param, Post, Res } from '@nestjs/common';
import type { FastifyReply } from 'fastify';
import { type BookingActionDefinition, type BookingActionName, bookingActions } from '@bp/contracts';
import { IdempotencyKey, type RouteMethod, addRouteMethod } from '@bp/platform';
import { Roles } from '../auth/jwt-auth.guard.js';
import { ApiData, ApiFailures, ApiMutation } from '../openapi/api-docs.decorators.js';
import type { Upstreams } from '../upstream/upstreams.js';

/** A controller whose routes relay to the owning service. */
interface Relaying {
  readonly upstreams: Upstreams;
}

/**
 * Gives a controller one route per row of the booking action catalog (@bp/contracts BOOKING_ACTIONS)
 * for `route`: POST :id/<name> for the row's roles only (403 for anyone else), its body contract
 * validated, X-Idempotency-Key required, and its OpenAPI entry; each relays to booking-svc's
 * POST /internal/bookings/:id/<name> with the caller's key.
 */
export function BookingActionRoutes(route: BookingActionDefinition['route']): ClassDecorator {
  return (controller) => {
    for (const [name, action] of bookingActions(route)) addRouteMethod(controller, handlerName(name), relay(name, action));
  };
}

function relay(name: BookingActionName, action: BookingActionDefinition): RouteMethod<Relaying> {
  return {
    decorators: [
      Post(`:id/${name}`),
      Roles(...action.roles),
      HttpCode(200),
      ApiMutation(),
      ApiData(200, 'Booking', action.summary),
      ApiFailures(...action.failures),
    ],
    parameters: {
      id: { type: String, decorator: Param('id') },
      ...(action.body ? { body: { type: action.body, decorator: Body() } } : {}),
      key: { type: String, decorator: IdempotencyKey() },
      reply: { type: Object, decorator: Res({ passthrough: true }) },
    },
    handle({ id, body, key, reply }) {
      return this.upstreams.relay(reply as FastifyReply, 'booking', {
        method: 'POST',
        path: `/internal/bookings/${encodeURIComponent(id as string)}/${name}`,
        body: body ?? {},
        idempotencyKey: key as string,
      });
    },
  };
}

/** The handler's name, which the OpenAPI operationId ends with: accept-reschedule → acceptReschedule. */
function handlerName(name: BookingActionName): string {
  return name.replace(/-(\w)/g, (_dash, letter: string) => letter.toUpperCase());
}
