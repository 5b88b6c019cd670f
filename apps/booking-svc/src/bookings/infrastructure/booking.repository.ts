import { Injectable, type OnModuleInit } from '@nestjs/common';
import { InjectModel } from '@nestjs/mongoose';
import type { Model } from 'mongoose';
import type { OutgoingMessage } from '@bp/messaging';
import { type AggregateStore, InjectAggregateStore, type OutboxRecord, withoutOutbox } from '@bp/outbox';
import { utcDayOf } from '@bp/platform';
import { BookingError, BookingErrorCode } from '../../shared/domain/booking-error.js';
import type { Booking, BookingAuditEvent } from '../domain/booking.js';
import type { BookingChange } from '../domain/booking-transitions.js';
import { CREATED_DAYS_COLLECTION, MAX_DAYS_PER_PAGE, OldestCreatedDay, dayBefore, endOf, tomorrow } from './booking-created-days.js';
import { BOOKING_AUDIT_COLLECTION, BOOKING_MODEL, type BookingDocument } from './booking.schema.js';

export function toBooking(doc: BookingDocument): Booking {
  // A booking written before the audit trail moved out may still carry it in `audit`, and `createdDay` is
  // the admin list's bucket: neither is part of the aggregate.
  const { _id, audit: _legacyAudit, createdDay: _day, ...rest } = withoutOutbox(doc as BookingDocument & { audit?: unknown });
  return { id: _id, ...rest };
}

/** An audit entry as stored in the audit collection: `<bookingId>:<version>:<n>`, in the order of the changes. */
interface AuditDocument extends BookingAuditEvent {
  _id: string;
  bookingId: string;
  version: number;
  n: number;
}

/** The audit entries of a change, as history records its outbox moves to the audit collection. */
function auditRecords(bookingId: string, version: number, entries: BookingAuditEvent[]): OutboxRecord[] {
  return entries.map((entry, n) => ({
    collection: BOOKING_AUDIT_COLLECTION,
    document: { _id: `${bookingId}:${version}:${n}`, bookingId, version, n, ...entry } satisfies AuditDocument,
  }));
}

export interface BookingCriteria {
  patientId?: string;
  providerId?: string;
  bookingType?: 'instant' | 'request';
  statuses?: readonly string[];
  startFrom?: Date;
  startTo?: Date;
}

/** Where a page starts: after this item (`createdAt`, `id`), or with `id` '' before this moment. */
export interface ListCursor {
  createdAt: Date;
  id: string;
}

export interface BookingPage {
  items: Booking[];
  /** Where the next page starts, or null when nothing older is left. */
  next: ListCursor | null;
}

function cursorOf(items: Booking[]): ListCursor {
  const last = items[items.length - 1]!;
  return { createdAt: last.createdAt, id: last.id };
}

function listFilter(criteria: BookingCriteria, after?: ListCursor): Record<string, unknown> {
  const and: Record<string, unknown>[] = [];
  const query: Record<string, unknown> = {
    ...(criteria.patientId ? { patientId: criteria.patientId } : {}),
    ...(criteria.providerId ? { providerId: criteria.providerId } : {}),
    ...(criteria.bookingType ? { bookingType: criteria.bookingType } : {}),
    ...(criteria.statuses?.length ? { status: { $in: criteria.statuses } } : {}),
  };
  if (criteria.startFrom || criteria.startTo) {
    const range = { ...(criteria.startFrom ? { $gte: criteria.startFrom } : {}), ...(criteria.startTo ? { $lt: criteria.startTo } : {}) };
    and.push({ $or: [{ 'dateTime.confirmedStart': range }, { 'dateTime.confirmedStart': { $exists: false }, 'dateTime.requestedStart': range }] });
  }
  if (after) and.push({ $or: [{ createdAt: { $lt: after.createdAt } }, { createdAt: after.createdAt, _id: { $lt: after.id } }] });
  if (and.length > 0) query['$and'] = and;
  return query;
}

@Injectable()
export class BookingRepository implements OnModuleInit {
  private readonly oldestDay: OldestCreatedDay;

  constructor(
    @InjectModel(BOOKING_MODEL) private readonly model: Model<BookingDocument>,
    @InjectAggregateStore(BOOKING_MODEL) private readonly store: AggregateStore<BookingDocument>,
  ) {
    this.oldestDay = new OldestCreatedDay(model.db.collection(CREATED_DAYS_COLLECTION));
  }

  async onModuleInit(): Promise<void> {
    await this.model.db.collection(BOOKING_AUDIT_COLLECTION).createIndex({ bookingId: 1 });
  }

  async findById(id: string): Promise<Booking | null> {
    const doc = await this.model.findById(id).lean<BookingDocument>();
    return doc ? toBooking(doc) : null;
  }

  async findByReservation(reservationId: string): Promise<Booking | null> {
    const doc = await this.model.findOne({ reservationId }).lean<BookingDocument>();
    return doc ? toBooking(doc) : null;
  }

  /**
   * Bookings matching the criteria, newest first, a page at a time (cursor: the last item's createdAt
   * and id). `startFrom`/`startTo` bound the appointment's start, original or moved. A patient's or a
   * provider's bookings are found by that equality; every booking (the admin's list) a created day at a
   * time, at most `MAX_DAYS_PER_PAGE` days per page: a page the walk ended before filling still has a
   * cursor (the day to go on from) while older days are left.
   */
  async list(criteria: BookingCriteria, page: { limit: number; after?: ListCursor }): Promise<BookingPage> {
    const filter = listFilter(criteria, page.after);
    if (criteria.patientId || criteria.providerId) {
      const items = await this.newestFirst(filter, page.limit);
      return { items, next: items.length === page.limit ? cursorOf(items) : null };
    }
    return this.walkCreatedDays(filter, page.limit, page.after);
  }

  private async walkCreatedDays(filter: Record<string, unknown>, limit: number, after?: ListCursor): Promise<BookingPage> {
    const oldest = await this.oldestDay.read();
    if (!oldest) return { items: [], next: null };
    // From tomorrow (another replica's clock may run ahead of this one's), or from the cursor's day if
    // earlier (a day cursor's is the day before its moment).
    const latest = tomorrow();
    const from = after ? utcDayOf(new Date(after.createdAt.getTime() - (after.id === '' ? 1 : 0))) : latest;
    let day = from < latest ? from : latest;
    const items: Booking[] = [];
    for (let walked = 0; day >= oldest; walked++, day = dayBefore(day)) {
      if (walked === MAX_DAYS_PER_PAGE) return { items, next: { createdAt: endOf(day), id: '' } };
      items.push(...(await this.newestFirst({ ...filter, createdDay: day }, limit - items.length)));
      if (items.length === limit) return { items, next: cursorOf(items) };
    }
    return { items, next: null };
  }

  private async newestFirst(filter: Record<string, unknown>, limit: number): Promise<Booking[]> {
    const docs = await this.model.find(filter).sort({ createdAt: -1, _id: -1 }).limit(limit).lean<BookingDocument[]>();
    return docs.map(toBooking);
  }

  /** A provider's requests awaiting an answer, the most urgent first. */
  async pendingForProvider(providerId: string, limit: number): Promise<Booking[]> {
    const docs = await this.model
      .find({ providerId, status: 'pending_confirmation', 'confirmation.responseType': { $exists: false } })
      .sort({ 'confirmation.expiresAt': 1 })
      .limit(limit)
      .lean<BookingDocument[]>();
    return docs.map(toBooking);
  }

  /** The bookings waiting for an admin, longest waiting first: a small set, found by the `needsAdmin` equality. */
  async needingAdmin(limit: number): Promise<Booking[]> {
    const docs = await this.model.find({ needsAdmin: true }).lean<BookingDocument[]>();
    return docs
      .map(toBooking)
      .sort((a, b) => (a.needsAdminSince?.getTime() ?? 0) - (b.needsAdminSince?.getTime() ?? 0))
      .slice(0, limit);
  }

  /**
   * The new booking, its audit entry and its messages in one document write. False when a unique key
   * was taken: its reservation's booking exists, or its number is another booking's.
   */
  async insert(change: BookingChange, messages: OutgoingMessage[]): Promise<boolean> {
    const { id, ...fields } = change.booking;
    const createdDay = utcDayOf(fields.createdAt);
    await this.oldestDay.ensureBefore(createdDay);
    return (await this.store.insert({ _id: id, ...fields, createdDay }, messages, { records: auditRecords(id, change.booking.version, change.audit) })).ok;
  }

  /**
   * Applies a change as a conditional update on (id, version, status): the state, the new audit
   * entries and the messages land together or not at all. A lost race is VERSION_CONFLICT.
   */
  async apply(change: BookingChange, messages: OutgoingMessage[]): Promise<void> {
    const { id, ...state } = change.booking;
    // A top-level field the change dropped (an admin flag cleared) is removed, not left as it was.
    const dropped = Object.keys(change.previous).filter((field) => field !== 'id' && !(field in change.booking));
    const base = { $set: state as Record<string, unknown>, ...(dropped.length > 0 ? { $unset: Object.fromEntries(dropped.map((field) => [field, 1])) } : {}) };
    const result = await this.store.update({ _id: id, version: change.previous.version, status: change.previous.status }, base, messages, {
      records: auditRecords(id, change.booking.version, change.audit),
    });
    if (!result.ok) {
      throw new BookingError(BookingErrorCode.VersionConflict, 'The booking changed meanwhile; read it again and retry', {
        expectedVersion: change.previous.version,
      });
    }
  }

  /**
   * The booking's audit trail, oldest first: what the relay has moved to the audit collection and what
   * still waits in the booking's outbox (a change committed a moment ago), without duplicates.
   */
  async auditTrail(bookingId: string): Promise<BookingAuditEvent[]> {
    // The booking first, then the audit collection: the relay inserts the entries there before it clears
    // them from the booking, so an entry cleared by the first read is found by the second. Read at once,
    // an entry moved between the two reads was in neither.
    const pending = await this.model
      .findById(bookingId, { outboxRecords: 1, audit: 1 })
      .lean<{ outboxRecords?: OutboxRecord[]; audit?: BookingAuditEvent[] }>();
    const moved = await this.model.db.collection<AuditDocument>(BOOKING_AUDIT_COLLECTION).find({ bookingId }).toArray();
    const byId = new Map<string, AuditDocument>(moved.map((doc) => [doc._id, doc]));
    for (const record of pending?.outboxRecords ?? [])
      if (record.collection === BOOKING_AUDIT_COLLECTION) byId.set(record.document._id, record.document as unknown as AuditDocument);
    const entries = [...byId.values()].sort((a, b) => a.version - b.version || a.n - b.n).map(({ _id, bookingId: _b, version: _v, n: _n, ...entry }) => entry);
    // A booking written before the audit trail moved out keeps its entries until the migration moves them.
    return [...(pending?.audit ?? []), ...entries];
  }
}
