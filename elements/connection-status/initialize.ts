/** initialize.js: per-instance memory; the first update draws and starts the clock. */
const initialize: Bubble.ElementInitialize = (instance) => {
  instance.data.marks = {};
  instance.data.published = {};
};
export default initialize;
