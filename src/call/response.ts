/**
 * What Call API hands back from a response: values at dotted paths of a JSON body, and only the response headers a
 * page may see (no cookies, no auth challenges, no server internals).
 */

/** Response headers passed on; anything else (set-cookie, www-authenticate, server…) stays on the server. */
const SHOWN_HEADERS = new Set(['content-type', 'content-length', 'etag', 'last-modified', 'link', 'location', 'retry-after', 'x-request-id', 'request-id', 'x-correlation-id']);
const RATE_LIMIT = /^(x-)?rate-?limit-/;

/**
 * The value at each dotted path (`data.items.0.id`) of a JSON body, as text: strings as they are, other values as
 * JSON; null where the path does not exist or the body is not JSON. Own properties only.
 */
export function extractFields(body: string, paths: readonly string[]): (string | null)[] {
  if (paths.length === 0) return [];
  let json: unknown;
  try {
    json = JSON.parse(body);
  } catch {
    return paths.map(() => null);
  }
  return paths.map((path) => {
    let v: unknown = json;
    for (const step of path.split('.')) {
      if (v === null || typeof v !== 'object' || !Object.hasOwn(v, step)) return null;
      v = (v as Record<string, unknown>)[step];
    }
    return v === undefined ? null : typeof v === 'string' ? v : JSON.stringify(v);
  });
}

/**
 * The allowlisted response headers as `name: value` lines. URLs in `location` and `link` would show the concealed
 * API host: one under the base URL becomes the path Call API takes, any other is left out.
 */
export function shownHeaders(headers: Record<string, string>, base: URL): string[] {
  const out: string[] = [];
  for (const [name, value] of Object.entries(headers)) {
    const n = name.toLowerCase();
    if (!SHOWN_HEADERS.has(n) && !RATE_LIMIT.test(n)) continue;
    const shown = n === 'location' ? relativePath(value, base) : n === 'link' ? relativeLinks(value, base) : value;
    if (shown) out.push(`${n}: ${shown}`);
  }
  return out.sort();
}

/** `url` as a path relative to the base (what Call API's `path` takes), or undefined when it leaves the base. */
function relativePath(url: string, base: URL): string | undefined {
  try {
    const u = new URL(url, base);
    const root = base.pathname.endsWith('/') ? base.pathname : `${base.pathname}/`;
    if (u.origin !== base.origin || !`${u.pathname}/`.startsWith(root)) return undefined;
    return `/${u.pathname.slice(root.length)}${u.search}`;
  } catch {
    return undefined;
  }
}

/** RFC 8288 links with their targets made relative; links elsewhere are dropped. */
function relativeLinks(value: string, base: URL): string | undefined {
  const kept = value.split(/,(?=\s*<)/).map((link) => {
    const m = /^\s*<([^>]*)>(.*)$/.exec(link);
    const path = m ? relativePath(m[1] ?? '', base) : undefined;
    return path === undefined ? undefined : `<${path}>${m?.[2] ?? ''}`;
  }).filter((l): l is string => l !== undefined);
  return kept.length ? kept.join(', ') : undefined;
}
