// Jest's node environment, pointed at the infrastructure of the worker it runs in: worker n's specs,
// and every process they start, use instance n (scripts/lib/test-instances.mjs). It is set on the
// worker's own process before the sandbox copies its environment, so child processes get it too.
// So does a short long poll for idle consumers: every service a spec starts waits for its consumers'
// first fetch before it is ready, and for the fetch in flight when it stops (KAFKA_FETCH_MAX_WAIT_MS).
import { TestEnvironment } from 'jest-environment-node';
import { instanceEnv } from '../scripts/lib/test-instances.mjs';

export default class WorkerEnvironment extends TestEnvironment {
  constructor(config, context) {
    if (!process.env.TEST_INSTANCE) {
      const instance = Number(process.env.JEST_WORKER_ID ?? 1);
      Object.assign(process.env, instanceEnv(instance), { TEST_INSTANCE: String(instance) });
      process.env.KAFKA_FETCH_MAX_WAIT_MS ??= '1000';
    }
    super(config, context);
  }

  /** Tells the file's own code that one of its tests or hooks failed (`globalThis.testFailed`): the e2e platform then prints its services' last log lines. */
  handleTestEvent(event) {
    if (event.name === 'test_fn_failure' || event.name === 'hook_failure') this.global.testFailed = true;
  }
}
