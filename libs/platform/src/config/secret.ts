import 'reflect-metadata';

/**
 * Secrets a service reads from its config: in production (NODE_ENV=production) each must be set,
 * long enough, not predictable, and never one of the development values this repository ships
 * (config/local.env, the chart's and compose's defaults) — anyone can read those, and sign an admin
 * token with them. ALLOW_DEVELOPMENT_SECRETS=true lifts the check for a local cluster or compose run.
 */
const SECRETS = Symbol('secrets');
const PRODUCTION_SETTINGS = Symbol('productionSettings');

export interface ProductionRule {
  /** Only as an https URL. */
  https?: boolean;
  /** Only checked when set. */
  optional?: boolean;
  /** Only this value (a safety switch production must leave on, such as certificate verification). */
  value?: string | number | boolean;
}

/** A setting production must have (an issuer, an audience), in the form the rule asks for. */
export function RequiredInProduction(rule: ProductionRule = {}): PropertyDecorator {
  return (target, property) => {
    const rules: Map<string, ProductionRule> = Reflect.getMetadata(PRODUCTION_SETTINGS, target) ?? new Map();
    Reflect.defineMetadata(PRODUCTION_SETTINGS, new Map([...rules, [String(property), rule]]), target);
  };
}

export interface SecretRule {
  /** Shortest value accepted in production (default 32). */
  minLength?: number;
  /** May be unset (a feature that is off without it); when set, it must still pass. */
  optional?: boolean;
}

export function Secret(rule: SecretRule = {}): PropertyDecorator {
  return (target, property) => {
    const rules: Map<string, SecretRule> = Reflect.getMetadata(SECRETS, target) ?? new Map();
    Reflect.defineMetadata(SECRETS, new Map([...rules, [String(property), rule]]), target);
  };
}

/** The development values shipped in this repository, and the words that mark one. */
const DEVELOPMENT_VALUES = new Set([
  'local-development-internal-token',
  'local-development-jwt-secret-not-for-production',
  'sk_test_localdevelopment',
  'whsec_localdevelopment',
  'gfDxfOU+tW3cE3K3FmNDwDE5MJneR4pL4bK70SjoZ2c=',
  'bG9jYWwtZGV2ZWxvcG1lbnQtY2FsZW5kYXIta2V5ISE=',
]);
const DEVELOPMENT_WORDS = /local-?development|not-for-production|changeme|change-me|example|secret123|password/i;

/** Bits of entropy per character of the value's own distribution (Shannon): low for repeated or patterned values. */
function bitsPerCharacter(value: string): number {
  const counts = new Map<string, number>();
  for (const ch of value) counts.set(ch, (counts.get(ch) ?? 0) + 1);
  return [...counts.values()].reduce((bits, n) => bits - (n / value.length) * Math.log2(n / value.length), 0);
}

/** What is wrong with the config's secrets and required settings for production; names only, never values. */
export function productionSecretProblems(config: object): string[] {
  const rules: Map<string, SecretRule> = Reflect.getMetadata(SECRETS, Object.getPrototypeOf(config)) ?? new Map();
  const settings: Map<string, ProductionRule> = Reflect.getMetadata(PRODUCTION_SETTINGS, Object.getPrototypeOf(config)) ?? new Map();
  const problems: string[] = [];
  for (const [name, rule] of settings) {
    const value = (config as Record<string, unknown>)[name];
    if (value === undefined || value === null || value === '') {
      if (!rule.optional) problems.push(`${name}: required in production`);
    } else if (rule.https && !String(value).startsWith('https://')) problems.push(`${name}: must be an https URL in production`);
    else if (rule.value !== undefined && value !== rule.value) problems.push(`${name}: must be ${String(rule.value)} in production`);
  }
  for (const [name, rule] of rules) {
    const value = (config as Record<string, unknown>)[name];
    if (value === undefined || value === null || value === '') {
      if (!rule.optional) problems.push(`${name}: required in production`);
      continue;
    }
    const text = String(value);
    const minLength = rule.minLength ?? 32;
    if (DEVELOPMENT_VALUES.has(text) || DEVELOPMENT_WORDS.test(text)) problems.push(`${name}: a development value, refused in production`);
    else if (text.length < minLength) problems.push(`${name}: shorter than ${minLength} characters`);
    else if (new Set(text).size < 10 || bitsPerCharacter(text) < 3) problems.push(`${name}: too predictable (use a random value)`);
  }
  return problems;
}

export function developmentSecretsAllowed(env: NodeJS.ProcessEnv): boolean {
  return env['NODE_ENV'] !== 'production' || env['ALLOW_DEVELOPMENT_SECRETS'] === 'true';
}
