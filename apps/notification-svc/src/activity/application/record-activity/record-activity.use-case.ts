import { Injectable } from '@nestjs/common';
import { ActivityStore } from '../../infrastructure/activity.store.js';

export interface RecordActivityCommand {
  eventId: string;
  kind: string;
  subjectId: string;
  occurredAt: Date;
  recipients: { id: string; role: 'patient' | 'provider' }[];
}

/** Records what happened for each recipient, one document per (event, recipient): safe to run twice. */
@Injectable()
export class RecordActivityUseCase {
  constructor(private readonly activity: ActivityStore) {}

  async execute(command: RecordActivityCommand): Promise<void> {
    const recordedAt = new Date();
    await this.activity.recordOnce(
      command.recipients.map((recipient) => ({
        _id: `${command.eventId}:${recipient.id}`,
        eventId: command.eventId,
        recipientId: recipient.id,
        recipientRole: recipient.role,
        kind: command.kind,
        subjectId: command.subjectId,
        occurredAt: command.occurredAt,
        recordedAt,
      })),
    );
  }
}
