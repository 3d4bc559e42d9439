import { keyringFrom, parseSealingKey } from '../../src/seal/keys.ts';
import { openGrant, type Grant } from '../../src/seal/grant.ts';

/** Test-side look inside a sealed grant (the app itself never can): to check rotation really happened. */
export async function peekGrant(sealed: unknown, sealingKey: string, conn: string, sub?: string): Promise<Grant> {
  const ring = keyringFrom(parseSealingKey(sealingKey, 'test key'), undefined, 'grant');
  return (await openGrant(sealed, ring, { conn, sub })).grant;
}
