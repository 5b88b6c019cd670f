import { execFile } from 'node:child_process';
import { mkdtemp, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { promisify } from 'node:util';

const run = promisify(execFile);

/** The checks a fuzzed answer must pass: no 5xx, and nothing the document does not describe (status, body, headers, media type, methods). */
export const CONTRACT_CHECKS = [
  'not_a_server_error',
  'status_code_conformance',
  'content_type_conformance',
  'response_headers_conformance',
  'response_schema_conformance',
  'missing_required_header',
  'unsupported_method',
  'allow_header_conformance',
] as const;

export interface FuzzRun {
  /** Who calls: the bearer token every request carries. */
  token: string;
  /** The operations to fuzz (a path regex); every other operation is left out. */
  includePath: string;
  /** Operations whose answer never ends (the live streams): a request would wait forever. */
  excludePaths: readonly string[];
}

/** Schemathesis, installed once into its own cached virtualenv by scripts/ensure-schemathesis.sh. */
export async function schemathesisBinary(): Promise<string> {
  const { stdout } = await run('bash', ['scripts/ensure-schemathesis.sh'], { maxBuffer: 1 << 20, timeout: 600_000 });
  return stdout.trim().split('\n').pop()!;
}

/**
 * Fuzzes the document's operations against the running gateway: a fixed seed and a fixed number of
 * examples per operation, so the same build sends the same requests. Resolves with the exit code and
 * the report schemathesis printed.
 */
export async function fuzz(binary: string, documentUrl: string, baseUrl: string, options: FuzzRun): Promise<{ code: number; output: string }> {
  const args = [
    'run',
    documentUrl,
    '--url',
    baseUrl,
    '--checks',
    CONTRACT_CHECKS.join(','),
    '--mode',
    'all',
    '--phases',
    'examples,coverage,fuzzing',
    '--max-examples',
    '6',
    '--seed',
    '20261207',
    // No example database: a failure remembered from an earlier run would change what this one sends.
    '--generation-database',
    'none',
    '--workers',
    '2',
    '--request-timeout',
    '10',
    '--include-path-regex',
    options.includePath,
    ...options.excludePaths.flatMap((path) => ['--exclude-path', path]),
    '--header',
    `Authorization: Bearer ${options.token}`,
    '--suppress-health-check',
    'all',
    '--no-color',
  ];
  // In a directory of its own: schemathesis keeps a cache of earlier failures in its working directory and
  // replays them first, so a run would depend on the runs before it.
  const workDir = await mkdtemp(join(tmpdir(), 'schemathesis-'));
  try {
    const { stdout, stderr } = await run(binary, args, { maxBuffer: 64 << 20, timeout: 240_000, cwd: workDir });
    return { code: 0, output: `${stdout}${stderr}` };
  } catch (error) {
    const failed = error as { code?: number; stdout?: string; stderr?: string };
    return { code: typeof failed.code === 'number' ? failed.code : -1, output: `${failed.stdout ?? ''}${failed.stderr ?? ''}` };
  } finally {
    await rm(workDir, { recursive: true, force: true });
  }
}
