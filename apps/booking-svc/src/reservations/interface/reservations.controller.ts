import { Body, Controller, HttpCode, Post, UseFilters, UseGuards } from '@nestjs/common';
import { type Actor, ApiError, IdempotencyKey, InternalActor, InternalAuthGuard, success } from '@bp/platform';
import { ReserveSlotUseCase } from '../application/reserve-slot/reserve-slot.use-case.js';
import { BookingErrorFilter } from '../../shared/interface/booking-error.filter.js';
import { Intake } from '../../shared/interface/intake.js';
import { ReserveSlotRequest, type ReservationView } from '@bp/contracts';

@Controller('internal/reservations')
@UseGuards(InternalAuthGuard)
@UseFilters(BookingErrorFilter)
export class ReservationsController {
  constructor(
    private readonly reserveSlot: ReserveSlotUseCase,
    private readonly intake: Intake,
  ) {}

  @Post()
  @HttpCode(201)
  async reserve(@Body() body: ReserveSlotRequest, @InternalActor() actor: Actor, @IdempotencyKey() idempotencyKey: string) {
    if (actor.type !== 'patient') throw new ApiError(403, 'FORBIDDEN', 'Only patients reserve slots');
    await this.intake.assertOpen();
    // A replay (same key, same body) answers exactly as the first request did: 201 with the same reservation.
    const { reservation } = await this.reserveSlot.execute({
      patientId: actor.id,
      providerId: body.providerId,
      serviceId: body.serviceId,
      startTime: new Date(body.startTime),
      ...(body.endTime ? { endTime: new Date(body.endTime) } : {}),
      idempotencyKey,
    });
    const { idempotencyKey: _key, version: _version, ...view } = reservation;
    return success<ReservationView>(view);
  }
}
