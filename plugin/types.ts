/** Typed Bubble manifest data; build.mjs turns it into meta_data.json, shared_tech_params.json, params.json. */
export type ValueType = 'text' | 'number' | 'boolean' | 'date';
export type Editor = 'DynamicValue' | 'StaticText' | 'StaticNumber' | 'Checkbox' | 'Dropdown' | 'key_value_list' | 'Color';

export interface FieldDef {
  /** pinned Bubble field name = property name (DESIGN §5) */
  name: string;
  caption: string;
  editor: Editor;
  value?: ValueType;
  optional?: boolean;
  default_val?: string | number | boolean;
  /** Dropdown choices */
  options?: string[];
  /** a list of values (Bubble's `is_list`) */
  is_list?: boolean;
  /** a multi-line text box in the editor */
  long_text?: boolean;
  /** the tooltip shown in the Bubble editor: every field has one */
  doc: string;
}

export interface OutputDef {
  name: string;
  caption: string;
  value: ValueType;
  /** a list of values (Bubble's `is_list`) */
  is_list?: boolean;
  /** for our docs only: Bubble's return_value has no tooltip */
  doc: string;
}

export interface ActionDef {
  /** Bubble ID: lower snake case, unique plugin-wide, stable across builds */
  id: string;
  /** source folder under actions/ */
  folder: string;
  display: string;
  category: 'plugins';
  /** one-paragraph description for the README */
  doc: string;
  fields: FieldDef[];
  outputs: OutputDef[];
}

/** An element state (Bubble `states`): published by the element, read by the page. */
export interface StateDef {
  name: string;
  caption: string;
  value: ValueType;
  /** the state's value before the element first publishes it (its initialization code returns it) */
  initial: string | number | boolean | null;
  doc: string;
}

/** An element event (Bubble `events`): a workflow trigger. */
export interface EventDef {
  name: string;
  caption: string;
  doc: string;
}

/** A visual element; its code is elements/<folder>/{initialize,update,preview,reset}.ts, built for browsers. */
export interface ElementDef {
  id: string;
  folder: string;
  display: string;
  icon: string;
  default_dim: { width: number; height: number };
  doc: string;
  fields: FieldDef[];
  states: StateDef[];
  events: EventDef[];
}

export interface KeyDef {
  id: string;
  caption: string;
  type: 'secure' | 'client_safe';
  doc: string;
}

export interface PluginMeta {
  name: string;
  description: string;
  plugin_instructions: string;
  link: string;
  demo_page: string;
  image: string;
  license: 'open_source' | 'private';
  categories: string[];
  sa_node_version: 18;
  plugin_api_version: '4';
}

export interface Manifest {
  meta: PluginMeta;
  keys: KeyDef[];
  actions: ActionDef[];
  elements: ElementDef[];
  /**
   * Built into dist/staged/ with every check but the size budget, tested through the harness like shipped actions,
   * and not part of the plugin Bubble gets (docs/NOTES.md says why each is held back).
   */
  staged: ActionDef[];
}
