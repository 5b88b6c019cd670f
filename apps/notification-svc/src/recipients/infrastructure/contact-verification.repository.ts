import { Injectable, type OnModuleInit } from '@nestjs/common';
import { InjectConnection } from '@nestjs/mongoose';
import type { Collection, Connection } from 'mongoose';
import { isDuplicateKey } from '@bp/platform';
import { CONTACT_CHANNELS, type ContactChannel, type ContactVerification } from '../domain/contact-verification.js';
import type { Person } from '../domain/preferences.js';

export const CONTACT_VERIFICATION_COLLECTION = 'contact_verifications';

/** One person's contact on one channel, `patient:u1:sms`; `origin` marks a record the migration wrote for a contact set before verification existed. */
type ContactVerificationDocument = Omit<ContactVerification, 'revision'> & {
  _id: string;
  channel: ContactChannel;
  revision: number;
  origin?: 'before-verification';
  updatedAt: Date;
};

/**
 * The verification state of each person's email and phone, apart from their preferences (which are
 * read and written whole, and shown to them as they are: a code's hash never is). Every write is a
 * compare-and-swap on the record's revision, so a lost race is seen, never overwritten.
 */
@Injectable()
export class ContactVerificationRepository implements OnModuleInit {
  private records!: Collection<ContactVerificationDocument>;

  constructor(@InjectConnection() private readonly connection: Connection) {}

  onModuleInit(): void {
    this.records = this.connection.collection<ContactVerificationDocument>(CONTACT_VERIFICATION_COLLECTION);
  }

  static idOf(person: Person, channel: ContactChannel): string {
    return `${person.role}:${person.id}:${channel}`;
  }

  async find(person: Person, channel: ContactChannel): Promise<ContactVerification | undefined> {
    const doc = await this.records.findOne({ _id: ContactVerificationRepository.idOf(person, channel) });
    if (!doc) return undefined;
    return {
      value: doc.value,
      ...(doc.verifiedAt ? { verifiedAt: doc.verifiedAt } : {}),
      ...(doc.code ? { code: doc.code } : {}),
      sends: doc.sends ?? { count: 0 },
      revision: doc.revision,
    };
  }

  /** Both contacts' states (two lookups by id, which the engine answers from its index). */
  async findAll(person: Person): Promise<Partial<Record<ContactChannel, ContactVerification>>> {
    const states = await Promise.all(CONTACT_CHANNELS.map((channel) => this.find(person, channel)));
    return Object.fromEntries(CONTACT_CHANNELS.flatMap((channel, i) => (states[i] ? [[channel, states[i]]] : [])));
  }

  /** Stores `state` if the record is still at the revision it was read at (0: not stored yet). False when another write came first. */
  async save(person: Person, channel: ContactChannel, state: ContactVerification, now: Date = new Date()): Promise<boolean> {
    const _id = ContactVerificationRepository.idOf(person, channel);
    const { revision, ...fields } = state;
    const doc: ContactVerificationDocument = { _id, channel, ...fields, revision: revision + 1, updatedAt: now };
    if (revision === 0) {
      try {
        await this.records.insertOne(doc);
        return true;
      } catch (error) {
        if (isDuplicateKey(error)) return false;
        throw error;
      }
    }
    return (await this.records.replaceOne({ _id, revision }, doc)).modifiedCount === 1;
  }
}
