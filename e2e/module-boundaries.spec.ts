import { execFileSync } from 'node:child_process';
import { readFileSync } from 'node:fs';
import { join, posix } from 'node:path';
import { ESLint } from 'eslint';
import { workspaceRoot } from '@bp/testing';

/**
 * The boundaries in eslint.config.js actually restrict imports: each case lints a probe file placed
 * (virtually) in a project and checks which rule, if any, rejects it. The test command builds the Nx
 * project graph before this runs.
 */
describe('module boundaries', () => {
  const eslint = new ESLint({ cwd: workspaceRoot });

  async function violations(filePath: string, code: string): Promise<string[]> {
    const [result] = await eslint.lintText(`${code}\nexport const probe = used;\n`, { filePath: `${workspaceRoot}/${filePath}` });
    return (result?.messages ?? []).filter((m) => m.severity === 2).map((m) => m.ruleId ?? m.message);
  }

  it.each([
    [
      'an app imports another app',
      'apps/gateway/src/probe.ts',
      "import { AppModule as used } from '../../booking-svc/src/app.module.js';",
      '@nx/enforce-module-boundaries',
    ],
    [
      'an app imports the testing library outside a spec',
      'apps/booking-svc/src/probe.ts',
      "import { startService as used } from '@bp/testing';",
      '@nx/enforce-module-boundaries',
    ],
    [
      'contracts import the platform library',
      'libs/contracts/src/probe.ts',
      "import { ApiError as used } from '@bp/platform';",
      '@nx/enforce-module-boundaries',
    ],
    ['platform imports messaging', 'libs/platform/src/probe.ts', "import { KafkaProducer as used } from '@bp/messaging';", '@nx/enforce-module-boundaries'],
    [
      'the portal imports the platform library',
      'apps/portal/src/probe.tsx',
      "import { ApiError as used } from '@bp/platform';",
      '@nx/enforce-module-boundaries',
    ],
    [
      'the portal imports the contracts’ validation classes, not only their types',
      'apps/portal/src/probe.tsx',
      "import { SettingsRequest as used } from '@bp/contracts';",
      '@typescript-eslint/no-restricted-imports',
    ],
    [
      'domain code imports mongoose',
      'apps/booking-svc/src/reservations/domain/probe.ts',
      "import { Schema as used } from 'mongoose';",
      '@typescript-eslint/no-restricted-imports',
    ],
    [
      'domain code imports NestJS',
      'apps/booking-svc/src/reservations/domain/probe.ts',
      "import { Injectable as used } from '@nestjs/common';",
      '@typescript-eslint/no-restricted-imports',
    ],
    [
      'domain code imports a contract’s class (validation decorators), not only its types',
      'apps/booking-svc/src/bookings/domain/probe.ts',
      "import { ReasonRequest as used } from '@bp/contracts';",
      '@typescript-eslint/no-restricted-imports',
    ],
    [
      'domain code imports the messaging library',
      'apps/booking-svc/src/bookings/domain/probe.ts',
      "import { buildMessage as used } from '@bp/messaging';",
      '@typescript-eslint/no-restricted-imports',
    ],
  ])('rejects: %s', async (_case, filePath, code, rule) => {
    expect(await violations(filePath, code)).toContain(rule);
  });

  it.each([
    [
      'an app imports contracts and messaging',
      'apps/booking-svc/src/probe.ts',
      "import { Topics as used } from '@bp/contracts';\nimport { KafkaProducer } from '@bp/messaging';\nvoid KafkaProducer;",
    ],
    [
      'the portal imports the contracts’ types',
      'apps/portal/src/probe.tsx',
      "import type { SettingsRequest } from '@bp/contracts';\nconst used: SettingsRequest = {};",
    ],
    ['a spec imports the testing library', 'apps/booking-svc/src/probe.spec.ts', "import { startService as used } from '@bp/testing';"],
    ['domain code imports the pricing library', 'apps/booking-svc/src/bookings/domain/probe.ts', "import { platformFee as used } from '@bp/pricing';"],
    [
      'domain code imports the contracts’ types',
      'apps/booking-svc/src/bookings/domain/probe.ts',
      "import type { BookingStatusValue } from '@bp/contracts';\nconst used: BookingStatusValue = 'confirmed';",
    ],
    [
      'domain code imports other domain code',
      'apps/booking-svc/src/reservations/domain/probe.ts',
      "import { reserveSlot as used } from './slot-reservation.js';",
    ],
  ])('allows: %s', async (_case, filePath, code) => {
    expect(await violations(filePath, code)).toEqual([]);
  });

  it('finds no import loop between the source files of apps and libraries (type-only imports included)', () => {
    expect(importLoops(sourceFiles())).toEqual([]);
  });

  it('would find one: the loop check sees a loop through a type-only import', () => {
    const files = new Map([
      ['a.ts', "import { b } from './b.js';"],
      ['b.ts', "import type { C } from './c.js';"],
      ['c.ts', "export { a } from './a.js';"],
    ]);
    expect(importLoops(files)).toEqual([['a.ts', 'b.ts', 'c.ts', 'a.ts']]);
  });
});

/** Every non-spec TypeScript file of apps/ and libs/ (the browser app aside), by workspace path. */
function sourceFiles(): Map<string, string> {
  const files = execFileSync('git', ['ls-files', 'apps/*.ts', 'libs/*.ts'], { cwd: workspaceRoot, encoding: 'utf8' })
    .split('\n')
    .filter((file) => file && !file.endsWith('.spec.ts') && !file.startsWith('apps/portal/'));
  return new Map(files.map((file) => [file, readFileSync(join(workspaceRoot, file), 'utf8')]));
}

/** The loops of relative imports and re-exports among `files` (path → source), each from the file where the search met it. */
function importLoops(files: Map<string, string>): string[][] {
  const edges = new Map(
    [...files].map(([file, source]) => [
      file,
      [...source.matchAll(/(?:import|export)[^'"]*?from\s+'(\.{1,2}\/[^']+)'/g)]
        .map((match) => posix.join(posix.dirname(file), match[1]!).replace(/\.js$/, '.ts'))
        .filter((target) => files.has(target)),
    ]),
  );
  const loops: string[][] = [];
  const done = new Set<string>();
  const path: string[] = [];
  const visit = (file: string) => {
    path.push(file);
    for (const next of edges.get(file) ?? []) {
      if (path.includes(next)) loops.push([...path.slice(path.indexOf(next)), next]);
      else if (!done.has(next)) visit(next);
    }
    path.pop();
    done.add(file);
  };
  for (const file of files.keys()) if (!done.has(file)) visit(file);
  return loops;
}
