/** preview.js: the editor draws the badge as a connected account would show it (no clock, no states, no events). */
import { viewOf } from '../../src/status/connection-status.ts';
import { draw, inputOf } from './element.ts';

const preview: Bubble.ElementPreview = (instance, properties) => {
  const now = Date.now();
  const input = inputOf(properties);
  draw(instance, viewOf({ ...input, expiresAt: input.expiresAt ?? now + 3_600_000 }, now), properties);
};
export default preview;
