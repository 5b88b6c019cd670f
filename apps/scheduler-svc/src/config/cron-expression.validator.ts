import { type ValidationOptions, ValidateBy } from 'class-validator';
import { validateCronExpression } from 'cron';

/** A cron expression the scheduler accepts (5 fields, or 6 with seconds first). */
export function IsCronExpression(options?: ValidationOptions): PropertyDecorator {
  return ValidateBy(
    {
      name: 'isCronExpression',
      validator: {
        validate: (value: unknown) => typeof value === 'string' && validateCronExpression(value).valid,
        defaultMessage: (args) => `${args?.property} must be a cron expression`,
      },
    },
    options,
  );
}
