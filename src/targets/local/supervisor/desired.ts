/**
 * desired.json: the specs the client wants running. Written atomically with mode 0600 (the
 * environments hold credentials), validated with the same rules on both sides.
 */
import { mkdirSync, readFileSync, renameSync, writeFileSync } from 'node:fs';
import { z } from 'zod';
import { COMPONENT_ORDER, type ProcessSpec } from '../process-spec.js';
import { startLevels } from './order.js';
import { supervisorPaths } from './paths.js';

const NAME = /^[a-z0-9][a-z0-9-]*$/;

const processSpecSchema = z.object({
  name: z.string().regex(NAME, 'lower-case letters, digits and dashes'),
  component: z.enum(COMPONENT_ORDER as [string, ...string[]]),
  version: z.string(),
  command: z.string().min(1),
  args: z.array(z.string()),
  env: z.record(z.string(), z.string()),
  cwd: z.string().optional(),
  ports: z.array(z.number().int().min(0).max(65535)),
  health: z.object({
    url: z.string().url(),
    expectStatus: z.number().int().optional(),
  }),
  dependsOn: z.array(z.string()),
  stopTimeoutMs: z.number().int().positive().optional(),
  startTimeoutMs: z.number().int().positive().optional(),
});

const desiredFileSchema = z.object({
  version: z.literal(1),
  processes: z.array(processSpecSchema),
});

export class DesiredSpecError extends Error {
  constructor(message: string) {
    super(message);
    this.name = 'DesiredSpecError';
  }
}

/** Checks fields and the dependency graph; returns the specs or throws DesiredSpecError. */
export function validateSpecs(input: unknown, source: string): ProcessSpec[] {
  const parsed = desiredFileSchema.safeParse(input);
  if (!parsed.success) {
    const issue = parsed.error.issues[0];
    const where = issue ? issue.path.join('.') : '';
    throw new DesiredSpecError(
      `${source}: ${where ? `${where}: ` : ''}${issue?.message ?? 'invalid'}`,
    );
  }
  // The schema checked `component` against COMPONENT_ORDER; zod types it as string.
  const specs = parsed.data.processes as ProcessSpec[];
  try {
    startLevels(specs);
  } catch (err) {
    throw new DesiredSpecError(`${source}: ${(err as Error).message}`);
  }
  return specs;
}

export function writeDesiredSpecs(stateDir: string, specs: readonly ProcessSpec[]): void {
  const paths = supervisorPaths(stateDir);
  const doc = { version: 1, processes: specs };
  validateSpecs(doc, 'desired processes');
  mkdirSync(paths.runDir, { recursive: true, mode: 0o700 });
  const tmp = `${paths.desired}.${process.pid}.tmp`;
  writeFileSync(tmp, `${JSON.stringify(doc, null, 2)}\n`, { mode: 0o600 });
  renameSync(tmp, paths.desired);
}

/** The desired specs; none when the file does not exist yet. */
export function readDesiredSpecs(stateDir: string): ProcessSpec[] {
  const file = supervisorPaths(stateDir).desired;
  let text: string;
  try {
    text = readFileSync(file, 'utf8');
  } catch (err) {
    if ((err as NodeJS.ErrnoException).code === 'ENOENT') return [];
    throw err;
  }
  let json: unknown;
  try {
    json = JSON.parse(text);
  } catch (err) {
    throw new DesiredSpecError(`${file}: not valid JSON (${(err as Error).message})`);
  }
  return validateSpecs(json, file);
}
