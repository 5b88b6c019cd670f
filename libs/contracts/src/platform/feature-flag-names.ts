/** The spec's feature flags: what they mean and their value when nobody has set them. */
export const FEATURE_FLAGS = {
  'booking.request_mode_enabled': { kind: 'boolean', default: true, description: 'Enable request booking for providers without calendars' },
  'booking.instant_mode_enabled': { kind: 'boolean', default: true, description: 'Enable instant booking for providers with calendars' },
  'booking.payment_holds_enabled': { kind: 'boolean', default: true, description: 'Use payment holds instead of immediate capture for request bookings' },
  'booking.request_mode_percentage': { kind: 'percentage', default: 100, description: 'Percentage of providers to enable request mode for' },
  'booking.disable_all_bookings': { kind: 'boolean', default: false, description: 'Emergency: disable all new bookings' },
  'payment.disable_captures': { kind: 'boolean', default: false, description: 'Emergency: stop all payment captures (they wait and run when switched back)' },
} as const satisfies Record<string, { kind: 'boolean' | 'percentage'; default: boolean | number; description: string }>;

export type FeatureFlagName = keyof typeof FEATURE_FLAGS;
export const FEATURE_FLAG_NAMES = Object.keys(FEATURE_FLAGS) as FeatureFlagName[];
