import { type Static, type TSchema, Type } from '@sinclair/typebox';

/**
 * Building blocks for the response contracts. A contract is a TypeBox schema: the object is the JSON
 * Schema the OpenAPI document publishes, `Static<typeof X>` the type the owning service's view must
 * return. The document is OpenAPI 3.0, so `null` is spelt `nullable: true`, not a `null` type.
 */

/** An instant: a Date in a service's view, ISO 8601 text once serialised. */
export const DateTime = (options: { description?: string } = {}) => Type.Unsafe<Date | string>({ type: 'string', format: 'date-time', ...options });

/** `schema`, or null (OpenAPI 3.0's `nullable`). */
export const Nullable = <T extends TSchema>(schema: T, options: { description?: string } = {}) =>
  Type.Unsafe<Static<T> | null>({ ...schema, nullable: true, ...options });

/** A reference to another contract by its component name; typed as that contract. */
export const Ref = <T extends TSchema>(name: string, _schema: T) => Type.Unsafe<Static<T>>({ $ref: `#/components/schemas/${name}` });

/** One of a fixed set of strings. */
export const OneOf = <const Values extends readonly string[]>(values: Values, options: { description?: string } = {}) =>
  Type.Unsafe<Values[number]>({ type: 'string', enum: [...values], ...options });

/** A nested part whose fields a client need not model: any object. */
export const OpenObject = (options: { description?: string } = {}) => Type.Unsafe<object>({ type: 'object', additionalProperties: true, ...options });

/** Whole cents, counts and minutes. */
export const Integer = (options: { description?: string; minimum?: number } = {}) => Type.Integer(options);

/** Exactly this boolean (OpenAPI 3.0 has no `const`). */
export const BooleanLiteral = <const Value extends boolean>(value: Value) => Type.Unsafe<Value>({ type: 'boolean', enum: [value] });

/** An object keyed by anything (a currency, a name) whose values all follow `schema` (OpenAPI 3.0 has no `patternProperties`). */
export const MapOf = <T extends TSchema>(schema: T, options: { description?: string } = {}) =>
  Type.Unsafe<Record<string, Static<T>>>({ type: 'object', additionalProperties: schema, ...options });

/** A JSON value's type as a client reads it: Dates become their ISO text. */
export type Json<T> = T extends Date
  ? string
  : T extends ReadonlyArray<infer Item>
    ? Array<Json<Item>>
    : T extends object
      ? { [Key in keyof T]: Json<T[Key]> }
      : T;
