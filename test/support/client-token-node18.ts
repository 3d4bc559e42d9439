/**
 * Node 18 driver for test/client-token.test.ts: bundled with esbuild (target node18, the webcrypto shim
 * injected as build.mjs does) and run under tools/node18. Resolves a client-credentials connection from
 * plugin keys and makes 50 concurrent clientToken calls; prints JSON facts (never the token itself).
 * Input: CT_ISSUER, CT_CLIENT_ID, CT_SECRET, CT_SEALING_KEY in the environment.
 */
import { createHash } from 'node:crypto';
import { resolveConnection } from '../../src/config/connections.ts';
import { clientToken } from '../../src/oauth/client-token.ts';

async function main(): Promise<void> {
  const env = (name: string): string => process.env[name] ?? '';
  const issuer = env('CT_ISSUER');
  const keys = {
    'Sealing key': env('CT_SEALING_KEY'),
    Connections: JSON.stringify({
      svc: { mode: 'client_credentials', issuer, token_endpoint: `${issuer}/token`, allow_insecure_http: true, client_id: env('CT_CLIENT_ID'), client_secret: env('CT_SECRET'), scopes: 'api:read' },
    }),
  };
  const conn = resolveConnection(keys, 'svc');
  const nowMs = Date.now();
  const tokens = await Promise.all(Array.from({ length: 50 }, () => clientToken(conn, nowMs)));
  const hashes = new Set(tokens.map((t) => createHash('sha256').update(t.access_token).digest('hex').slice(0, 16)));
  const first = tokens[0]!;
  console.log(JSON.stringify({ node: process.version, calls: tokens.length, distinct: hashes.size, token_type: first.token_type, lifetime: first.exp - Math.floor(nowMs / 1000) }));
}

main().catch((e: unknown) => {
  console.error(e instanceof Error ? `${e.name} ${(e as { code?: string }).code ?? ''}: ${e.message}` : 'failed');
  process.exitCode = 1;
});
