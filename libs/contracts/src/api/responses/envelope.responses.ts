import { Type } from '@sinclair/typebox';
import { BooleanLiteral, DateTime, Ref } from './json-schema.js';

/** Every answer's `meta`. */
export const MetaContract = Type.Object({ requestId: Type.String(), timestamp: DateTime(), version: Type.String() });

/** Every failure: `{success: false, error{code, message, details?}, meta}`. */
export const ErrorEnvelopeContract = Type.Object({
  success: BooleanLiteral(false),
  error: Type.Object({
    code: Type.String({ description: 'Stable machine-readable code' }),
    message: Type.String(),
    details: Type.Optional(Type.Unknown()),
  }),
  meta: Ref('Meta', MetaContract),
});
