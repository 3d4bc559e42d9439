import { afterAll, expect, it } from 'vitest';
import { startRunner } from '../support/runner.ts';

const runner = startRunner();
afterAll(() => runner.close());

it('runs the built actions on the runtime this pass is meant for', async () => {
  const expected = process.env.ACTION_RUNTIME === 'node18' ? /^v18\.20\./ : new RegExp(`^${process.version.replace(/\./g, '\\.')}$`);
  expect(await runner.version()).toMatch(expected);
});
