import { COORDINATION_OUTPUT, CONNECTION_FIELD, REFRESH_EXPIRES_OUTPUT, STATUS_OUTPUTS, SUB_FIELD } from '../status.ts';
import type { ActionDef } from '../types.ts';

export const CALL_API: ActionDef = {
  id: 'call_api',
  folder: 'call-api',
  display: 'Call API (Secure API)',
  category: 'plugins',
  doc: 'Makes a signed call from the server to the connection\'s API: base URL (a private key) + Path, signed per the connection\'s mode (OAuth bearer with refresh, client credentials, JWT bearer, API key, HMAC, AWS SigV4, signed JWT, HTTP Message Signatures). An API error is a result ("OK" = no); "Status" says when the call could not be made. When "Grant changed" is yes, save "Sealed grant".',
  fields: [
    CONNECTION_FIELD,
    { name: 'method', caption: 'Method', editor: 'Dropdown', options: ['GET', 'POST', 'PUT', 'PATCH', 'DELETE', 'HEAD'], default_val: 'GET', doc: 'HTTP method; the connection may allow only some (allowed_methods).' },
    { name: 'path', caption: 'Path', editor: 'DynamicValue', value: 'text', doc: 'Path under the API base URL, e.g. /v1/customers?limit=10. The page never learns the host.' },
    { name: 'query', caption: 'Query parameters', editor: 'key_value_list', value: 'text', optional: true, doc: 'Query parameters, added after any in the Path.' },
    { name: 'headers', caption: 'Headers', editor: 'key_value_list', value: 'text', optional: true, doc: 'Extra request headers (no Host, Content-Length or hop-by-hop headers; the plugin sets authentication).' },
    { name: 'body', caption: 'Body', editor: 'DynamicValue', value: 'text', optional: true, long_text: true, doc: 'Request body, as the Body type says.' },
    { name: 'body_type', caption: 'Body type', editor: 'Dropdown', options: ['json', 'form', 'text'], default_val: 'json', doc: 'json (checked), form (a=1&b=2, or a JSON object to encode) or text.' },
    { name: 'sealed_grant', caption: 'Sealed grant', editor: 'DynamicValue', value: 'text', optional: true, doc: 'For OAuth bearer connections: the user\'s stored grant.' },
    { name: 'fields', caption: 'JSON fields', editor: 'DynamicValue', value: 'text', optional: true, is_list: true, doc: 'Dotted paths to read from a JSON response (data.items.0.id); "Fields" returns their values in order.' },
    { name: 'timeout', caption: 'Timeout (s)', editor: 'DynamicValue', value: 'number', optional: true, default_val: 30, doc: 'Total time for the call, retries included (1–120 s).' },
    { name: 'idempotent', caption: 'Safe to repeat', editor: 'Checkbox', default_val: false, doc: 'Let the plugin retry a POST or PATCH after a network error or 5xx (e.g. the API takes an Idempotency-Key).' },
    SUB_FIELD,
  ],
  outputs: [
    { name: 'status_code', caption: 'Status code', value: 'number', doc: 'The API\'s HTTP status.' },
    { name: 'ok', caption: 'OK', value: 'boolean', doc: 'yes for a 2xx answer.' },
    { name: 'body', caption: 'Body', value: 'text', doc: 'The response body as text.' },
    { name: 'fields', caption: 'Fields', value: 'text', is_list: true, doc: 'The values at "JSON fields", in order (empty where absent).' },
    { name: 'headers', caption: 'Headers', value: 'text', is_list: true, doc: 'Allowlisted response headers as "name: value" (content-type, etag, rate limits, request ids; links and locations as paths).' },
    { name: 'sealed_grant', caption: 'Sealed grant', value: 'text', doc: 'The grant, new when it was refreshed for this call.' },
    { name: 'grant_changed', caption: 'Grant changed', value: 'boolean', doc: 'yes when "Sealed grant" is new: save it (even when the call itself failed).' },
    { name: 'refreshed', caption: 'Refreshed', value: 'boolean', doc: 'yes when the call refreshed the grant first.' },
    REFRESH_EXPIRES_OUTPUT,
    COORDINATION_OUTPUT,
    ...STATUS_OUTPUTS,
  ],
};
