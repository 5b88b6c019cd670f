import { defineMigration, insertNew } from '@bp/platform';

interface Recipient {
  _id: string;
  email?: string;
  phone?: string;
}

interface UnverifiedContact {
  _id: string;
  channel: 'email' | 'sms';
  value: string;
  sends: { count: number };
  revision: number;
  origin: 'before-verification';
  updatedAt: Date;
}

/*
 * Contacts set before verification existed are NOT taken as verified: anyone could set any address
 * then, and the messages carry appointments. Each gets an explicit unverified record (`origin:
 * 'before-verification'`, so support can count and find who still has to confirm): nothing but a code
 * goes to it until its owner asks for one (POST /api/notifications/contacts/resend) and enters it;
 * their push devices still get everything. No code is sent here: a code nobody asked for would be a
 * mass message to every unverified address, and expire before most people open the app.
 *
 * The records are written out here (collection, fields), not built by the service's code: an applied
 * migration must keep doing what it did. A record the service already wrote is left alone (insertNew
 * skips existing ids), so running `up` again, or while the service runs, changes nothing.
 *
 * `down` deletes the records still as this migration wrote them (any write by the service drops
 * `origin`); the release before never reads the collection.
 */
export const unverifiedContacts = defineMigration(
  {
    version: '20261206000000',
    name: 'unverified-contacts',
    async up({ db, log }) {
      const records = db.collection<UnverifiedContact>('contact_verifications');
      const now = new Date();
      let added = 0;
      for await (const recipient of db.collection<Recipient>('recipients').find({}, { projection: { email: 1, phone: 1 } })) {
        const contacts = [
          ['email', recipient.email],
          ['sms', recipient.phone],
        ] as const;
        const documents = contacts.flatMap(([channel, value]): UnverifiedContact[] =>
          typeof value === 'string' && value.length > 0
            ? [{ _id: `${recipient._id}:${channel}`, channel, value, sends: { count: 0 }, revision: 1, origin: 'before-verification', updatedAt: now }]
            : [],
        );
        added += await insertNew(records, documents);
      }
      log(`contact_verifications: ${added} contact(s) set before verification recorded as unverified`);
    },
    async down({ db, log }) {
      const { deletedCount } = await db.collection('contact_verifications').deleteMany({ origin: 'before-verification' });
      log(`contact_verifications: ${deletedCount} record(s) of contacts from before verification removed`);
    },
  },
  import.meta.url,
);
