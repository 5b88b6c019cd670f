import { IANAZone } from 'luxon';
import { type ValidationOptions, registerDecorator } from 'class-validator';

/**
 * Zone names found valid: asking Intl builds a formatter each time. Invalid input is not kept, and
 * the set stops growing at a bound (Intl also takes names in any letter case).
 */
const knownZones = new Set<string>();
const MAX_KNOWN_ZONES = 2_000;

/** An IANA time zone name (America/Denver), as luxon knows them. */
export function isIanaTimeZone(zone: string): boolean {
  if (knownZones.has(zone)) return true;
  if (!IANAZone.isValidZone(zone)) return false;
  if (knownZones.size < MAX_KNOWN_ZONES) knownZones.add(zone);
  return true;
}

/** Validates a request field as an IANA time zone. */
export function IsTimeZone(options?: ValidationOptions): PropertyDecorator {
  return (target: object, propertyName: string | symbol) =>
    registerDecorator({
      name: 'isTimeZone',
      target: target.constructor,
      propertyName: String(propertyName),
      options: { message: `${String(propertyName)} must be an IANA time zone`, ...options },
      validator: { validate: (value: unknown) => typeof value === 'string' && isIanaTimeZone(value) },
    });
}
