/**
 * The Connection status element's adapter, shared by its Bubble files (each bundles what it imports): reads the
 * bound properties, asks src/status for the view and the events, publishes changed states, fires events, and draws
 * an accessible badge. Everything per instance lives in `instance.data`, so the files share no module state.
 */
import { eventsOf, viewOf, type Marks, type StatusInput, type StatusView, type Tone } from '../../src/status/connection-status.ts';

type Instance = Bubble.ElementInstance;
interface Data { props?: Bubble.Properties; marks?: Marks; published?: Record<string, unknown>; timer?: ReturnType<typeof setInterval>; onVisible?: () => void }

const DEFAULT_COLORS: Record<Tone, string> = { ok: '#1a7f37', warn: '#9a6700', error: '#cf222e', off: '#6e7781' };
export const TICK_MS = 1000;

const data = (instance: Instance): Data => instance.data as Data;

/** A date property as ms: Bubble passes Date objects; numbers (ms) and ISO text are taken too. */
function dateMs(v: unknown): number | null {
  const ms = v instanceof Date ? v.getTime() : typeof v === 'number' ? v : typeof v === 'string' && v !== '' ? Date.parse(v) : NaN;
  return Number.isFinite(ms) ? ms : null;
}

function numberOr(v: unknown, fallback: number): number {
  const n = typeof v === 'number' ? v : typeof v === 'string' && v.trim() !== '' ? Number(v) : NaN;
  return Number.isFinite(n) && n >= 0 ? n : fallback;
}

const text = (v: unknown): string | null => (typeof v === 'string' && v.trim() !== '' ? v.trim() : null);

export function inputOf(p: Bubble.Properties): StatusInput {
  return {
    expiresAt: dateMs(p.expires_at),
    status: text(p.status),
    refreshExpiresAt: dateMs(p.refresh_expires_at),
    warnBeforeS: numberOr(p.warn_before, 300),
    warnReconnectDays: numberOr(p.warn_reconnect_days, 14),
  };
}

/** One tick: states that changed are published, events fired once per crossing, the badge redrawn. */
export function tick(instance: Instance, nowMs = Date.now()): void {
  const d = data(instance);
  if (!d.props) return;
  const input = inputOf(d.props);
  const view = viewOf(input, nowMs);
  const { events, marks } = eventsOf(view, input, d.marks ?? {});
  d.marks = marks;
  const published = (d.published ??= {});
  for (const [name, value] of Object.entries(view)) {
    if (name === 'tone' || published[name] === value) continue;
    published[name] = value;
    instance.publishState(name, value);
  }
  draw(instance, view, d.props);
  for (const e of events) instance.triggerEvent(e);
}

/** Ticks every second while the page is visible, and at once when it becomes visible again. */
export function startTimer(instance: Instance): void {
  const d = data(instance);
  if (d.timer !== undefined) return;
  d.timer = setInterval(() => {
    if (!document.hidden) tick(instance);
  }, TICK_MS);
  d.onVisible = () => {
    if (!document.hidden) tick(instance);
  };
  document.addEventListener('visibilitychange', d.onVisible);
}

export function stopTimer(instance: Instance): void {
  const d = data(instance);
  if (d.timer !== undefined) clearInterval(d.timer);
  if (d.onVisible) document.removeEventListener('visibilitychange', d.onVisible);
  d.timer = undefined;
  d.onVisible = undefined;
}

/**
 * The badge: a coloured dot (decoration only) and the status in words, with role=status so screen readers hear
 * changes; its accessible name carries the label and the scope. Text only, never HTML from properties.
 */
export function draw(instance: Instance, view: StatusView, p: Bubble.Properties): void {
  const root = (instance.canvas as unknown as HTMLElement[])[0];
  if (!root) return;
  let badge = root.querySelector<HTMLElement>('[data-connection-status]');
  if (!badge) {
    badge = document.createElement('span');
    badge.setAttribute('data-connection-status', '');
    badge.setAttribute('role', 'status');
    badge.setAttribute('aria-live', 'polite');
    badge.style.cssText = 'display:inline-flex;align-items:center;gap:.4em;font:inherit;white-space:nowrap';
    const dot = document.createElement('span');
    dot.setAttribute('aria-hidden', 'true');
    dot.style.cssText = 'width:.7em;height:.7em;border-radius:50%;flex:none';
    badge.append(dot, document.createElement('span'));
    root.append(badge);
  }
  const label = text(p.label);
  const words = label ? `${label}: ${view.status_label}` : view.status_label;
  const scope = text(p.scope);
  badge.setAttribute('aria-label', `Connection status: ${words}${scope ? `. Scope: ${scope}` : ''}`);
  badge.title = scope ? `Scope: ${scope}` : '';
  badge.dataset.tone = view.tone;
  badge.style.display = p.show_badge === false ? 'none' : 'inline-flex';
  const [dot, caption] = [badge.children[0] as HTMLElement, badge.children[1] as HTMLElement];
  // the builder's colour for this tone (CSSOM ignores an invalid value), else ours
  dot.style.background = (view.tone === 'off' ? null : text(p[`${view.tone}_color`])) ?? DEFAULT_COLORS[view.tone];
  caption.textContent = words;
}
