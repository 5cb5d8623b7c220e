import { z } from 'zod';

/**
 * A backup's manifest: what it holds, where it came from, and a size and SHA-256 per file, so a
 * backup can be proven whole before it is called good and before anything is restored from it.
 * Pure: building and checking work on file lists; reading the files is `files.ts`'s job.
 */

export const MANIFEST_FILE = 'manifest.json';
export const MANIFEST_FORMAT = 'lakehouse-backup';
export const MANIFEST_VERSION = 1;

/** Where each part lives inside a backup directory. */
export const BACKUP_PATHS = {
  catalog: 'catalog',
  workflows: 'airflow',
  objects: 'objects',
  config: 'config',
  secrets: 'secrets',
} as const;

const fileEntry = z.object({
  path: z.string().min(1),
  size: z.number().int().min(0),
  sha256: z.string().regex(/^[0-9a-f]{64}$/),
});

export type FileEntry = z.infer<typeof fileEntry>;

const manifestSchema = z.object({
  format: z.literal(MANIFEST_FORMAT),
  formatVersion: z.literal(MANIFEST_VERSION),
  createdAt: z.string(),
  source: z.object({
    env: z.string(),
    target: z.string(),
    bucket: z.string(),
    warehouse: z.string(),
    catalogDatabase: z.enum(['sqlite', 'postgres']),
  }),
  /** Component versions of the platform the backup was taken from. */
  versions: z.record(z.string(), z.string()),
  contents: z.object({
    catalog: z.object({ path: z.string(), format: z.enum(['sqlite']) }),
    /** Airflow's metadata database (run history, connections, variables), when it ran. */
    workflows: z.object({ path: z.string(), format: z.enum(['sqlite']) }).optional(),
    objects: z.object({ prefix: z.string(), count: z.number().int(), bytes: z.number().int() }),
    config: z.object({ paths: z.array(z.string()) }),
    secrets: z.object({ path: z.string(), encrypted: z.boolean() }),
  }),
  totals: z.object({ files: z.number().int(), bytes: z.number().int() }),
  files: z.array(fileEntry),
});

export type BackupManifest = z.infer<typeof manifestSchema>;

export type ManifestInput = Omit<BackupManifest, 'format' | 'formatVersion' | 'totals' | 'files'>;

/** The manifest for these files, sorted by path so equal backups give equal manifests. */
export function buildManifest(input: ManifestInput, files: readonly FileEntry[]): BackupManifest {
  const sorted = [...files].sort((a, b) => (a.path < b.path ? -1 : a.path > b.path ? 1 : 0));
  const seen = new Set<string>();
  for (const f of sorted) {
    if (f.path === MANIFEST_FILE) throw new Error(`${MANIFEST_FILE} cannot list itself`);
    if (seen.has(f.path)) throw new Error(`file listed twice in a backup: ${f.path}`);
    seen.add(f.path);
  }
  return {
    format: MANIFEST_FORMAT,
    formatVersion: MANIFEST_VERSION,
    ...input,
    totals: { files: sorted.length, bytes: sorted.reduce((sum, f) => sum + f.size, 0) },
    files: sorted,
  };
}

/** Parses a manifest's text; the error says what is wrong with it. */
export function parseManifest(text: string): BackupManifest {
  let data: unknown;
  try {
    data = JSON.parse(text);
  } catch (err) {
    throw new Error(`${MANIFEST_FILE} is not JSON: ${(err as Error).message}`);
  }
  const format = (data as { format?: unknown } | null)?.format;
  const version = (data as { formatVersion?: unknown } | null)?.formatVersion;
  if (format === MANIFEST_FORMAT && version !== MANIFEST_VERSION) {
    throw new Error(
      `${MANIFEST_FILE} has format version ${String(version)}; this lakehouse reads version ${MANIFEST_VERSION}`,
    );
  }
  const parsed = manifestSchema.safeParse(data);
  if (!parsed.success) {
    const first = parsed.error.issues[0];
    const where = first ? `${first.path.join('.') || '(top level)'}: ${first.message}` : '';
    throw new Error(`${MANIFEST_FILE} is not a lakehouse backup manifest (${where})`);
  }
  return parsed.data;
}

export type ProblemKind = 'missing' | 'extra' | 'size' | 'checksum';

export interface ManifestProblem {
  path: string;
  kind: ProblemKind;
  message: string;
}

/**
 * Compares what the manifest promises with what is on disk (`actual`: every file of the backup
 * directory except the manifest, with its size and SHA-256). Each missing, extra, resized or
 * altered file is one problem naming it; an empty list means the backup is whole.
 */
export function verifyManifest(
  manifest: Pick<BackupManifest, 'files'>,
  actual: readonly FileEntry[],
): ManifestProblem[] {
  const problems: ManifestProblem[] = [];
  const found = new Map(actual.map((f) => [f.path, f]));
  const expected = new Set<string>();
  for (const want of manifest.files) {
    expected.add(want.path);
    const have = found.get(want.path);
    if (!have) {
      problems.push({ path: want.path, kind: 'missing', message: `${want.path}: missing` });
    } else if (have.size !== want.size) {
      problems.push({
        path: want.path,
        kind: 'size',
        message: `${want.path}: size is ${have.size} bytes, the manifest says ${want.size}`,
      });
    } else if (have.sha256 !== want.sha256) {
      problems.push({
        path: want.path,
        kind: 'checksum',
        message: `${want.path}: SHA-256 ${have.sha256.slice(0, 12)}… differs from the manifest's ${want.sha256.slice(0, 12)}…`,
      });
    }
  }
  for (const have of actual) {
    if (!expected.has(have.path)) {
      problems.push({
        path: have.path,
        kind: 'extra',
        message: `${have.path}: not in the manifest`,
      });
    }
  }
  return problems;
}

/**
 * The backup path of an object key, refusing keys that would not map to a file safely (`..`,
 * empty or `.` segments, a leading or trailing `/`).
 */
export function objectPath(key: string): string {
  const parts = key.split('/');
  if (key.length === 0 || parts.some((p) => p === '' || p === '.' || p === '..')) {
    throw new Error(
      `object key ${JSON.stringify(key)} cannot be stored as a file (empty, "." or ".." path segment)`,
    );
  }
  return `${BACKUP_PATHS.objects}/${key}`;
}

/** The object key a backup path under `objects/` stands for. */
export function objectKeyOf(path: string): string | undefined {
  const prefix = `${BACKUP_PATHS.objects}/`;
  return path.startsWith(prefix) ? path.slice(prefix.length) : undefined;
}
