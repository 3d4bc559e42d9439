/**
 * Process-wide single flight with a short memory of successes. Bubble evaluates every action bundle on
 * its own, so the table hangs off globalThis under a versioned symbol: the Refresh token and Call API
 * bundles of one warm server share it. Keys are hashes; values stay in memory only.
 */
interface Flight {
  promise: Promise<unknown>;
  /** ms timestamp until which a settled success is replayed */
  keepUntil: number;
}

const TABLE = Symbol.for('bubble-secure-api/v1/flights');
type Holder = { [TABLE]?: Map<string, Flight> };
/** Expired entries are swept at most this often: a sweep walks the whole table. */
const SWEEP_MS = 1000;
let nextSweep = 0;

function table(): Map<string, Flight> {
  const g = globalThis as Holder;
  return (g[TABLE] ??= new Map());
}

/**
 * Runs `work` once for concurrent callers with the same key, and replays its success to callers that
 * come within `replayMs` after it settled (Bubble may run an action twice). Failures are not kept.
 */
export function singleFlight<T>(key: string, replayMs: number, nowMs: number, work: () => Promise<T>): Promise<T> {
  const flights = table();
  if (nowMs >= nextSweep) {
    nextSweep = nowMs + SWEEP_MS;
    for (const [k, f] of flights) if (f.keepUntil < nowMs) flights.delete(k);
  }
  const existing = flights.get(key);
  if (existing && existing.keepUntil >= nowMs) return existing.promise as Promise<T>;
  const flight: Flight = { promise: Promise.resolve(), keepUntil: Number.POSITIVE_INFINITY };
  flight.promise = work().then(
    (value) => {
      flight.keepUntil = Date.now() + replayMs;
      return value;
    },
    (error: unknown) => {
      flights.delete(key);
      throw error;
    },
  );
  flights.set(key, flight);
  return flight.promise as Promise<T>;
}
