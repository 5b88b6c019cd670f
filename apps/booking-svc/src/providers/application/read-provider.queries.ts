import { Injectable } from '@nestjs/common';
import type { Actor } from '@bp/platform';
import { BookingError, BookingErrorCode } from '../../shared/domain/booking-error.js';
import type { Provider } from '../domain/provider.js';
import { type PublicProviderProfile, publicProfile } from '../domain/provider-profile.js';
import { ProviderRepository } from '../infrastructure/provider.repository.js';
import { OfferedBookingMode } from './offered-booking-mode.js';
import { isOwnerOrAdmin } from './provider-access.js';

@Injectable()
export class ReadProviderQueries {
  constructor(
    private readonly providers: ProviderRepository,
    private readonly offered: OfferedBookingMode,
  ) {}

  /** The whole profile, for its owner or an admin; to anyone else it does not exist (no existence leak). */
  async full(actor: Actor, id: string): Promise<Provider> {
    const provider = isOwnerOrAdmin(actor, id) ? await this.providers.findById(id) : undefined;
    if (!provider) throw notFound(id);
    return provider;
  }

  /** What anyone may see to book the provider. */
  async publicProfile(id: string): Promise<PublicProviderProfile> {
    const provider = await this.providers.findById(id);
    if (!provider) throw notFound(id);
    return publicProfile(provider, await this.offered.of(provider));
  }
}

function notFound(id: string): BookingError {
  return new BookingError(BookingErrorCode.ProviderNotFound, `Provider ${id} not found`);
}
