/**
 * Typed errors with stable codes. Every failure the workflow can act on is a PluginError carrying the
 * Bubble `status` it maps to; messages are written for builders and never carry a secret value.
 */
export type Status = 'ok' | 'reauthorization_required' | 'temporarily_unavailable' | 'misconfigured' | 'rejected';

export class PluginError extends Error {
  override readonly name: string = 'PluginError';
  constructor(
    readonly status: Exclude<Status, 'ok'>,
    readonly code: string,
    message: string,
    /** seconds the provider asked us to wait (429 / 503 Retry-After) */
    readonly retryAfter?: number,
  ) {
    super(message);
  }
}

/** A connection setting or plugin key is missing or wrong: names the field, never its value. */
export class ConfigError extends PluginError {
  override readonly name = 'ConfigError';
  constructor(code: string, message: string) {
    super('misconfigured', code, message);
  }
}

/** A sealed grant or sealed state that cannot be opened or does not belong to this call. */
export class GrantError extends PluginError {
  override readonly name = 'GrantError';
}

/** The token endpoint or the network failed; the caller keeps what it had. */
export class ProviderError extends PluginError {
  override readonly name = 'ProviderError';
}

/** The caller's input is refused (bad field value, binding mismatch, disallowed target). */
export class InputError extends PluginError {
  override readonly name = 'InputError';
  constructor(code: string, message: string) {
    super('rejected', code, message);
  }
}
