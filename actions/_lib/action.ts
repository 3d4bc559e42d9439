import { PluginError, type Status } from '../../src/errors.ts';
import { Redactor } from './redactor.ts';

export interface StatusOutputs {
  status: Status;
  error_code: string | null;
  error_message: string | null;
  retry_after: number | null;
}

export interface ActionCall {
  properties: Bubble.Properties;
  context: Bubble.ServerContext;
  /** register every secret value the action handles, so no output can carry it */
  redactor: Redactor;
}

/** Outputs that hold ciphertext: never scrubbed (a scrub would corrupt them, and they reveal nothing). */
const SEALED_OUTPUTS = new Set(['sealed_grant', 'sealed_state']);

/**
 * Wraps an action body into Bubble's `(properties, context)` function. Every expected failure becomes
 * status outputs (the workflow branches on `status`); `onFailure` supplies outputs that keep what the
 * caller had (e.g. the unchanged sealed grant). Only bugs throw, with a redacted message.
 */
export function bubbleAction<O extends Bubble.Outputs>(
  actionName: string,
  empty: O,
  body: (call: ActionCall) => Promise<Partial<O>>,
  onFailure: (call: ActionCall) => Partial<O> = () => ({}),
): Bubble.ServerAction {
  return async (properties, context) => {
    const redactor = new Redactor();
    redactor.addKeys(context.keys ?? {});
    const call: ActionCall = { properties, context, redactor };
    const ok: StatusOutputs = { status: 'ok', error_code: null, error_message: null, retry_after: null };
    try {
      return scrubOutputs({ ...empty, ...(await body(call)), ...ok }, redactor);
    } catch (e) {
      if (!(e instanceof PluginError)) {
        const kind = e instanceof Error ? e.name : typeof e;
        throw new Error(redactor.scrub(`${actionName}: internal error (${kind}). Please report it to the plugin authors.`));
      }
      const failed: StatusOutputs = { status: e.status, error_code: e.code, error_message: e.message, retry_after: e.retryAfter ?? null };
      return scrubOutputs({ ...empty, ...safeFallback(onFailure, call), ...failed }, redactor);
    }
  };
}

function safeFallback<O>(onFailure: (call: ActionCall) => Partial<O>, call: ActionCall): Partial<O> {
  try {
    return onFailure(call);
  } catch {
    return {};
  }
}

/** Every text output and every text in a list output (Call API's fields and headers), sealed ones excepted. */
function scrubOutputs(outputs: Bubble.Outputs, redactor: Redactor): Bubble.Outputs {
  const scrub = <T>(v: T): T => (typeof v === 'string' ? redactor.scrub(v) : Array.isArray(v) ? v.map(scrub) : v) as T;
  const out: Bubble.Outputs = {};
  for (const [k, v] of Object.entries(outputs)) out[k] = SEALED_OUTPUTS.has(k) ? v : scrub(v);
  return out;
}
