/** Fixtures for the unit tests of the ops workflows (in-memory targets). */
import type { Progress } from '../../src/lib/index.js';
import { parseValues } from '../../src/platform/config/index.js';

/** A fixed time for releases made by the fixtures. */
export const AT = '2026-11-24T00:00:00.000Z';

/** env/local's defaults. */
export const localValues = parseValues('local', [
  { file: 'env/local/helm-values.yaml', text: 'global:\n  target: local\n' },
]);

/** Progress that shows nothing. */
export const quiet: Progress = {
  step: () => ({ update() {}, done() {}, info() {}, warn() {}, fail() {} }),
  line() {},
};
