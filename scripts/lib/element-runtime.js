// @ts-nocheck -- browser script, loaded inline by scripts/lib/element-page.mjs (the type-check covers Node code)
// A small emulation of Bubble's element runtime (BUBBLE_FORMAT §4, §6), for the demo page and the browser tests.
// It evaluates each built element file's text as one function expression, as Bubble does, and hands it an
// `instance`: `canvas` (a real jQuery object), `data`, `publishState`, `triggerEvent`. What the element publishes
// and fires is kept in `log` and shown in the page. Plain browser script: no module system, no network.
/* global jQuery */
(function () {
  'use strict';
  const evaluate = (text) => (0, eval)(`(${text}\n)`);

  /**
   * @param {HTMLElement} container where the element draws
   * @param {{ initialize: string, update: string, preview: string, reset: string, states: Record<string, string> }} files
   * @param {(entry: { kind: 'state' | 'event', name: string, value?: unknown, at: number }) => void} [onLog]
   */
  function mount(container, files, onLog) {
    const fns = { initialize: evaluate(files.initialize), update: evaluate(files.update), preview: evaluate(files.preview), reset: evaluate(files.reset) };
    const log = { states: {}, events: [], entries: [] };
    const note = (entry) => {
      log.entries.push(entry);
      if (onLog) onLog(entry);
    };
    const context = { keys: {}, reportDebugger: () => undefined };
    // each state starts at what its initialization code returns
    for (const [name, text] of Object.entries(files.states)) log.states[name] = evaluate(text)({}, context);
    const instance = {
      canvas: jQuery(container),
      data: {},
      publishState(name, value) {
        log.states[name] = value;
        note({ kind: 'state', name, value, at: Date.now() });
      },
      triggerEvent(name) {
        log.events.push(name);
        note({ kind: 'event', name, at: Date.now() });
      },
    };
    fns.initialize(instance, context);
    return {
      log,
      instance,
      update: (properties) => fns.update(instance, properties, context),
      reset: () => fns.reset(instance, context),
      preview: (properties) => fns.preview(instance, properties),
    };
  }

  /** Bubble passes dates as Date objects: the page's JSON carries them as ms under these names. */
  const DATE_FIELDS = ['expires_at', 'refresh_expires_at'];
  function properties(values) {
    const out = { ...values };
    for (const k of DATE_FIELDS) if (typeof out[k] === 'number') out[k] = new Date(out[k]);
    return out;
  }

  window.BubbleElementRuntime = { mount, properties };
})();
