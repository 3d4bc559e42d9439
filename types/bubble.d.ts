/**
 * Bubble plugin API (v4) types, our own: the product card's `@bubble-dev/plugin-types-free-shim` is not
 * published on npm. Covers what this plugin uses; shapes follow ../shared/BUBBLE_FORMAT.md §5–6.
 */
declare namespace Bubble {
  /** v4 server-side thing wrapper: reads are async. */
  interface Thing {
    get(field: string): Promise<unknown>;
    listProperties(): string[];
  }
  /** v4 server-side list wrapper: `length()` and `get()` return promises. */
  interface List<T> {
    length(): Promise<number>;
    get(start: number, length: number): Promise<T[]>;
  }
  /** `context.keys`: plugin keys keyed by caption. Secure keys only ever reach server code. */
  type Keys = Readonly<Record<string, string | null | undefined>>;

  interface ServerContext {
    keys: Keys;
    currentUser: Thing | null;
    getThingById(id: string): Promise<Thing | null>;
    getThingsById(ids: string[]): Promise<Thing[]>;
    /** Plugin API v3 helpers kept for migration (Fibers-era request/async). Unused here. */
    v3?: Record<string, unknown>;
  }

  /** Property values Bubble passes to actions: dates as Date, empty optional fields as null. */
  type PropertyValue = string | number | boolean | Date | null | undefined | List<unknown> | Thing;
  type Properties = Readonly<Record<string, PropertyValue>>;
  /** Outputs: keyed by return_value name. */
  type Outputs = Record<string, string | number | boolean | Date | null | (string | null)[]>;

  /** A server-side action: the whole server.js is one such function expression. */
  type ServerAction = (properties: Properties, context: ServerContext) => Promise<Outputs>;

  /** Element runtime (client side). */
  interface ElementInstance {
    /** jQuery-wrapped container div */
    canvas: { css(prop: string, value?: string): unknown; append(html: unknown): unknown; empty(): unknown; [k: string]: unknown };
    /** free per-instance storage */
    data: Record<string, unknown>;
    publishState(name: string, value: unknown): void;
    triggerEvent(name: string, callback?: (err?: unknown) => void): void;
  }
  interface ElementContext {
    keys: Keys;
    reportDebugger(message: string): void;
  }
  type ElementInitialize = (instance: ElementInstance, context: ElementContext) => void;
  type ElementUpdate = (instance: ElementInstance, properties: Properties, context: ElementContext) => void;
  type ElementPreview = (instance: ElementInstance, properties: Properties) => void;
  type ElementReset = (instance: ElementInstance, context: ElementContext) => void;
}
