import { Injectable } from '@nestjs/common';
import { PaymentError, PaymentErrorCode } from '../domain/payment-error.js';
import { type CustomerRecord, CustomerRepository } from '../infrastructure/customer.repository.js';
import { type SavedCard, StripeGateway } from '../infrastructure/stripe-gateway.js';

/** A card the patient may pay with: theirs, attached to their customer. */
export interface CardChoice {
  customerId: string;
  paymentMethodId: string;
}

/**
 * The patient's payment methods (docs/payments.md, "Cards"): a Stripe Customer per patient, created
 * once; cards saved by the app through a SetupIntent; listed, removed and one chosen as default. A
 * booking pays with the card it names, or the default; only the patient's own cards are accepted.
 */
@Injectable()
export class SavedCards {
  constructor(
    private readonly customers: CustomerRepository,
    private readonly stripe: StripeGateway,
  ) {}

  /** The patient's customer, created at Stripe and recorded the first time it is needed. */
  async customerOf(patientId: string): Promise<CustomerRecord> {
    const known = await this.customers.find(patientId);
    if (known) return known;
    const stripeCustomerId = await this.stripe.createCustomer(patientId);
    return this.customers.insertOrKeepFirst({ _id: patientId, stripeCustomerId, createdAt: new Date() });
  }

  /** What the app's Stripe SDK needs to save a new card (the SetupIntent's client secret). */
  async startSaving(patientId: string, requestKey: string): Promise<{ setupIntentId: string; clientSecret: string; customerId: string }> {
    const customer = await this.customerOf(patientId);
    return { ...(await this.stripe.createSetupIntent(customer.stripeCustomerId, `setup:${patientId}:${requestKey}`)), customerId: customer.stripeCustomerId };
  }

  /** The patient's cards, newest first, the default marked (the chosen one, else the newest). */
  async list(patientId: string): Promise<Array<SavedCard & { isDefault: boolean }>> {
    const customer = await this.customers.find(patientId);
    if (!customer) return [];
    const cards = await this.stripe.listCards(customer.stripeCustomerId);
    const chosen = cards.some((c) => c.paymentMethodId === customer.defaultPaymentMethodId) ? customer.defaultPaymentMethodId : cards[0]?.paymentMethodId;
    return cards.map((card) => ({ ...card, isDefault: card.paymentMethodId === chosen }));
  }

  async remove(patientId: string, paymentMethodId: string): Promise<void> {
    const customer = await this.owned(patientId, paymentMethodId);
    await this.stripe.detachCard(paymentMethodId);
    if (customer.defaultPaymentMethodId === paymentMethodId) await this.customers.setDefault(patientId, undefined);
  }

  async setDefault(patientId: string, paymentMethodId: string): Promise<void> {
    await this.owned(patientId, paymentMethodId);
    await this.customers.setDefault(patientId, paymentMethodId);
  }

  /**
   * The card a hold uses: the one the booking names, if it is the patient's; else their default; none
   * when they have no card (the caller falls back to a test card in test mode, or fails the hold).
   */
  async forHold(patientId: string, paymentMethodId: string | undefined): Promise<CardChoice | undefined> {
    if (paymentMethodId) {
      const customer = await this.owned(patientId, paymentMethodId);
      return { customerId: customer.stripeCustomerId, paymentMethodId };
    }
    const cards = await this.list(patientId);
    const chosen = cards.find((card) => card.isDefault);
    const customer = chosen ? await this.customers.find(patientId) : null;
    return chosen && customer ? { customerId: customer.stripeCustomerId, paymentMethodId: chosen.paymentMethodId } : undefined;
  }

  /** The patient's customer, if the card is attached to it; anyone else's card is not found (404), never used. */
  private async owned(patientId: string, paymentMethodId: string): Promise<CustomerRecord> {
    const customer = await this.customers.find(patientId);
    const owner = customer ? await this.stripe.cardOwner(paymentMethodId) : undefined;
    if (!customer || owner !== customer.stripeCustomerId) throw new PaymentError(PaymentErrorCode.CardNotFound, 'No such card among the patient’s saved cards');
    return customer;
  }
}
