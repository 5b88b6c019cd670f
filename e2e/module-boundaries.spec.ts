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
      'no-restricted-imports',
    ],
    [
      'domain code imports NestJS',
      'apps/booking-svc/src/reservations/domain/probe.ts',
      "import { Injectable as used } from '@nestjs/common';",
      'no-restricted-imports',
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
      'domain code imports other domain code',
      'apps/booking-svc/src/reservations/domain/probe.ts',
      "import { reserveSlot as used } from './slot-reservation.js';",
    ],
  ])('allows: %s', async (_case, filePath, code) => {
    expect(await violations(filePath, code)).toEqual([]);
  });
});
