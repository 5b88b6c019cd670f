import { randomInt } from 'node:crypto';

const ALPHABET = '0123456789ABCDEFGHJKLMNPQRSTUVWXYZ'; // no I or O: read aloud over the phone

/**
 * FH-YYYYMMDD-XXXXX. Random, so numbers do not reveal volume; unique by the database's unique index,
 * the creator drawing again on the rare collision (34^5 ≈ 45 million per day).
 */
export function bookingNumber(now: Date, random: (max: number) => number = randomInt): string {
  const date = now.toISOString().slice(0, 10).replaceAll('-', '');
  const suffix = Array.from({ length: 5 }, () => ALPHABET[random(ALPHABET.length)]).join('');
  return `FH-${date}-${suffix}`;
}
