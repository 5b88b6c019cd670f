import { ValidationPipe, type ValidationError } from '@nestjs/common';
import { type ValidatorOptions, validateSync } from 'class-validator';
import { ApiError } from './api-envelope.js';
import '../validation/validation-rules-cache.js';

function fieldErrors(errors: ValidationError[], prefix = ''): { field: string; messages: string[] }[] {
  return errors.flatMap((e) => {
    const field = `${prefix}${e.property}`;
    const own = e.constraints ? [{ field, messages: Object.values(e.constraints) }] : [];
    return [...own, ...fieldErrors(e.children ?? [], `${field}.`)];
  });
}

/**
 * Nest's pipe with class-validator's synchronous check: every constraint of the project's DTOs and
 * contracts is synchronous, and the asynchronous check wraps each one in a promise.
 */
class SyncValidationPipe extends ValidationPipe {
  protected override validate(object: object, validatorOptions?: ValidatorOptions): ValidationError[] {
    return validateSync(object, validatorOptions);
  }
}

/** Bodies, queries and params are validated against their DTO classes; unknown fields are refused. */
export function strictValidationPipe(): ValidationPipe {
  return new SyncValidationPipe({
    whitelist: true,
    forbidNonWhitelisted: true,
    forbidUnknownValues: true,
    transform: true,
    validationError: { target: false, value: false },
    exceptionFactory: (errors) => new ApiError(400, 'VALIDATION_FAILED', 'The request is invalid', { fields: fieldErrors(errors) }),
  });
}
