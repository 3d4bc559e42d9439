import { afterAll, afterEach, expect } from 'vitest';
import { expectNoLeak } from './canary.ts';
import { startRunner, type Outputs } from './runner.ts';

/**
 * The common frame of an action suite: a runner (in-process or Node 18), the leak check after every test,
 * and `run`, which calls a built action, expects it not to throw, and records its outputs for the check.
 */
export function actionKit(defaultKeys: () => Record<string, string>) {
  const runner = startRunner();
  const seen: Outputs[] = [];
  afterAll(() => runner.close());
  afterEach(() => expectNoLeak(runner, seen));
  const run = async (action: string, props: Record<string, unknown>, keys = defaultKeys()): Promise<Outputs> => {
    const r = await runner.run(action, props, keys);
    expect(r.error).toBeUndefined();
    seen.push(r.outputs!);
    return r.outputs!;
  };
  return { runner, seen, run };
}
