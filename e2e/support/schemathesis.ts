import { execFile } from 'node:child_process';
import { mkdtemp, rm, writeFile } from 'node:fs/promises';
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

/** The zones the fuzzer sends as X-Timezone: UTC, summer time north and south, half and quarter hours. */
const SAMPLE_ZONES = ['UTC', 'Europe/Berlin', 'America/Denver', 'Asia/Kolkata', 'Australia/Lord_Howe', 'Asia/Kathmandu'];

/**
 * The document as the fuzzer reads it: the served one, but with X-Timezone's enum of every IANA zone
 * (over 400) cut to a sample of them. Schemathesis' coverage phase sends each value of an enum once
 * per operation, so the whole list was nine in ten of its requests, all testing the same check.
 * Written to a file of its own; the document itself is left exactly as served.
 */
export async function fuzzableDocument(documentUrl: string, dir: string): Promise<string> {
  const document = (await (await fetch(documentUrl)).json()) as { components: { parameters: Record<string, { name: string; schema: { enum?: string[] } }> } };
  const timezone = Object.values(document.components.parameters).find((parameter) => parameter.name === 'X-Timezone');
  const zones = timezone?.schema.enum ?? [];
  if (zones.length < 300) throw new Error(`X-Timezone is documented with ${zones.length} zones, not every IANA zone`);
  timezone!.schema.enum = SAMPLE_ZONES.filter((zone) => zones.includes(zone));
  const path = join(dir, 'openapi.json');
  await writeFile(path, JSON.stringify(document));
  return path;
}

/**
 * Fuzzes the document's operations against the running gateway: a fixed seed and a fixed number of
 * examples per operation, so the same build sends the same requests. Resolves with the exit code and
 * the report schemathesis printed.
 */
export async function fuzz(binary: string, document: string, baseUrl: string, options: FuzzRun): Promise<{ code: number; output: string }> {
  const args = [
    'run',
    document,
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
    // One worker: Hypothesis' lambda descriptions are not thread-safe ("AST constructor recursion depth mismatch").
    '--workers',
    '1',
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
