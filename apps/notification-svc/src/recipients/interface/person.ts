import { type Actor, ApiError } from '@bp/platform';

/** The caller as a recipient: only patients and providers have preferences and devices. */
export function person(actor: Actor): { role: 'patient' | 'provider'; id: string } {
  if (actor.type !== 'patient' && actor.type !== 'provider') throw new ApiError(403, 'FORBIDDEN', 'Only patients and providers have notification preferences');
  return { role: actor.type, id: actor.id };
}
