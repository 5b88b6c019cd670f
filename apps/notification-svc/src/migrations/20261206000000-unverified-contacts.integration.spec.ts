import { migrationSpecDatabase } from '@bp/testing';
import { unverifiedContacts } from './20261206000000-unverified-contacts.js';

const recipients = [
  { _id: 'patient:both', email: 'both@example.test', phone: '+4915112345678', pushTokens: [] },
  { _id: 'provider:email-only', email: 'provider@example.test', pushTokens: ['device-1'] },
  { _id: 'patient:none', pushTokens: ['device-2'] },
  { _id: 'patient:verified-since', phone: '+17205550123', pushTokens: [] },
];
/** Written by the running service before the migration ran (the person verified their phone). */
const serviceRecord = { _id: 'patient:verified-since:sms', channel: 'sms', value: '+17205550123', verifiedAt: new Date(), sends: { count: 1 }, revision: 3 };

describe('notification-svc migration 20261206000000 unverified-contacts', () => {
  const { db, runner } = migrationSpecDatabase('notification_migration', [unverifiedContacts]);
  const records = async () => Object.fromEntries((await db.collection('contact_verifications').find({}).toArray()).map((r) => [String(r._id), r]));

  beforeEach(async () => {
    await db.collection('recipients').insertMany(recipients.map((r) => ({ ...r })) as never[]);
    await db.collection('contact_verifications').insertOne({ ...serviceRecord } as never);
  });

  it('records every contact set before verification as unverified, and leaves what the service wrote alone', async () => {
    await runner().up();
    const after = await records();
    expect(Object.keys(after).sort()).toEqual(['patient:both:email', 'patient:both:sms', 'patient:verified-since:sms', 'provider:email-only:email']);
    expect(after['patient:both:sms']).toMatchObject({ channel: 'sms', value: '+4915112345678', revision: 1, origin: 'before-verification' });
    expect(after['provider:email-only:email']).toMatchObject({ channel: 'email', value: 'provider@example.test', origin: 'before-verification' });
    for (const record of Object.values(after)) expect(record).not.toHaveProperty('code');
    for (const id of ['patient:both:email', 'patient:both:sms', 'provider:email-only:email']) expect(after[id]).not.toHaveProperty('verifiedAt');
    expect(after['patient:verified-since:sms']).toEqual(serviceRecord);
  });

  it('down removes only the records it wrote; up writes them again', async () => {
    await runner().up();
    await runner().down();
    expect(Object.keys(await records())).toEqual(['patient:verified-since:sms']);
    await runner().up();
    expect(Object.keys(await records())).toHaveLength(4);
  });
});
