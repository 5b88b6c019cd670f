// Benchmark settings: every one an environment variable with a default (documented in bench/README.md).

function read(name, fallback) {
  const raw = process.env[name];
  return raw === undefined || raw.trim() === '' ? fallback : raw.trim();
}

/** A positive integer (or ≥ `min`). */
export function int(name, fallback, { min = 1 } = {}) {
  const value = Number(read(name, fallback));
  if (!Number.isInteger(value) || value < min) throw new Error(`${name} must be an integer ≥ ${min}`);
  return value;
}

/** A number ≥ `min` (fractions allowed: rates, seconds). */
export function num(name, fallback, { min = 0 } = {}) {
  const value = Number(read(name, fallback));
  if (!Number.isFinite(value) || value < min) throw new Error(`${name} must be a number ≥ ${min}`);
  return value;
}

/** A comma-separated list of positive numbers. */
export function numbers(name, fallback) {
  const values = String(read(name, fallback))
    .split(',')
    .map((s) => Number(s.trim()));
  if (values.length === 0 || values.some((v) => !Number.isFinite(v) || v <= 0)) throw new Error(`${name} must be a comma-separated list of positive numbers`);
  return values;
}

/** One of `choices`. */
export function oneOf(name, fallback, choices) {
  const value = read(name, fallback);
  if (!choices.includes(value)) throw new Error(`${name} must be one of ${choices.join(', ')}`);
  return value;
}

export function text(name, fallback) {
  return read(name, fallback);
}
