// @slow: the fault harness runs for about two minutes (jest/slow-first-sequencer.js starts it first)
import { execFile } from 'node:child_process';
import { join } from 'node:path';
import { promisify } from 'node:util';
import { workspaceRoot } from '@bp/testing';

const run = promisify(execFile);
const FAULTS = ['kill a service', 'Kafka down', 'Stripe not answering', 'Redis down', 'database down'];

/**
 * The short version of `npm run chaos` (docs/failure-model.md, "Chaos"): bookings made, answered and
 * cancelled while each fault happens once — a service killed, Kafka, Redis and the database down and
 * back, Stripe not answering — then every invariant must hold. The harness runs its own copy of the
 * platform on the usual ports (3000–3005) with databases and consumer groups of its own, stops a
 * running `npm run up` first, and leaves the infrastructure up for the specs after it.
 */
describe('chaos: faults while bookings flow leave every invariant holding', () => {
  it('keeps every rule through a killed service, Kafka, Stripe, Redis and the database failing', async () => {
    const args = ['--seconds', '30', '--faults', String(FAULTS.length), '--fault-every', '5', '--outage', '5', '--rate', '2', '--settle', '180'];
    const result = await run(process.execPath, [join(workspaceRoot, 'scripts/chaos.mjs'), ...args], {
      cwd: workspaceRoot,
      timeout: 840_000,
      maxBuffer: 16 * 1024 * 1024,
    }).then(
      ({ stdout, stderr }) => ({ code: 0, output: `${stdout}${stderr}` }),
      (error: { stdout?: string; stderr?: string; code?: number }) => ({ code: error.code ?? 1, output: `${error.stdout ?? ''}${error.stderr ?? ''}` }),
    );
    // The end of the run says what went wrong (a diff of the whole output would show only its first lines).
    if (result.code !== 0) throw new Error(`chaos.mjs exited with ${result.code}; the end of its output:\n${result.output.slice(-6000)}`);
    for (const fault of FAULTS) expect(result.output).toContain(`fault: ${fault}`);
    expect(result.output).not.toContain('restore failed');
    expect(result.output).toContain('invariants: clean');
    expect(result.output).toMatch(/^\s+\d+\s+book 201$/m);
  }, 900_000);
});
