/**
 * No double booking, enforced by the database: the time a hold occupies ([start, end + buffer)) is
 * cut into fixed granules and each granule is a document whose _id is (provider, granule start). Two
 * holds that overlap by even one granule collide on a unique key, whatever their lengths or
 * alignment, under any concurrency, on any MongoDB-compatible engine.
 */
export const GRANULE_MINUTES = 5;
const GRANULE_MS = GRANULE_MINUTES * 60_000;

/** Granule starts covering [start, end + buffer), widened outwards to granule boundaries. */
export function granulesOf(start: Date, end: Date, bufferMinutes: number): Date[] {
  const first = Math.floor(start.getTime() / GRANULE_MS) * GRANULE_MS;
  const last = Math.ceil((end.getTime() + bufferMinutes * 60_000) / GRANULE_MS) * GRANULE_MS;
  const granules: Date[] = [];
  for (let t = first; t < last; t += GRANULE_MS) granules.push(new Date(t));
  return granules;
}

export function slotClaimId(providerId: string, granule: Date): string {
  return `slot|${providerId}|${granule.toISOString()}`;
}

/** The n-th of a patient's allowed concurrent reservations (the abuse guard), also a unique key. */
export function patientClaimId(patientId: string, n: number): string {
  return `patient|${patientId}|${n}`;
}
