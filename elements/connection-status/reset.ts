/** reset.js: stops the clock and forgets which events fired; the next update starts afresh. */
import { stopTimer } from './element.ts';

const reset: Bubble.ElementReset = (instance) => {
  stopTimer(instance);
  instance.data.marks = {};
  instance.data.published = {};
};
export default reset;
