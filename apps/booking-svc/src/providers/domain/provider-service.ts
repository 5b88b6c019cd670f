/** Something a provider offers to book: the spec's service with its price and length. */
export interface ProviderService {
  id: string;
  name: string;
  category: string;
  /** 5–480, a multiple of 5. */
  durationMinutes: number;
  /** Integer, in the currency's minor unit. */
  priceCents: number;
  /** Lowercase ISO 4217 code (Stripe's form), 'usd' unless given. */
  currency: string;
  description?: string;
}

export type ProviderServiceInput = Omit<ProviderService, 'currency'> & { currency?: string };

export const DEFAULT_CURRENCY = 'usd';
export const SERVICE_DURATION_BOUNDS = [5, 480] as const;
export const MAX_SERVICES = 50;

const ID = /^[A-Za-z0-9._:-]{1,64}$/;
const ISO_4217 = new Set(Intl.supportedValuesOf('currency').map((code) => code.toLowerCase()));

function textProblem(where: string, value: string | undefined, max: number, required: boolean): string | undefined {
  if (value === undefined) return required ? `${where} is required` : undefined;
  if (required && value.trim().length === 0) return `${where} must not be empty`;
  return value.length > max ? `${where} must be at most ${max} characters` : undefined;
}

function serviceProblems(service: ProviderServiceInput, where: string): string[] {
  const [minDuration, maxDuration] = SERVICE_DURATION_BOUNDS;
  const { durationMinutes, priceCents, currency } = service;
  return [
    ID.test(service.id) ? undefined : `${where}.id must be 1–64 characters of A–Z, a–z, 0–9, . _ : -`,
    textProblem(`${where}.name`, service.name, 120, true),
    textProblem(`${where}.category`, service.category, 60, true),
    textProblem(`${where}.description`, service.description, 2000, false),
    Number.isInteger(durationMinutes) && durationMinutes >= minDuration && durationMinutes <= maxDuration && durationMinutes % 5 === 0
      ? undefined
      : `${where}.durationMinutes must be a multiple of 5 from ${minDuration} to ${maxDuration}`,
    Number.isSafeInteger(priceCents) && priceCents >= 0 ? undefined : `${where}.priceCents must be a whole number of cents, 0 or more`,
    currency === undefined || ISO_4217.has(currency.toLowerCase()) ? undefined : `${where}.currency must be an ISO 4217 code such as usd`,
  ].filter((problem): problem is string => problem !== undefined);
}

/**
 * Checks a provider's whole service list (every problem at once) and gives it in stored form:
 * currency lowercased, 'usd' when absent.
 */
export function checkServices(services: ProviderServiceInput[]): { services: ProviderService[]; problems: string[] } {
  const problems = services.flatMap((service, i) => serviceProblems(service, `services[${i}]`));
  if (services.length > MAX_SERVICES) problems.push(`services: at most ${MAX_SERVICES} services`);
  const seen = new Set<string>();
  for (const { id } of services) {
    if (seen.has(id)) problems.push(`services: id ${id} appears more than once`);
    seen.add(id);
  }
  const normalized = services.map(({ currency, ...rest }) => ({ ...rest, currency: (currency ?? DEFAULT_CURRENCY).toLowerCase() }));
  return { services: normalized, problems };
}
