import { IANAZone } from 'luxon';
import { type ValidationOptions, registerDecorator } from 'class-validator';

/** An IANA time zone name (America/Denver), as luxon knows them. */
export function isIanaTimeZone(zone: string): boolean {
  return IANAZone.isValidZone(zone);
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
