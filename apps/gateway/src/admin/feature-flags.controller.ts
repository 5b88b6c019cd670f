import { Body, Controller, Get, Param, Put, UseGuards } from '@nestjs/common';
import {
  FEATURE_FLAGS,
  FEATURE_FLAG_NAMES,
  FeatureFlagBody,
  type FeatureFlagName,
  type FeatureFlagListView,
  type FeatureFlagAcceptedView,
} from '@bp/contracts';
import { ApiTags } from '@nestjs/swagger';
import { FeatureFlags } from '@bp/messaging';
import { ApiError, IdempotencyKey, success } from '@bp/platform';
import { JwtAuthGuard, Roles } from '../auth/jwt-auth.guard.js';
import { ApiData, ApiFailures, ApiMutation, ApiPublicRoute } from '../openapi/api-docs.decorators.js';

/** Feature flags and kill switches: read and set by admins, published to every service (platform.feature-flags.v1). */
@Controller('api/admin/feature-flags')
@UseGuards(JwtAuthGuard)
@Roles('admin')
@ApiTags('admin')
@ApiPublicRoute()
@ApiFailures(403)
export class FeatureFlagsAdminController {
  constructor(private readonly flags: FeatureFlags) {}

  @Get()
  @ApiData(200, 'FeatureFlagList', 'Every flag with its definition, current global value and setting')
  async list() {
    const settings = this.flags.snapshot();
    const flags = await Promise.all(
      FEATURE_FLAG_NAMES.map(async (name) => ({
        name,
        ...FEATURE_FLAGS[name],
        value: await this.flags.isEnabled(name),
        ...(settings[name] ? { setting: settings[name] } : {}),
      })),
    );
    return success<FeatureFlagListView>(flags);
  }

  /** Replaces a flag's setting; every replica of every service applies it within seconds. */
  @Put(':name')
  @ApiMutation()
  @ApiData(200, 'FeatureFlagAccepted', 'The new setting, published to every service')
  @ApiFailures(404)
  async set(@Param('name') name: string, @Body() body: FeatureFlagBody, @IdempotencyKey() _key: string) {
    if (!FEATURE_FLAG_NAMES.includes(name as FeatureFlagName)) throw new ApiError(404, 'FEATURE_FLAG_NOT_FOUND', `No feature flag named ${name}`);
    const flag = name as FeatureFlagName;
    const kind = FEATURE_FLAGS[flag].kind;
    if (kind === 'boolean' && body.percentage !== undefined)
      throw new ApiError(422, 'VALIDATION_FAILED', `${flag} is on or off; it takes enabled, not percentage`);
    if (kind === 'percentage' && body.enabled !== undefined)
      throw new ApiError(422, 'VALIDATION_FAILED', `${flag} is a rollout percentage; it takes percentage, not enabled`);
    const overrides = body.providerOverrides ?? {};
    if (Object.values(overrides).some((value) => typeof value !== 'boolean'))
      throw new ApiError(422, 'VALIDATION_FAILED', 'providerOverrides maps provider ids to true or false');
    await this.flags.set({ name: flag, ...body });
    return success<FeatureFlagAcceptedView>({ name: flag, ...body, accepted: true });
  }
}
