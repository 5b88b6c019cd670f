import { defineMigration } from '@bp/platform';

/*
 * Timers scheduled before `pollMinute` existed get it, so the poll (which reads only the current and the
 * previous minute's timers) fires them on time instead of at the next catch-up scan. The value is the
 * UTC minute of `dueAt` (`2030-01-01T10:05`), written out here rather than imported: an applied
 * migration must keep doing what it did. Each write is conditional on the `dueAt` it read, so a timer
 * moved meanwhile keeps the minute its own write gave it; running `up` again skips what is done.
 *
 * `down` removes `pollMinute` from every timer: the release before it never reads the field, and a
 * later `up` (with the service's own writes) sets it again.
 */
export const timerPollMinute = defineMigration(
  {
    version: '20261125000000',
    name: 'timer-poll-minute',
    async up({ db, log }) {
      const timers = db.collection<{ _id: string; dueAt: Date; pollMinute?: string }>('timers');
      let set = 0;
      for await (const timer of timers.find({ status: 'scheduled' })) {
        if (timer.pollMinute || !(timer.dueAt instanceof Date)) continue;
        const result = await timers.updateOne({ _id: timer._id, dueAt: timer.dueAt }, { $set: { pollMinute: timer.dueAt.toISOString().slice(0, 16) } });
        set += result.modifiedCount;
      }
      log(`pollMinute set on ${set} scheduled timer(s)`);
    },
    async down({ db }) {
      await db.collection('timers').updateMany({}, { $unset: { pollMinute: '' } });
    },
  },
  import.meta.url,
);
