/**
 * What the patient's app shows when a payment attempt fails, by Stripe's decline or error code
 * (https://docs.stripe.com/declines/codes). Codes that point at fraud checks get the generic text:
 * the patient is never told a card was flagged.
 */
const MESSAGES: Record<string, string> = {
  insufficient_funds: 'Your card has insufficient funds. Try another card.',
  expired_card: 'Your card has expired. Update it or use another card.',
  incorrect_cvc: 'The security code (CVC) is incorrect. Check it and try again.',
  incorrect_number: 'The card number is incorrect. Check it or use another card.',
  incorrect_zip: 'The postal code does not match the card. Check it and try again.',
  card_not_supported: 'This card cannot be used for this payment. Use another card.',
  currency_not_supported: 'This card cannot be charged in this currency. Use another card.',
  card_velocity_exceeded: 'This card has reached its limit for now. Try another card.',
  withdrawal_count_limit_exceeded: 'This card has reached its limit for now. Try another card.',
  authentication_required: 'Your bank needs you to confirm this payment. Try again and complete the check.',
  authentication_failed: 'The payment check with your bank did not succeed. Try again or use another card.',
  payment_intent_authentication_failure: 'The payment check with your bank did not succeed. Try again or use another card.',
  processing_error: 'We could not process your card just now. Try again in a moment.',
  try_again_later: 'We could not process your card just now. Try again in a moment.',
  card_not_found: 'That card is not among your saved cards. Choose one of your cards.',
  payment_method_required: 'Add a card to pay for this booking.',
};

const GENERIC = 'Your card was declined. Contact your bank or use another card.';

export function declineMessage(code: string): string {
  return MESSAGES[code] ?? GENERIC;
}
