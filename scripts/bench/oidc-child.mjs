// @ts-check
/**
 * Runs the local oidc-provider (scripts/lib/oidc-server.mjs, rotation on) in its own process for the
 * refresh round-trip figure, so its work and garbage collection are not charged at random to whichever
 * client side happens to be running in the bench process. Talks over the fork IPC channel:
 * sends { issuer, tokenEndpoint, clients } once listening; answers 'count' with { tokenRequests };
 * closes on 'close' or when the parent goes away.
 */
import { startOidcServer } from '../lib/oidc-server.mjs';

const send = (/** @type {unknown} */ msg) => process.send?.(msg);
const server = await startOidcServer({ accessTokenTtl: 3600 });
const stop = async () => {
  await server.close();
  process.exit(0);
};
process.on('disconnect', stop);
process.on('message', (msg) => {
  if (msg === 'count') send({ tokenRequests: server.tokenRequests });
  if (msg === 'close') void stop();
});
send({ issuer: server.issuer, tokenEndpoint: server.tokenEndpoint, clients: server.clients });
