import { GrantError, InputError } from '../errors.ts';
import { openJson, sealJson } from './jwe.ts';
import type { Keyring } from './keys.ts';

const GRANT_TYP = 'bsa-grant+jwe';

/** What a sealed grant holds (DESIGN §4). Times are Unix seconds. */
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
  scope?: string;
  token_type: string;
  id_token?: string;
  iat: number;
  /** refresh generation: 0 when sealed, +1 per refresh */
  gen: number;
}

export interface Binding {
  conn: string;
  sub?: string | undefined;
}

export const grantInvalid = (): GrantError =>
  new GrantError(
    'reauthorization_required',
    'grant_invalid',
    'The sealed grant could not be opened: it was changed, cut short, or sealed under a key this app no longer has. Authorize the connection again.',
  );

export function sealGrant(grant: Grant, ring: Keyring): Promise<string> {
  return sealJson(grant, ring.current, GRANT_TYP);
}

export interface OpenedGrant {
  grant: Grant;
  /** set when the grant was sealed under the previous key: the same grant sealed under the current one */
  resealed?: string;
}

/** Opens a sealed grant and checks it belongs to this connection and this `sub`. */
export async function openGrant(sealed: unknown, ring: Keyring, binding: Binding): Promise<OpenedGrant> {
  const { payload, usedPrevious } = await openJson(sealed, ring, GRANT_TYP, grantInvalid);
  const grant = asGrant(payload);
  checkBinding(grant, binding);
  return usedPrevious ? { grant, resealed: await sealGrant(grant, ring) } : { grant };
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

function asGrant(p: unknown): Grant {
  const g = p as Partial<Grant> | null;
  const ok =
    g !== null && typeof g === 'object' && g.v === 1 && typeof g.conn === 'string' && typeof g.at === 'string' &&
    typeof g.exp === 'number' && typeof g.token_type === 'string' && typeof g.iat === 'number' &&
    typeof g.gen === 'number' && optionalString(g.sub) && optionalString(g.rt) && optionalString(g.scope) &&
    optionalString(g.id_token);
  if (!ok) throw grantInvalid();
  return g as Grant;
}

const optionalString = (v: unknown): boolean => v === undefined || typeof v === 'string';
