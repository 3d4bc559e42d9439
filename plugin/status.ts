import type { FieldDef, OutputDef } from './types.ts';

/** Status outputs every action returns, so workflows branch instead of failing (DESIGN §5). */
export const STATUS_OUTPUTS: OutputDef[] = [
  { name: 'status', caption: 'Status', value: 'text', doc: 'ok, reauthorization_required, temporarily_unavailable, misconfigured or rejected.' },
  { name: 'error_code', caption: 'Error code', value: 'text', doc: 'Stable machine code of the failure (empty when ok).' },
  { name: 'error_message', caption: 'Error message', value: 'text', doc: 'What went wrong, for builders; never contains a secret.' },
  { name: 'retry_after', caption: 'Retry after (s)', value: 'number', doc: 'Seconds the provider asked to wait, when it said so (HTTP 429/503).' },
];

export const CONNECTION_FIELD: FieldDef = {
  name: 'connection',
  caption: 'Connection',
  editor: 'DynamicValue',
  value: 'text',
  optional: true,
  default_val: 'default',
  doc: 'Connection name: "default" (the simple keys) or a name from the Connections key.',
};

export const SUB_FIELD: FieldDef = {
  name: 'sub',
  caption: 'Bound to (sub)',
  editor: 'DynamicValue',
  value: 'text',
  optional: true,
  doc: "Optional binding, e.g. Current User's unique id: the grant then opens only for the same value.",
};

/** Every action that returns a grant also returns when its refresh token ends (DESIGN §5). */
export const REFRESH_EXPIRES_OUTPUT: OutputDef = {
  name: 'refresh_expires_at',
  caption: 'Refresh token expires at',
  value: 'date',
  doc: 'When the refresh token itself ends, when known (the provider says so, or its documentation fixes it): ask the user to reconnect before then.',
};

/** Every action that refreshes says how the refresh was coordinated across Bubble's servers (DESIGN §5b). */
export const COORDINATION_OUTPUT: OutputDef = {
  name: 'coordination',
  caption: 'Coordination',
  value: 'text',
  doc: 'shared: refreshes are coordinated across all your app\'s servers (lock store); local: per server (no lock store set); local_fallback: a lock store is set but did not answer, so this call coordinated per server.',
};
