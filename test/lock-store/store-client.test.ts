/** The lock-store client (src/coord/store.ts) against a real redis-server behind the REST bridge. */
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { lockStoreOf, storeCommand, storePaused, storePipeline, StoreError } from '../../src/coord/store.ts';
import { HAS_REDIS, startRedisStore } from '../support/redis-store.ts';

let store: Awaited<ReturnType<typeof startRedisStore>>;
beforeAll(async () => {
  if (HAS_REDIS) store = await startRedisStore();
});
afterAll(() => store?.close());

describe('lockStoreOf: the two keys', () => {
  it('neither → no store; one → lock_store_incomplete; http only on loopback', () => {
    expect(lockStoreOf({})).toBeUndefined();
    expect(() => lockStoreOf({ 'Lock store URL': 'https://x.upstash.io' })).toThrow(expect.objectContaining({ code: 'lock_store_incomplete' }));
    expect(() => lockStoreOf({ 'Lock store token': 't' })).toThrow(expect.objectContaining({ code: 'lock_store_incomplete' }));
    expect(() => lockStoreOf({ 'Lock store URL': 'http://redis.example.com', 'Lock store token': 't' })).toThrow(expect.objectContaining({ code: 'insecure_url' }));
    expect(lockStoreOf({ 'Lock store URL': 'https://eu1-x.upstash.io', 'Lock store token': 't' })?.url.href).toBe('https://eu1-x.upstash.io/');
  });
});

describe.skipIf(!HAS_REDIS)('commands over the REST protocol', () => {
  it('one command per POST, several through /pipeline, in order', async () => {
    const s = lockStoreOf(store.keys())!;
    expect(await storeCommand(s, ['SET', 'k1', 'v1', 'PX', 5000])).toBe('OK');
    expect(await storePipeline(s, [['GET', 'k1'], ['SET', 'k1', 'v2', 'NX'], ['DEL', 'k1']])).toEqual(['v1', null, 1]);
  });

  it('an error reply, a wrong token or a failing bridge is a StoreError (no store text), and pauses the store', async () => {
    const s = lockStoreOf(store.keys())!;
    await expect(storePipeline(s, [['GET', 'a'], ['NOSUCHCOMMAND']])).rejects.toBeInstanceOf(StoreError);
    expect(storePaused(s)).toBe(true);
    await expect(storeCommand(s, ['GET', 'a'])).rejects.toThrow(/paused/);
    const wrong = lockStoreOf({ 'Lock store URL': `${store.url}/other`, 'Lock store token': 'wrong-token' })!;
    const err = await storeCommand(wrong, ['GET', 'a']).catch((e: unknown) => e);
    expect(err).toBeInstanceOf(StoreError);
    expect(String(err)).not.toContain('wrong-token');
  });
});
