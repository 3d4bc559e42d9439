import { lockStoreOf, storeCommand } from '../../src/coord/store.ts';
import { USAGE_KEY } from '../../src/coord/usage.ts';
import { findingLines, reportText, reviewConfiguration, type Finding, type Usage } from '../../src/review/review.ts';
import { bubbleAction } from '../_lib/action.ts';

const EMPTY = { findings: null as string[] | null, report: null as string | null, warnings: null as number | null };

/** The lock store's usage facts (a hash: field, value, field, value…); undefined without a store or when it fails. */
async function usageFacts(keys: Bubble.Keys, notes: Finding[]): Promise<Usage> {
  let store;
  try {
    store = lockStoreOf(keys);
  } catch {
    return undefined; // the review reports the misconfigured store keys itself
  }
  if (!store) return undefined;
  try {
    const flat = await storeCommand(store, ['HGETALL', USAGE_KEY]);
    const list = Array.isArray(flat) ? flat.map(String) : [];
    return Object.fromEntries(list.flatMap((v, i) => (i % 2 === 0 ? [[v, list[i + 1] ?? '']] : [])));
  } catch {
    notes.push({ severity: 'warning', code: 'lock_store_unreachable', message: 'The lock store did not answer: usage facts are missing from this review.' });
    return undefined;
  }
}

/**
 * Review configuration: what the keys allow and what to tidy, without any value. Never fails on a bad
 * configuration: that is what it reports.
 */
export default bubbleAction('Review configuration', EMPTY, async (call) => {
  const nowS = Math.floor(Date.now() / 1000);
  const notes: Finding[] = [];
  const usage = await usageFacts(call.context.keys, notes);
  const findings = [...reviewConfiguration(call.context.keys, usage, nowS), ...notes];
  return {
    findings: findingLines(findings),
    report: reportText(findings, nowS),
    warnings: findings.filter((f) => f.severity !== 'info').length,
  };
});
