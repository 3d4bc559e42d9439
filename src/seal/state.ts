import { GrantError, InputError } from '../errors.ts';
import { isDpopKey, type DpopKey } from '../oauth/dpop.ts';
import { openJson, sealJson } from './jwe.ts';
import type { Keyring } from './keys.ts';

const STATE_TYP = 'bsa-state+jwe';
/** An authorization round trip longer than this is abandoned (DESIGN §4: ≤ 10 min). */
export const STATE_MAX_AGE = 600;

/** Authorization state between Start and Complete authorization. Times are Unix seconds. */
export interface AuthState {
  v: 1;
  conn: string;
  state: string;
  nonce: string;
  verifier: string;
  redirect_uri: string;
  exp: number;
  /** the caller binding given to Start authorization: Complete must name the same one */
  sub?: string;
  /** the DPoP key the grant will be bound to (its thumbprint went out as dpop_jkt) */
  dpop?: DpopKey;
}

const stateInvalid = (): GrantError =>
  new GrantError('state_invalid', 'The sealed authorization state could not be opened. Start the authorization again.');

const stateTooLarge = (): InputError => new InputError('state_too_large', 'The authorization state is too large to seal.');

export function sealState(state: Omit<AuthState, 'v' | 'exp'>, ring: Keyring, now: number): string {
  return sealJson({ v: 1, ...state, exp: now + STATE_MAX_AGE }, ring.current, STATE_TYP, stateTooLarge);
}

export function openState(sealed: unknown, ring: Keyring, conn: string, now: number): AuthState {
  const { payload } = openJson(sealed, ring, STATE_TYP, stateInvalid);
  const s = payload as Partial<AuthState> | null;
  const fields = ['conn', 'state', 'nonce', 'verifier', 'redirect_uri'] as const;
  const ok = s && s.v === 1 && typeof s.exp === 'number' && fields.every((f) => typeof s[f] === 'string') &&
    (s.sub === undefined || typeof s.sub === 'string') && (s.dpop === undefined || isDpopKey(s.dpop));
  if (!ok) throw stateInvalid();
  if (s.conn !== conn) throw new InputError('state_binding_mismatch', `The sealed state belongs to another connection, not "${conn}".`);
  if ((s.exp as number) < now) {
    throw new GrantError('state_expired', 'The authorization took longer than 10 minutes. Start it again.');
  }
  return s as AuthState;
}
