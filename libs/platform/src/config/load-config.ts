import { plainToInstance } from 'class-transformer';
import { validateSync, type ValidationError } from 'class-validator';
import { developmentSecretsAllowed, productionSecretProblems } from './secret.js';

export class ConfigValidationError extends Error {
  constructor(
    readonly service: string,
    readonly problems: string[],
  ) {
    super(`${service}: invalid configuration (${problems.length} problem${problems.length === 1 ? '' : 's'}):\n${problems.map((p) => `  - ${p}`).join('\n')}`);
    this.name = 'ConfigValidationError';
  }
}

function flatten(errors: ValidationError[], prefix = ''): string[] {
  return errors.flatMap((error) => {
    const name = `${prefix}${error.property}`;
    const own = Object.values(error.constraints ?? {}).map((message) => `${name}: ${message}`);
    return [...own, ...flatten(error.children ?? [], `${name}.`)];
  });
}

/**
 * Builds the service's config class from the environment and validates all of it at once, so a bad
 * deployment fails at boot with one readable list of every problem. Values are never echoed (they may
 * be secrets); only variable names and the rule they break.
 */
export function loadConfig<T extends object>(service: string, configClass: new () => T, env: NodeJS.ProcessEnv = process.env): T {
  const config = plainToInstance(configClass, { ...env }, { enableImplicitConversion: true, exposeDefaultValues: true });
  const errors = validateSync(config, { whitelist: false, forbidUnknownValues: true, validationError: { target: false, value: false } });
  const problems = [...flatten(errors), ...(developmentSecretsAllowed(env) ? [] : productionSecretProblems(config))];
  if (problems.length > 0) throw new ConfigValidationError(service, problems);
  return config;
}
