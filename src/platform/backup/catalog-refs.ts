import { copyFile, mkdtemp, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { openCatalogStore, type CatalogStore } from '../../catalog/store/index.js';
import type { TableCheck } from '../../ops/backup/index.js';

/** The catalog process is started with one bare `--warehouse` location, which it names so. */
const WAREHOUSE = 'default';

async function allPages<T>(
  fetch: (token: string | undefined) => Promise<{ items: T[]; nextPageToken: string | null }>,
): Promise<T[]> {
  const out: T[] = [];
  let token: string | undefined;
  do {
    const page = await fetch(token);
    out.push(...page.items);
    token = page.nextPageToken ?? undefined;
  } while (token);
  return out;
}

async function tablesOf(store: CatalogStore): Promise<TableCheck[]> {
  const namespaces: string[][] = [];
  const visit = async (parent: string[] | undefined) => {
    const children = await allPages((t) =>
      store.listNamespaces(WAREHOUSE, parent, t === undefined ? {} : { pageToken: t }),
    );
    for (const ns of children) {
      namespaces.push(ns);
      await visit(ns);
    }
  };
  await visit(undefined);
  const tables: TableCheck[] = [];
  for (const ns of namespaces) {
    const names = await allPages((t) =>
      store.listObjects(WAREHOUSE, 'table', ns, t === undefined ? {} : { pageToken: t }),
    );
    for (const name of names) {
      const record = await store.getObject(WAREHOUSE, 'table', ns, name);
      if (!record) continue;
      const metadata = JSON.parse(record.metadataJson) as {
        snapshots?: Array<{ 'manifest-list'?: string }>;
      };
      const lists = (metadata.snapshots ?? [])
        .map((s) => s['manifest-list'])
        .filter((l): l is string => typeof l === 'string');
      tables.push({
        namespace: ns,
        name,
        metadataLocation: record.metadataLocation,
        requiredFiles: [record.metadataLocation, ...lists],
      });
    }
  }
  return tables;
}

/**
 * Every table in a catalog database snapshot with the files it needs (its metadata file and
 * each snapshot's manifest list), read through the catalog's store on a throw-away copy, so the
 * snapshot in the backup is never opened for writing.
 */
export async function tablesInSnapshot(snapshotFile: string): Promise<TableCheck[]> {
  const dir = await mkdtemp(join(tmpdir(), 'lakehouse-catalog-snapshot-'));
  try {
    const copy = join(dir, 'catalog.db');
    await copyFile(snapshotFile, copy);
    const store = await openCatalogStore(`sqlite:${copy}`);
    try {
      return await tablesOf(store);
    } finally {
      await store.close();
    }
  } finally {
    await rm(dir, { recursive: true, force: true });
  }
}
