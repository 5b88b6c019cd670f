import { Schema } from 'mongoose';
import { type OutboxFields, withOutboxFields } from '@bp/outbox';

export const BUSY_WINDOW_MODEL = 'BusyWindow';

/** The last free/busy answer per provider (the brief cache), carrying the ProviderBusyTimesUpdated it caused. */
export type BusyWindowDocument = {
  _id: string;
  from: Date;
  to: Date;
  busy: { start: Date; end: Date }[];
  fetchedAt: Date;
} & OutboxFields;

export const BusyWindowSchema = withOutboxFields(
  new Schema<BusyWindowDocument>(
    {
      _id: { type: String, required: true },
      from: { type: Date, required: true },
      to: { type: Date, required: true },
      busy: { type: [{ start: Date, end: Date, _id: false }], default: [] },
      fetchedAt: { type: Date, required: true },
    },
    { collection: 'busy_windows', versionKey: false },
  ),
);
