import type { ElementDef } from '../types.ts';

/** DESIGN §6, plus refresh_expires_at / warn_reconnect_days / reconnect_in_days / reconnect_soon (issue #16). */
export const CONNECTION_STATUS: ElementDef = {
  id: 'connection_status',
  folder: 'connection-status',
  display: 'Connection status (Secure API)',
  icon: 'ion-ios-locked',
  default_dim: { width: 240, height: 32 },
  doc: 'Shows whether a user\'s connection works, from values your app already saved (no grant, no key, no network): a badge, states such as "needs refresh", and events to run a workflow when the token is about to expire, has expired, the status changed, or the user should reconnect before the refresh token ends.',
  fields: [
    { name: 'expires_at', caption: 'Expires at', editor: 'DynamicValue', value: 'date', optional: true, doc: 'The saved "Expires at" of the grant (from Complete authorization or Refresh token); empty = not connected.' },
    { name: 'status', caption: 'Status', editor: 'DynamicValue', value: 'text', optional: true, doc: 'The "Status" of the last action you ran for this connection (ok, reauthorization_required, …).' },
    { name: 'refresh_expires_at', caption: 'Refresh expires at', editor: 'DynamicValue', value: 'date', optional: true, doc: 'The saved "Refresh expires at": when the user must sign in again at the latest.' },
    { name: 'scope', caption: 'Scope', editor: 'DynamicValue', value: 'text', optional: true, doc: 'The saved "Scope", shown as the badge\'s tooltip and read to screen readers.' },
    { name: 'label', caption: 'Label', editor: 'DynamicValue', value: 'text', optional: true, doc: 'Shown before the status, e.g. "Google Calendar".' },
    { name: 'warn_before', caption: 'Warn before (s)', editor: 'DynamicValue', value: 'number', optional: true, default_val: 300, doc: 'Seconds before expiry from which "Needs refresh" is yes and "Expiring soon" fires (once).' },
    { name: 'warn_reconnect_days', caption: 'Warn reconnect (days)', editor: 'DynamicValue', value: 'number', optional: true, default_val: 14, doc: 'Days before "Refresh expires at" from which "Reconnect soon" fires (once).' },
    { name: 'show_badge', caption: 'Show badge', editor: 'Checkbox', default_val: true, doc: 'Draw the badge; off keeps the states and events only.' },
    { name: 'ok_color', caption: 'Connected colour', editor: 'Color', optional: true, doc: 'Dot colour when connected (the words say it too).' },
    { name: 'warn_color', caption: 'Warning colour', editor: 'Color', optional: true, doc: 'Dot colour when expiring, expired, unavailable or reconnect soon.' },
    { name: 'error_color', caption: 'Error colour', editor: 'Color', optional: true, doc: 'Dot colour when the user must reconnect or the connection is misconfigured.' },
  ],
  states: [
    { name: 'is_connected', caption: 'Is connected', value: 'boolean', initial: false, doc: 'yes while a grant is saved and no reconnect is needed (an expired access token still counts: Refresh token fixes it).' },
    { name: 'is_expired', caption: 'Is expired', value: 'boolean', initial: false, doc: 'yes once the access token\'s expiry has passed.' },
    { name: 'expires_in_seconds', caption: 'Expires in (s)', value: 'number', initial: null, doc: 'Seconds until the access token expires (0 once expired; empty when not connected).' },
    { name: 'needs_refresh', caption: 'Needs refresh', value: 'boolean', initial: false, doc: 'yes when the token expires within "Warn before": run Refresh token.' },
    { name: 'status_label', caption: 'Status label', value: 'text', initial: 'Not connected', doc: 'The badge\'s words: Connected, Expires in 4 min, Expired: refresh needed, Reconnect needed, …' },
    { name: 'reconnect_in_days', caption: 'Reconnect in (days)', value: 'number', initial: null, doc: 'Days until "Refresh expires at" (empty when unknown).' },
  ],
  events: [
    { name: 'expiring_soon', caption: 'Expiring soon', doc: 'The token crossed the "Warn before" line (once per crossing): a good moment for Refresh token.' },
    { name: 'expired', caption: 'Expired', doc: 'The access token\'s expiry passed (once).' },
    { name: 'status_changed', caption: 'Status changed', doc: 'The Status input changed.' },
    { name: 'reconnect_soon', caption: 'Reconnect soon', doc: 'The refresh token ends within "Warn reconnect (days)" (once): ask the user to connect again.' },
  ],
};
