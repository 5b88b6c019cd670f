import { Injectable } from '@nestjs/common';
import { InjectModel } from '@nestjs/mongoose';
import type { Model } from 'mongoose';
import { insertNew } from '@bp/platform';
import { ACTIVITY_MODEL, type ActivityDocument } from '../../infrastructure/activity.schema.js';

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
  constructor(@InjectModel(ACTIVITY_MODEL) private readonly activity: Model<ActivityDocument>) {}

  async execute(command: RecordActivityCommand): Promise<void> {
    const recordedAt = new Date();
    // Inserted, not upserted: an upsert is a read and a write on FerretDB; a repeat finds its records there.
    await insertNew(
      this.activity,
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
