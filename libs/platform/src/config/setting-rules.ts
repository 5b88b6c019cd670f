import { ValidateBy, type ValidationArguments } from 'class-validator';

/** Unset, or set to nothing (`NAME=` in an env file counts as unset, as the chart leaves empty values out). */
export const isSet = (value: unknown): boolean => value !== undefined && value !== null && value !== '';

/** A `@Transform` for optional settings: an empty value is unset, so the setting's absence rules apply. */
export const emptyAsUnset = ({ value }: { value: unknown }): unknown => (isSet(value) ? value : undefined);

const setting = (args: ValidationArguments, name: string): unknown => (args.object as Record<string, unknown>)[name];

/**
 * One of a group of settings that are set all together or not at all (credentials without a
 * mechanism, or a certificate without its key, is a half-done setup that must not pass silently).
 * With `oneOf`, a value that is set must be one of those.
 */
export function SetTogether(group: readonly string[], oneOf?: readonly string[]): PropertyDecorator {
  const othersSet = (args: ValidationArguments) => group.filter((name) => name !== args.property && isSet(setting(args, name)));
  return ValidateBy({
    name: 'setTogether',
    validator: {
      validate: (value, args) => (isSet(value) ? !oneOf || oneOf.includes(String(value)) : othersSet(args!).length === 0),
      defaultMessage: (args) => (isSet(args!.value) ? `must be one of ${oneOf!.join(', ')}` : `required with ${othersSet(args!).join(' and ')}`),
    },
  });
}

/** Meaningful only when another setting has a value (a CA file without TLS switched on); unset always passes. */
export function OnlyWith(other: string, expected: unknown): PropertyDecorator {
  return ValidateBy({
    name: 'onlyWith',
    validator: {
      validate: (value, args) => !isSet(value) || setting(args!, other) === expected,
      defaultMessage: () => `set only with ${other}=${String(expected)}`,
    },
  });
}
