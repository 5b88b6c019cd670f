import { type ChildProcess, spawn } from 'node:child_process';
import { join } from 'node:path';
import { setTimeout as sleep } from 'node:timers/promises';
import { infraEnv, localEnv, workspaceRoot } from './infra.js';

export interface RunningService {
  name: string;
  url: string;
  process: ChildProcess;
  /** Everything the process printed (JSON log lines). */
  output(): string;
  /** Sends a signal and resolves with the exit code once the process has exited. */
  stop(signal?: NodeJS.Signals): Promise<number | null>;
}

/**
 * Starts a service from dist/ (the test command builds first) as a real process, on the real
 * infrastructure, and waits until it is ready with nothing degraded (`/health/ready?strict=true`):
 * its Kafka consumer joined and positioned, so a message written from then on is handled even by a
 * group that starts at the end. `allowDegraded` waits only for it to serve (a start while Kafka is
 * down). Like `npm start`, the service's database is first brought up to date (a service is not
 * ready with pending migrations): by the service itself (MIGRATE_ON_START), which applies what
 * `migrate.js up` would before it starts.
 */
export async function startService(
  name: string,
  port: number,
  env: Record<string, string> = {},
  { readyTimeoutMs = 60_000, allowDegraded = false }: { readyTimeoutMs?: number; allowDegraded?: boolean } = {},
): Promise<RunningService> {
  const processEnv = {
    // The test suite starts a few hundred service processes: V8's code cache on disk spares each one compiling its modules again.
    NODE_COMPILE_CACHE: join(workspaceRoot, 'node_modules/.cache/node-compile'),
    ...process.env,
    ...localEnv(),
    ...infraEnv(),
    LOG_LEVEL: 'info',
    KAFKA_FROM_BEGINNING: 'false',
    // What `migrate.js up` does before `npm start` starts a service, in the service's own process (one start instead of two).
    MIGRATE_ON_START: 'true',
    ...env,
    PORT: String(port),
  };
  const child = spawn(process.execPath, [join(workspaceRoot, 'dist/apps', name, 'src/main.js')], {
    cwd: workspaceRoot,
    env: processEnv,
    stdio: ['ignore', 'pipe', 'pipe'],
  });
  let output = '';
  child.stdout?.on('data', (chunk: Buffer) => (output += chunk.toString()));
  child.stderr?.on('data', (chunk: Buffer) => (output += chunk.toString()));
  const exited = new Promise<number | null>((resolve) => child.once('exit', (code) => resolve(code)));
  const service: RunningService = {
    name,
    url: `http://127.0.0.1:${port}`,
    process: child,
    output: () => output,
    stop: async (signal = 'SIGTERM') => {
      if (child.exitCode === null && child.signalCode === null) child.kill(signal);
      return exited;
    },
  };
  try {
    await waitFor(
      async () => {
        if (child.exitCode !== null) throw new Error(`${name} exited with ${child.exitCode}:\n${output.slice(-4000)}`);
        const response = await fetch(`${service.url}/health/ready${allowDegraded ? '' : '?strict=true'}`).catch(() => undefined);
        return response?.ok === true;
      },
      readyTimeoutMs,
      () => `${name} not ready:\n${output.slice(-4000)}`,
    );
  } catch (error) {
    // A process that never became ready is stopped too: left running, it would go on consuming (firing
    // timers, answering commands) under the specs that come after.
    await service.stop('SIGKILL');
    throw error;
  }
  return service;
}

/** Polls until `check` is truthy; a thrown error ends the wait at once. */
export async function waitFor<T>(
  check: () => Promise<T | undefined | false> | T | undefined | false,
  timeoutMs = 20_000,
  describe: () => string = () => 'condition',
): Promise<T> {
  const deadline = Date.now() + timeoutMs;
  for (;;) {
    const value = await check();
    if (value) return value;
    if (Date.now() > deadline) throw new Error(`timed out after ${timeoutMs} ms waiting for ${describe()}`);
    await sleep(200);
  }
}
