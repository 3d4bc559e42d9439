import { STATUS_OUTPUTS } from '../status.ts';
import type { ActionDef } from '../types.ts';

export const REVIEW_CONFIGURATION: ActionDef = {
  id: 'review_configuration',
  folder: 'review-configuration',
  display: 'Review configuration (Secure API)',
  category: 'plugins',
  doc: 'Reads the plugin keys and reports what they allow and what to tidy — hosts, modes, scopes, plain http, unrestricted methods or paths, a credential shared by two connections, a client secret where a private key would do, a previous sealing key still set, settings a mode ignores, and (with a lock store) connections unused for 90 days — without showing any value. Run it monthly in a scheduled backend workflow and email the report.',
  fields: [],
  outputs: [
    { name: 'findings', caption: 'Findings', value: 'text', is_list: true, doc: 'One line per finding: "severity code: message" (error, warning or info), worst first.' },
    { name: 'report', caption: 'Report', value: 'text', doc: 'The findings as a plain-text report, ready to email.' },
    { name: 'warnings', caption: 'Warnings', value: 'number', doc: 'How many findings are errors or warnings (0 = nothing to do).' },
    ...STATUS_OUTPUTS,
  ],
};
