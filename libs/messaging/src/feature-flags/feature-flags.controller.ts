import { Controller, Get, UseGuards } from '@nestjs/common';
import { FEATURE_FLAG_NAMES } from '@bp/contracts';
import { InternalAuthGuard, success } from '@bp/platform';
import { FeatureFlags } from './feature-flags.js';

/** What this replica currently believes about every flag (global values; provider overrides in `settings`). */
@Controller('internal/feature-flags')
@UseGuards(InternalAuthGuard)
export class FeatureFlagsController {
  constructor(private readonly flags: FeatureFlags) {}

  @Get()
  async list() {
    const values = Object.fromEntries(await Promise.all(FEATURE_FLAG_NAMES.map(async (name) => [name, await this.flags.isEnabled(name)] as const)));
    return success({ values, settings: this.flags.snapshot() });
  }
}
