import { Body, Controller, Post, Res, UseFilters, UseGuards } from '@nestjs/common';
import type { FastifyReply } from 'fastify';
import { ContactCodeRequest, VerifyContactRequest, type ContactVerificationView } from '@bp/contracts';
import { type Actor, IdempotencyKey, IdempotencyStore, InternalActor, InternalAuthGuard, success } from '@bp/platform';
import { SendContactCode } from '../application/send-contact-code/send-contact-code.use-case.js';
import { VerifyContact } from '../application/verify-contact/verify-contact.use-case.js';
import { ContactVerificationErrorFilter } from './contact-verification-error.filter.js';
import { person } from './person.js';

/**
 * The caller's own contacts: confirm one with the code sent to it, or ask for a new code. There is no
 * way to name another person here: the contact is the caller's, from the actor the gateway verified.
 * A retry with the same idempotency key replays the answer (it neither counts as another try nor sends again).
 */
@Controller('internal/notification-contacts/me')
@UseGuards(InternalAuthGuard)
@UseFilters(ContactVerificationErrorFilter)
export class ContactsController {
  constructor(
    private readonly verify: VerifyContact,
    private readonly codes: SendContactCode,
    private readonly idempotency: IdempotencyStore,
  ) {}

  @Post('verify')
  async confirm(
    @Body() body: VerifyContactRequest,
    @InternalActor() actor: Actor,
    @IdempotencyKey() key: string,
    @Res({ passthrough: true }) reply: FastifyReply,
  ) {
    const caller = person(actor);
    const result = await this.idempotency.run({ actor, operation: `verify-contact:${body.channel}`, key }, body, async () => ({
      status: 200,
      body: success<ContactVerificationView>({ channel: body.channel, ...(await this.verify.execute(caller, body.channel, body.code)) }),
    }));
    void reply.status(result.status);
    return result.body;
  }

  @Post('resend')
  async resend(
    @Body() body: ContactCodeRequest,
    @InternalActor() actor: Actor,
    @IdempotencyKey() key: string,
    @Res({ passthrough: true }) reply: FastifyReply,
  ) {
    const caller = person(actor);
    const result = await this.idempotency.run({ actor, operation: `resend-contact-code:${body.channel}`, key }, body, async () => ({
      status: 200,
      body: success<ContactVerificationView>({ channel: body.channel, ...(await this.codes.resend(caller, body.channel)) }),
    }));
    void reply.status(result.status);
    return result.body;
  }
}
