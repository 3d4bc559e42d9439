/**
 * Runs built actions (dist/plugin) through the Bubble harness, either in this process or, with
 * ACTION_RUNTIME=node18, in a warm Node 18 worker process (Bubble's server runtime). Everything an
 * action prints is collected in `printed`, for the canary checks.
 */
import { spawn, type ChildProcessWithoutNullStreams } from 'node:child_process';
import { createInterface } from 'node:readline';
import { fileURLToPath } from 'node:url';
import { callAction, loadAction, sharedStateText, toJsonOutputs } from '../../scripts/lib/harness.mjs';
import { node18Binary } from '../../scripts/lib/node18.mjs';

export const PLUGIN_DIR = fileURLToPath(new URL('../../dist/plugin', import.meta.url));
export type Outputs = Record<string, unknown>;
export interface ActionResult { outputs?: Outputs; error?: string; sharedState?: string }

export interface Runner {
  /** the Node version the actions run on */
  version(): Promise<string>;
  run(action: string, props: Record<string, unknown>, keys: Record<string, string>): Promise<ActionResult>;
  /** what the built actions keep on the runtime's globalThis, as text */
  sharedState(): Promise<string>;
  /** every console line and thrown message seen so far */
  printed: string[];
  close(): Promise<void>;
}

export function startRunner(): Runner {
  return process.env.ACTION_RUNTIME === 'node18' ? workerRunner() : inProcessRunner();
}

function inProcessRunner(): Runner {
  const printed: string[] = [];
  return {
    version: async () => process.version,
    printed,
    async run(action, props, keys) {
      const levels = ['log', 'info', 'warn', 'error', 'debug'] as const;
      const saved = levels.map((l) => console[l]);
      levels.forEach((l) => (console[l] = (...args: unknown[]) => void printed.push(args.map(String).join(' '))));
      try {
        return { outputs: toJsonOutputs(await callAction(loadAction(PLUGIN_DIR, action), props, keys)) };
      } catch (e) {
        const error = e instanceof Error ? e.message : String(e);
        printed.push(error);
        return { error };
      } finally {
        levels.forEach((l, i) => (console[l] = saved[i]!));
      }
    },
    sharedState: sharedStateText,
    close: async () => undefined,
  };
}

/** A warm Node 18 server process running the built actions (also used on its own: several instances at once). */
export function workerRunner(): Runner {
  const printed: string[] = [];
  const child: ChildProcessWithoutNullStreams = spawn(node18Binary(), [fileURLToPath(new URL('../../scripts/lib/harness-worker.mjs', import.meta.url)), PLUGIN_DIR]);
  const pending = new Map<number, (r: ActionResult) => void>();
  const send = (msg: Record<string, unknown>): Promise<ActionResult> => {
    const id = next++;
    return new Promise((resolve) => {
      pending.set(id, resolve);
      child.stdin.write(`${JSON.stringify({ id, ...msg })}\n`);
    });
  };
  let next = 0;
  let hello: (v: string) => void = () => undefined;
  const version = new Promise<string>((r) => (hello = r));
  child.stderr.on('data', (d: Buffer) => printed.push(d.toString()));
  createInterface({ input: child.stdout }).on('line', (line) => {
    const msg = JSON.parse(line) as ActionResult & { id: number; console: string[]; hello?: string };
    if (msg.hello) return hello(msg.hello);
    printed.push(...msg.console, ...(msg.error ? [msg.error] : []));
    pending.get(msg.id)?.(msg.error === undefined ? { outputs: msg.outputs, ...(msg.sharedState === undefined ? {} : { sharedState: msg.sharedState }) } : { error: msg.error });
    pending.delete(msg.id);
  });
  return {
    version: () => version,
    printed,
    run: (action, props, keys) => send({ action, props, keys }),
    sharedState: async () => (await send({ sharedState: true })).sharedState ?? '',
    async close() {
      child.stdin.end();
      await new Promise((r) => child.once('exit', r));
    },
  };
}
