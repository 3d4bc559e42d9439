/**
 * What the Connection status element shows, from non-secret values only (DESIGN §6): when the access token expires,
 * the last action's status, and when the refresh token ends. Pure: the clock is passed in. No keys, no grant, no
 * network, no crypto — the element's bundle is checked for that at build time.
 */

export interface StatusInput {
  /** access token expiry, ms since the epoch; null when the app holds no grant */
  expiresAt: number | null;
  /** the `status` output of the last action the app ran (ok, reauthorization_required, …) */
  status: string | null;
  /** when the refresh token ends, ms; null when unknown */
  refreshExpiresAt: number | null;
  /** seconds before expiry from which the token "needs refresh" */
  warnBeforeS: number;
  /** days before refresh_expires_at from which the user should reconnect */
  warnReconnectDays: number;
}

export type Tone = 'ok' | 'warn' | 'error' | 'off';

/** The element's states (DESIGN §6), plus the badge's tone. */
export interface StatusView {
  is_connected: boolean;
  is_expired: boolean;
  expires_in_seconds: number | null;
  needs_refresh: boolean;
  status_label: string;
  reconnect_in_days: number | null;
  tone: Tone;
}

export type StatusEvent = 'expiring_soon' | 'expired' | 'status_changed' | 'reconnect_soon';

/** What the element remembers between ticks, so each event fires once per crossing. */
export interface Marks {
  /** the token was at or past the warn_before line at the last tick */
  below?: boolean;
  expired?: boolean;
  reconnect?: boolean;
  /** the status input at the last tick (undefined before the first) */
  status?: string | null;
}

const DAY_MS = 86_400_000;

export function viewOf(input: StatusInput, nowMs: number): StatusView {
  const left = input.expiresAt === null ? null : Math.floor((input.expiresAt - nowMs) / 1000);
  const days = input.refreshExpiresAt === null ? null : Math.max(0, Math.ceil((input.refreshExpiresAt - nowMs) / DAY_MS));
  const refreshEnded = input.refreshExpiresAt !== null && input.refreshExpiresAt <= nowMs;
  const reauth = input.status === 'reauthorization_required' || refreshEnded;
  const connected = left !== null && !reauth;
  const expired = left !== null && left <= 0;
  const needsRefresh = connected && left !== null && left <= input.warnBeforeS;
  const soon = connected && days !== null && days <= input.warnReconnectDays;
  const [label, tone] = ((): [string, Tone] => {
    if (reauth) return ['Reconnect needed', 'error'];
    if (!connected) return ['Not connected', 'off'];
    if (input.status === 'misconfigured') return ['Misconfigured', 'error'];
    if (input.status === 'temporarily_unavailable') return ['Service unavailable', 'warn'];
    if (expired) return ['Expired: refresh needed', 'warn'];
    if (needsRefresh) return [`Expires in ${duration(left ?? 0)}`, 'warn'];
    if (soon) return [`Reconnect within ${days} day${days === 1 ? '' : 's'}`, 'warn'];
    return ['Connected', 'ok'];
  })();
  return {
    is_connected: connected,
    is_expired: expired,
    expires_in_seconds: left === null ? null : Math.max(0, left),
    needs_refresh: needsRefresh,
    status_label: label,
    reconnect_in_days: days,
    tone,
  };
}

/**
 * The events this tick fires, and the marks for the next. `expiring_soon` fires when the token crosses the
 * warn_before line (or is first seen inside it, not yet expired), `expired` when it reaches 0, `reconnect_soon` when
 * refresh_expires_at comes within warn_reconnect_days; each again only after leaving its zone (a refreshed grant).
 * `status_changed` fires when the status input differs from the last tick's (not on the first).
 */
export function eventsOf(view: StatusView, input: StatusInput, prev: Marks): { events: StatusEvent[]; marks: Marks } {
  const left = view.expires_in_seconds;
  const below = view.needs_refresh;
  const expired = view.is_expired && input.expiresAt !== null;
  const reconnect = view.is_connected && view.reconnect_in_days !== null && view.reconnect_in_days <= input.warnReconnectDays;
  const events: StatusEvent[] = [];
  if (prev.status !== undefined && prev.status !== input.status) events.push('status_changed');
  if (below && !prev.below && (prev.below === false || (left !== null && left > 0))) events.push('expiring_soon');
  if (expired && !prev.expired) events.push('expired');
  if (reconnect && !prev.reconnect) events.push('reconnect_soon');
  return { events, marks: { below, expired, reconnect, status: input.status } };
}

/** `4 min`, `45 s`, `2 h`: the badge's countdown. */
function duration(seconds: number): string {
  if (seconds < 120) return `${Math.max(0, seconds)} s`;
  if (seconds < 7200) return `${Math.floor(seconds / 60)} min`;
  return `${Math.floor(seconds / 3600)} h`;
}
