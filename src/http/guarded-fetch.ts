import { ProviderError } from '../errors.ts';

export interface GuardedRequest {
  method: 'GET' | 'POST';
  headers: Record<string, string>;
  body?: string;
  timeoutMs: number;
  maxBytes: number;
  /** how errors name the peer ("the token endpoint"), lower case: the URL itself stays private */
  peer: string;
}

export interface GuardedResponse {
  status: number;
  headers: Headers;
  text: string;
}

/**
 * fetch with the guards every outbound call needs: a hard timeout covering the body too, a size cap,
 * and no redirect following (a redirect would carry credentials to wherever it points).
 * Failures become `temporarily_unavailable` errors that name the peer, never the URL or the cause's text.
 */
export async function guardedFetch(url: URL, req: GuardedRequest): Promise<GuardedResponse> {
  const signal = AbortSignal.timeout(req.timeoutMs);
  try {
    const res = await fetch(url, { method: req.method, headers: req.headers, body: req.body, redirect: 'manual', signal });
    const text = await readCapped(res, req.maxBytes, req.peer);
    return { status: res.status, headers: res.headers, text };
  } catch (e) {
    if (e instanceof ProviderError) throw e;
    if (signal.aborted) {
      throw new ProviderError('timeout', `${capitalize(req.peer)} did not answer within ${Math.round(req.timeoutMs / 1000)} s`);
    }
    throw new ProviderError('network_error', `Could not reach ${req.peer} (network error)`);
  }
}

async function readCapped(res: Response, maxBytes: number, peer: string): Promise<string> {
  if (!res.body) return '';
  const reader = res.body.getReader();
  const chunks: Uint8Array[] = [];
  let size = 0;
  for (;;) {
    const { done, value } = await reader.read();
    if (done) break;
    size += value.byteLength;
    if (size > maxBytes) {
      await reader.cancel().catch(() => undefined);
      throw new ProviderError('response_too_large', `${capitalize(peer)} sent a response larger than ${maxBytes} bytes`);
    }
    chunks.push(value);
  }
  return new TextDecoder().decode(Buffer.concat(chunks));
}

/** Retry-After as seconds (delta-seconds or an HTTP date); undefined when absent or unusable. */
export function retryAfterSeconds(headers: Headers, nowMs: number): number | undefined {
  const v = headers.get('retry-after')?.trim();
  if (!v) return undefined;
  if (/^\d+$/.test(v)) return Math.min(Number(v), 86_400);
  const at = Date.parse(v);
  return Number.isNaN(at) ? undefined : Math.max(0, Math.min(Math.ceil((at - nowMs) / 1000), 86_400));
}

const capitalize = (s: string): string => s.charAt(0).toUpperCase() + s.slice(1);
