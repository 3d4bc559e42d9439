/** update.js: Bubble calls it whenever a bound value changes; the element re-reads everything and ticks at once. */
import { startTimer, tick } from './element.ts';

const update: Bubble.ElementUpdate = (instance, properties) => {
  instance.data.props = properties;
  tick(instance);
  startTimer(instance);
};
export default update;
