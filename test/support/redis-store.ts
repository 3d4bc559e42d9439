/**
 * A real redis-server (Debian package) on 127.0.0.1, behind a small test-only bridge that speaks Upstash's REST
 * protocol (POST / with one JSON command array, POST /pipeline with several; Authorization: Bearer) and forwards each
 * command with a real Redis client library (node-redis). The bridge is test support; the engine is real. `fault`
 * makes the bridge stall, answer errors, or refuse connections (down), for the degrade tests.
 */
import { spawn, spawnSync, type ChildProcess } from 'node:child_process';
import { randomBytes } from 'node:crypto';
import { createServer as createHttpServer, type Server } from 'node:http';
import { createServer as createNetServer } from 'node:net';
import { createClient } from 'redis';

export const REDIS_SERVER = process.env.REDIS_SERVER_PATH ?? 'redis-server';
export const HAS_REDIS = spawnSync(REDIS_SERVER, ['--version']).status === 0;
export const REDIS_SKIP_NOTE = 'lock-store suites skipped: no redis-server (sudo apt-get install -y redis-server)';
if (!HAS_REDIS) {
  if (process.env.REQUIRE_REDIS === '1') throw new Error(`${REDIS_SKIP_NOTE}; REQUIRE_REDIS=1 forbids skipping`);
  console.warn(REDIS_SKIP_NOTE);
}

export type StoreFault = 'none' | 'stall' | 'error' | 'down';

const freePort = () => new Promise<number>((resolve) => {
  const s = createNetServer().listen(0, '127.0.0.1', () => {
    const { port } = s.address() as { port: number };
    s.close(() => resolve(port));
  });
});

export async function startRedisStore() {
  const port = await freePort();
  const redis: ChildProcess = spawn(REDIS_SERVER, ['--port', String(port), '--bind', '127.0.0.1', '--save', '', '--appendonly', 'no'], { stdio: 'ignore' });
  const client = createClient({ url: `redis://127.0.0.1:${port}` });
  for (let i = 0; ; i++) {
    try {
      await client.connect();
      break;
    } catch (e) {
      if (i > 50) throw e;
      await new Promise((r) => setTimeout(r, 100));
    }
  }
  const token = randomBytes(24).toString('base64url');
  let fault: StoreFault = 'none';
  const commands: string[][] = [];
  const run = async (cmd: unknown): Promise<{ result: unknown } | { error: string }> => {
    if (!Array.isArray(cmd) || cmd.length === 0) return { error: 'ERR bad command' };
    const args = cmd.map(String);
    commands.push(args);
    try {
      return { result: await client.sendCommand(args) };
    } catch (e) {
      return { error: e instanceof Error ? e.message : 'ERR' };
    }
  };
  const bridge: Server = createHttpServer((req, res) => {
    const chunks: Buffer[] = [];
    req.on('data', (c: Buffer) => chunks.push(c)).on('end', async () => {
      if (fault === 'stall') return;
      if (fault === 'error') return res.writeHead(500, { 'content-type': 'application/json' }).end('{"error":"ERR injected"}');
      if (req.headers.authorization !== `Bearer ${token}`) return res.writeHead(401).end('{"error":"Unauthorized"}');
      const body: unknown = JSON.parse(Buffer.concat(chunks).toString() || 'null');
      if (req.url === '/pipeline') {
        const out = Array.isArray(body) ? await Promise.all(body.map(run)) : [{ error: 'ERR bad pipeline' }];
        return res.writeHead(200, { 'content-type': 'application/json' }).end(JSON.stringify(out));
      }
      const one = await run(body);
      res.writeHead('error' in one ? 400 : 200, { 'content-type': 'application/json' }).end(JSON.stringify(one));
    });
  });
  const bridgePort = await freePort();
  const listen = () => new Promise<void>((r) => bridge.listen(bridgePort, '127.0.0.1', () => r()));
  await listen();
  return {
    url: `http://127.0.0.1:${bridgePort}`,
    token,
    client,
    commands,
    keys: () => ({ 'Lock store URL': `http://127.0.0.1:${bridgePort}`, 'Lock store token': token }),
    /** stall, error or down (the bridge stops listening: connections are refused); none restores it */
    async setFault(f: StoreFault) {
      if (fault === 'down' && f !== 'down') await listen();
      if (f === 'down' && fault !== 'down') {
        bridge.closeAllConnections();
        await new Promise((r) => bridge.close(r));
      }
      fault = f;
    },
    /** every key and value in the database, as text */
    async dump(): Promise<string> {
      const keys = await client.keys('*');
      const values = await Promise.all(keys.map(async (k) => ((await client.type(k)) === 'hash' ? JSON.stringify(await client.hGetAll(k)) : client.get(k))));
      return keys.map((k, i) => `${k} ${values[i]}`).join('\n');
    },
    async close() {
      if (fault !== 'down') {
        bridge.closeAllConnections();
        await new Promise((r) => bridge.close(r));
      }
      await client.quit().catch(() => undefined);
      redis.kill();
    },
  };
}
