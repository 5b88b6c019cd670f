import { Controller, UseGuards } from '@nestjs/common';
import { ApiTags } from '@nestjs/swagger';
import { JwtAuthGuard } from '../auth/jwt-auth.guard.js';
import { ApiPublicRoute } from '../openapi/api-docs.decorators.js';
import { Upstreams } from '../upstream/upstreams.js';
import { BookingActionRoutes } from './booking-action-routes.js';

/**
 * The spec's confirmation and action routes, POST /api/bookings/:id/<action>, one per party action of
 * the booking action catalog (@bp/contracts BOOKING_ACTIONS): who may call each is checked here (403),
 * whose booking it is by booking-svc (404).
 */
@Controller('api/bookings')
@UseGuards(JwtAuthGuard)
@ApiTags('booking actions')
@ApiPublicRoute()
@BookingActionRoutes('parties')
export class BookingActionsController {
  constructor(readonly upstreams: Upstreams) {}
}
