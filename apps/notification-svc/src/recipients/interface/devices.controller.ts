import { Body, Controller, Delete, HttpCode, Param, Post, UseGuards } from '@nestjs/common';
import { RegisterDeviceRequest, type NotificationDevicesView } from '@bp/contracts';
import { type Actor, IdempotencyKey, InternalActor, InternalAuthGuard, success } from '@bp/platform';
import { RecipientRepository } from '../infrastructure/recipient.repository.js';
import { person } from './person.js';

/** The caller's own devices for push (FCM registration tokens): registered when the app signs in, removed when it signs out. */
@Controller('internal/notification-devices/me')
@UseGuards(InternalAuthGuard)
export class DevicesController {
  constructor(private readonly recipients: RecipientRepository) {}

  @Post()
  @HttpCode(201)
  async register(@Body() body: RegisterDeviceRequest, @InternalActor() actor: Actor, @IdempotencyKey() _key: string) {
    const { role, id } = person(actor);
    return success<NotificationDevicesView>({ pushTokens: await this.recipients.addDevice(role, id, body.token) });
  }

  @Delete(':token')
  async unregister(@Param('token') token: string, @InternalActor() actor: Actor, @IdempotencyKey() _key: string) {
    const { role, id } = person(actor);
    return success<NotificationDevicesView>({ pushTokens: await this.recipients.removeDevice(role, id, token) });
  }
}
