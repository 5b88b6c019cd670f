import type { NotificationConfig } from '../../config/notification.config.js';
import type { VerificationRules } from '../domain/contact-verification.js';

/** The contact verification rules this deployment runs with. */
export function verificationRules(config: NotificationConfig): VerificationRules {
  return {
    codeTtlMs: config.CONTACT_CODE_TTL_MINUTES * 60_000,
    maxAttempts: config.CONTACT_CODE_MAX_ATTEMPTS,
    resendIntervalMs: config.CONTACT_CODE_RESEND_INTERVAL_SECONDS * 1000,
    maxSendsPerDay: config.CONTACT_CODE_MAX_PER_DAY,
  };
}
