import { type Provider, bookingMode } from '../domain/provider.js';

/** The full profile as its owner and admins see it, with the mode it books in right now. */
export function providerView(provider: Provider) {
  return { ...provider, mode: bookingMode(provider) };
}
