import { defineMigration } from '@bp/platform';

/*
 * Slot claims used to carry their hold's expiry each (extending or confirming a hold rewrote every
 * granule). The hold's liveness now lives in one `slot_holds` document per hold, and a slot claim only
 * names its hold. `up` creates the hold document of every hold that has slot claims: with the expiry
 * its claims had (the latest, if they disagreed), or none for a booking's permanent claims. A hold
 * document already there (the service wrote it) is left alone, so running `up` again adds nothing.
 *
 * `down` copies each hold's expiry back onto its slot claims and drops `slot_holds`; claims written
 * by the new release without `providerId`/`at` still work with the old code, which reads only
 * `holdId` and `expiresAt`.
 */
interface Claim {
  _id: string;
  kind: string;
  holdId: string;
  providerId?: string;
  expiresAt?: Date;
}

interface Hold {
  _id: string;
  providerId: string;
  expiresAt?: Date;
  lapsing?: true;
  createdAt: Date;
}

const DUPLICATE_KEY = 11000;

export const slotHolds = defineMigration(
  {
    version: '20261205000000',
    name: 'slot-holds',
    async up({ db, log }) {
      const holds = new Map<string, { providerId: string; expiresAt?: Date; permanent: boolean }>();
      for await (const claim of db.collection<Claim>('slot_claims').find({ kind: 'slot' })) {
        const hold = holds.get(claim.holdId) ?? { providerId: claim.providerId ?? claim._id.split('|')[1] ?? '', permanent: false };
        if (!claim.expiresAt) hold.permanent = true;
        else if (!hold.expiresAt || claim.expiresAt > hold.expiresAt) hold.expiresAt = claim.expiresAt;
        holds.set(claim.holdId, hold);
      }
      let created = 0;
      for (const [holdId, hold] of holds) {
        const lapses = !hold.permanent && hold.expiresAt;
        try {
          await db.collection<Hold>('slot_holds').insertOne({
            _id: holdId,
            providerId: hold.providerId,
            ...(lapses ? { expiresAt: hold.expiresAt, lapsing: true as const } : {}),
            createdAt: new Date(),
          });
          created++;
        } catch (error) {
          if ((error as { code?: number }).code !== DUPLICATE_KEY) throw error;
        }
      }
      log(`slot_holds: ${created} hold(s) created from ${holds.size} held slot claim set(s)`);
    },
    async down({ db, log }) {
      let restored = 0;
      let orphaned = 0;
      // Gone already: a down that dropped it and crashed before its record went; the claims were settled then.
      if ((await db.listCollections({ name: 'slot_holds' }).toArray()).length > 0) {
        const holds = new Set<string>();
        for await (const hold of db.collection<Hold>('slot_holds').find({})) {
          holds.add(hold._id);
          const update = hold.expiresAt ? { $set: { expiresAt: hold.expiresAt } } : { $unset: { expiresAt: '' as const } };
          restored += (await db.collection<Claim>('slot_claims').updateMany({ holdId: hold._id, kind: 'slot' }, update)).modifiedCount;
        }
        // A claim whose hold is gone is free now; without its hold, the release before would read it as held for good.
        for await (const claim of db.collection<Claim>('slot_claims').find({ kind: 'slot' }))
          if (!holds.has(claim.holdId))
            orphaned += (await db.collection<Claim>('slot_claims').deleteOne({ _id: claim._id, holdId: claim.holdId })).deletedCount;
      }
      await db
        .collection('slot_holds')
        .drop()
        .catch(() => undefined);
      log(`slot_claims: expiry restored on ${restored} claim(s), ${orphaned} claim(s) of holds already gone deleted; slot_holds dropped`);
    },
  },
  import.meta.url,
);
