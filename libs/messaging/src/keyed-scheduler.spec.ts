import fc from 'fast-check';
import { KeyedScheduler } from './keyed-scheduler.js';

/** Lets every continuation of tasks that just finished run. */
const settle = () => new Promise((resolve) => setImmediate(resolve));

/** Tasks that finish when the test says so, and a log of what started. */
function controlledTasks() {
  const running = new Map<number, { key: string | undefined; finish: () => void }>();
  const started: number[] = [];
  const task = (id: number, key: string | undefined) => () =>
    new Promise<void>((resolve) => {
      started.push(id);
      running.set(id, { key, finish: resolve });
    });
  const finish = (id: number) => {
    running.get(id)!.finish();
    running.delete(id);
  };
  return { running, started, task, finish };
}

describe('KeyedScheduler', () => {
  it('runs one key’s tasks one at a time in submission order, never leaves a slot idle while a key waits, and runs everything', async () => {
    const key = fc.option(fc.constantFrom('a', 'b', 'c', 'd', 'e'), { nil: undefined, freq: 5 });
    await fc.assert(
      fc.asyncProperty(
        fc.array(key, { minLength: 1, maxLength: 40 }),
        fc.integer({ min: 1, max: 4 }),
        fc.array(fc.nat(), { maxLength: 200 }),
        async (keys, limit, choices) => {
          const scheduler = new KeyedScheduler(limit);
          const { running, started, task, finish } = controlledTasks();
          let submitted = 0;
          const check = () => {
            const runningKeys = [...running.values()].flatMap(({ key }) => (key === undefined ? [] : [key]));
            expect(new Set(runningKeys).size).toBe(runningKeys.length); // one task per key at a time
            // Work-conserving: as many tasks run as there are busy keys, up to the limit.
            expect(running.size).toBe(Math.min(limit, scheduler.busyKeys));
          };
          const step = async (choice: number) => {
            if (submitted < keys.length && (running.size === 0 || choice % 2 === 0)) {
              scheduler.submit(keys[submitted], task(submitted, keys[submitted]));
              submitted++;
            } else if (running.size > 0) {
              finish([...running.keys()][choice % running.size]!);
            }
            await settle();
            check();
          };
          for (const choice of choices) await step(choice);
          while (submitted < keys.length || running.size > 0) await step(0);

          expect([...started].sort((x, y) => x - y)).toEqual(keys.map((_, id) => id));
          for (const name of new Set(keys.filter((k) => k !== undefined))) {
            const ids = keys.flatMap((k, id) => (k === name ? [id] : []));
            expect(started.filter((id) => ids.includes(id))).toEqual(ids);
          }
          expect(scheduler.busyKeys).toBe(0);
        },
      ),
      { numRuns: 300 },
    );
  });

  it('handles other keys while one key’s task is stuck, and that key’s next task waits for it', async () => {
    const scheduler = new KeyedScheduler(2);
    const { running, started, task, finish } = controlledTasks();
    scheduler.submit('slow', task(0, 'slow'));
    scheduler.submit('slow', task(1, 'slow'));
    for (let id = 2; id < 8; id++) scheduler.submit(`key-${id % 3}`, task(id, `key-${id % 3}`));
    await settle();
    for (let id = 2; id < 8; id++) {
      finish([...running.keys()].find((each) => each !== 0)!);
      await settle();
    }
    expect(started).toEqual([0, 2, 3, 4, 5, 6, 7]);
    expect([...running.keys()]).toEqual([0]);

    finish(0);
    await settle();
    expect(started.at(-1)).toBe(1);
  });

  it('gives a task without a key its own turn: unkeyed tasks run at once', async () => {
    const scheduler = new KeyedScheduler(3);
    const { running, task } = controlledTasks();
    for (let id = 0; id < 3; id++) scheduler.submit(undefined, task(id, undefined));
    await settle();
    expect([...running.keys()]).toEqual([0, 1, 2]);
  });

  it('refuses a limit that is not a positive integer', () => {
    expect(() => new KeyedScheduler(0)).toThrow(/positive integer/);
  });
});
