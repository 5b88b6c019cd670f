// Client addresses for the gateway's per-IP rate limit. The gateway believes X-Forwarded-For from
// loopback (TRUST_PROXY), as it would from its load balancer, so the benchmark can say which client
// each request comes from. Addresses are from 198.18.0.0/15, the range RFC 2544 sets aside for
// benchmarks, starting at a random point so that runs within the same minute do not share counters.
const RANGE = 1 << 17;

/**
 * mode `phase`: one address per scope (a phase, or a saturation step), so one phase's rate-limit state
 * does not spill into the next; `patient`: one per patient (many clients behind a proxy); `peer`: no
 * header, the gateway sees this machine's address (shared with anything else running here).
 * Returns newScope(), which returns addressOf(patientIndex).
 */
export function clientAddresses(mode) {
  let next = Math.floor(Math.random() * RANGE);
  const take = () => {
    const n = next++ % RANGE;
    return `198.${18 + (n >> 16)}.${(n >> 8) & 255}.${n & 255}`;
  };
  return () => {
    if (mode === 'peer') return () => undefined;
    if (mode === 'phase') {
      const address = take();
      return () => address;
    }
    const byPatient = new Map();
    return (i) => {
      if (!byPatient.has(i)) byPatient.set(i, take());
      return byPatient.get(i);
    };
  };
}
