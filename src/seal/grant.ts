import { GrantError, InputError } from '../errors.ts';
import { isDpopKey, type DpopKey } from '../oauth/dpop.ts';
import { openJson, sealJson } from './jwe.ts';
import type { Keyring } from './keys.ts';

const GRANT_TYP = 'bsa-grant+jwe';

/** What a sealed grant holds (DESIGN §4). Times are Unix seconds. ID tokens are never kept. */
export interface Grant {
  v: 1;
  /** connection name the grant belongs to */
  conn: string;
  /** optional caller binding, e.g. the Bubble user's unique id */
  sub?: string;
  at: string;
  rt?: string;
  /** access-token expiry; 0 = unknown / already expired */
  exp: number;
  /** the refresh token's own end, when the provider says it */
  rt_exp?: number;
  scope?: string;
  token_type: string;
  iat: number;
  /** refresh generation: 0 when sealed, +1 per refresh */
  gen: number;
  /** the DPoP key the tokens are bound to (connections with use_dpop) */
  dpop?: DpopKey;
}

/**
 * Caps on what enters a grant (from a provider or a builder's input). With them a grant JSON-escaped at
 * worst stays under the one sealed-size limit (src/seal/jwe.ts), so sealing never fails after a refresh
 * token was spent.
 */
export const GRANT_LIMITS = { at: 16_384, rt: 8_192, scope: 4_096, sub: 256, token_type: 64 } as const;

export interface Binding {
  conn: string;
  sub?: string | undefined;
}

export const grantInvalid = (): GrantError =>
  new GrantError('grant_invalid',
    'The sealed grant could not be opened: it was changed, cut short, or sealed under a key this app no longer has. Authorize the connection again.',
  );

const grantTooLarge = (): InputError =>
  new InputError('grant_too_large', 'The tokens are too large to seal into a grant that could be opened again.');

export function sealGrant(grant: Grant, ring: Keyring): string {
  return sealJson(grant, ring.current, GRANT_TYP, grantTooLarge);
}

export interface OpenedGrant {
  grant: Grant;
  /** set when the grant was sealed under the previous key: the same grant sealed under the current one */
  resealed?: string;
}

/** Opens a sealed grant and checks it belongs to this connection and this `sub`. */
export function openGrant(sealed: unknown, ring: Keyring, binding: Binding): OpenedGrant {
  const { payload, usedPrevious } = openJson(sealed, ring, GRANT_TYP, grantInvalid);
  const grant = asGrant(payload);
  checkBinding(grant, binding);
  return usedPrevious ? { grant, resealed: sealGrant(grant, ring) } : { grant };
}

function checkBinding(grant: Grant, binding: Binding): void {
  if (grant.conn !== binding.conn) {
    throw new InputError('grant_binding_mismatch', `The sealed grant belongs to another connection, not "${binding.conn}".`);
  }
  // Strict both ways: a bound grant needs its sub, and an unbound grant cannot be claimed by one.
  if ((grant.sub ?? '') !== (binding.sub ?? '')) {
    throw new InputError('grant_binding_mismatch', 'The sealed grant is bound to another user (sub).');
  }
}

/** A fresh object of the known fields only: whatever else an older grant held is not carried on. */
function asGrant(p: unknown): Grant {
  const g = p as Partial<Grant> | null;
  const ok =
    g !== null && typeof g === 'object' && g.v === 1 && typeof g.conn === 'string' && typeof g.at === 'string' &&
    isTime(g.exp) && typeof g.token_type === 'string' && isTime(g.iat) && Number.isSafeInteger(g.gen) &&
    optionalString(g.sub) && optionalString(g.rt) && optionalString(g.scope) && (g.rt_exp === undefined || isTime(g.rt_exp)) &&
    (g.dpop === undefined || isDpopKey(g.dpop));
  if (!ok) throw grantInvalid();
  const out: Grant = { v: 1, conn: g.conn!, at: g.at!, exp: g.exp!, token_type: g.token_type!, iat: g.iat!, gen: g.gen! };
  if (g.sub !== undefined) out.sub = g.sub;
  if (g.rt !== undefined) out.rt = g.rt;
  if (g.rt_exp !== undefined) out.rt_exp = g.rt_exp;
  if (g.scope !== undefined) out.scope = g.scope;
  if (g.dpop !== undefined) out.dpop = g.dpop;
  return out;
}

const optionalString = (v: unknown): boolean => v === undefined || typeof v === 'string';
/** Unix seconds within what a JS Date can show (year ±275760): every date output stays a real date. */
export const MAX_TIME = 8_640_000_000_000;
const isTime = (v: unknown): v is number => Number.isSafeInteger(v) && (v as number) >= 0 && (v as number) <= MAX_TIME;
