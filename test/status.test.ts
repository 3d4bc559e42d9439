/** src/status: what the element shows for each combination of saved values (the browser suite runs the built files). */
import { describe, expect, it } from 'vitest';
import { eventsOf, viewOf, type StatusInput } from '../src/status/connection-status.ts';

const NOW = Date.UTC(2026, 11, 6);
const base: StatusInput = { expiresAt: NOW + 3_600_000, status: 'ok', refreshExpiresAt: null, warnBeforeS: 300, warnReconnectDays: 14 };

describe('viewOf', () => {
  it.each([
    ['no grant', { expiresAt: null }, { is_connected: false, status_label: 'Not connected', tone: 'off', expires_in_seconds: null }],
    ['connected', {}, { is_connected: true, status_label: 'Connected', tone: 'ok', expires_in_seconds: 3600 }],
    ['2 h left', { expiresAt: NOW + 7_300_000, warnBeforeS: 8000 }, { needs_refresh: true, status_label: 'Expires in 2 h' }],
    ['misconfigured', { status: 'misconfigured' }, { is_connected: true, status_label: 'Misconfigured', tone: 'error' }],
    ['provider down', { status: 'temporarily_unavailable' }, { status_label: 'Service unavailable', tone: 'warn' }],
    ['reauthorization', { status: 'reauthorization_required' }, { is_connected: false, needs_refresh: false, status_label: 'Reconnect needed', tone: 'error' }],
    ['refresh token ended', { refreshExpiresAt: NOW - 1 }, { is_connected: false, status_label: 'Reconnect needed', reconnect_in_days: 0 }],
    ['expired access token', { expiresAt: NOW - 5000 }, { is_connected: true, is_expired: true, expires_in_seconds: 0, needs_refresh: true, status_label: 'Expired: refresh needed' }],
    ['one day to reconnect', { refreshExpiresAt: NOW + 3_600_000 * 20 }, { reconnect_in_days: 1, status_label: 'Reconnect within 1 day' }],
  ] as const)('%s', (_n, over, expected) => {
    expect(viewOf({ ...base, ...over }, NOW)).toMatchObject(expected);
  });
});

describe('eventsOf', () => {
  const step = (input: StatusInput, marks = {}) => eventsOf(viewOf(input, NOW), input, marks);
  it('first sight inside the warn line fires expiring_soon; first sight past expiry fires expired only', () => {
    expect(step({ ...base, expiresAt: NOW + 100_000 }).events).toEqual(['expiring_soon']);
    expect(step({ ...base, expiresAt: NOW - 1000 }).events).toEqual(['expired']);
  });
  it('crossing from above into expiry in one tick (a hidden page) fires both', () => {
    expect(step({ ...base, expiresAt: NOW - 1000 }, { below: false, expired: false }).events).toEqual(['expiring_soon', 'expired']);
  });
  it('nothing again while inside; status_changed only against a known previous status', () => {
    const { marks } = step({ ...base, expiresAt: NOW + 100_000 });
    expect(step({ ...base, expiresAt: NOW + 99_000 }, marks).events).toEqual([]);
    expect(step({ ...base, status: null }, { status: undefined }).events).toEqual([]);
    expect(step({ ...base, status: 'misconfigured' }, { status: 'ok' }).events).toEqual(['status_changed']);
  });
});
