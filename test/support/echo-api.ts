/**
 * A careless API for the Call API canary suites: it answers with the credential it received (body and a header),
 * or stalls, resets, fails (503) or refuses (401) on demand. Fault injection only; the verifying servers are elsewhere.
 */
import { createServer } from 'node:http';
import { afterAll, beforeAll } from 'vitest';
import { startFaultServer, type FaultServer } from './fault-server.ts';

export type EchoBehaviour = 'echo' | 'stall' | 'reset' | 'fail' | 'unauthorized';

export async function startEchoApi() {
  let behaviour: EchoBehaviour = 'echo';
  const api = createServer((req, res) => {
    req.resume();
    if (behaviour === 'stall') return;
    if (behaviour === 'reset') return req.socket.destroy();
    const status = behaviour === 'fail' ? 503 : behaviour === 'unauthorized' ? 401 : 200;
    const echo = `${req.headers.authorization ?? ''} ${req.headers['x-api-key'] ?? ''} ${req.url}`;
    res.writeHead(status, { 'content-type': 'application/json', 'x-request-id': encodeURIComponent(echo).slice(0, 200) })
      .end(JSON.stringify({ echo, b64: Buffer.from(echo).toString('base64') }));
  });
  await new Promise<void>((r) => api.listen(0, '127.0.0.1', () => r()));
  return {
    base: `http://127.0.0.1:${(api.address() as { port: number }).port}/v1`,
    set: (b: EchoBehaviour) => { behaviour = b; },
    close: async () => {
      api.closeAllConnections();
      await new Promise((r) => api.close(r));
    },
  };
}

/** The echo API and the token fault server, started for the suite that calls this and closed after it. */
export function echoApiAndFaults() {
  const s = {} as { api: Awaited<ReturnType<typeof startEchoApi>>; faults: FaultServer };
  beforeAll(async () => {
    s.faults = await startFaultServer();
    s.api = await startEchoApi();
  });
  afterAll(async () => {
    await s.api?.close();
    await s.faults?.close();
  });
  return s;
}
