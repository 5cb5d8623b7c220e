/**
 * planFiles over real Avro manifest lists and manifests (written with avsc in Iceberg's shapes),
 * read through an in-memory FileIO: 1,000 data files in 100 manifests, partition and metrics
 * pruning, delete files attached by partition and sequence number, incremental appends.
 */
import { describe, expect, it } from 'vitest';
import { planFiles, prepareScan, readManifests } from '../../../../src/catalog/scan/index.js';
import { fixture, snapshotId, type Fixture } from './fixtures.js';

async function plan(fx: Fixture, request: Record<string, unknown>) {
  const reads: string[] = [];
  const io = {
    readBytes: async (location: string) => {
      reads.push(location);
      const bytes = fx.files.get(location);
      if (!bytes) throw new Error(`no such file ${location}`);
      return bytes;
    },
  };
  const prepared = prepareScan(fx.metadata, request);
  const manifests = await readManifests(io, prepared);
  const result = await planFiles(io, prepared, manifests, { concurrency: 8 });
  return { ...result, reads };
}

describe('planFiles', () => {
  it('plans 1,000 files in 100 manifests, pruning by partition summaries and metrics', async () => {
    const fx = await fixture();
    const all = await plan(fx, {});
    expect(all.tasks).toHaveLength(1000);
    expect(all.reads).toHaveLength(102); // the list, 100 data manifests, the delete manifest

    const c3 = await plan(fx, { filter: { type: 'eq', term: 'category', value: 'c3' } });
    expect(c3.tasks).toHaveLength(100);
    expect(c3.reads).toHaveLength(12); // the list, 10 data manifests, the delete manifest
    expect(new Set(c3.tasks.map((t) => t.file.partition['category']))).toEqual(new Set(['c3']));

    const ids = await plan(fx, {
      filter: {
        type: 'and',
        left: { type: 'gt-eq', term: 'id', value: 1234 },
        right: { type: 'lt', term: 'id', value: 1250 },
      },
    });
    expect(ids.tasks.map((t) => t.file.file_path).sort()).toEqual([
      's3://b/t/data/m12-f3.parquet',
      's3://b/t/data/m12-f4.parquet',
    ]);
  });

  it('attaches delete files by partition and sequence number', async () => {
    const fx = await fixture();
    const { tasks, deletes } = await plan(fx, {
      filter: { type: 'in', term: 'category', values: ['c3', 'c4', 'c5'] },
    });
    const deletePaths = (t: (typeof tasks)[number]) =>
      t.deletes.map((i) => deletes[i]!.file.file_path);
    for (const t of tasks) {
      const m = Number(/m(\d+)-/.exec(t.file.file_path)![1]);
      const seq = m + 1;
      const category = t.file.partition['category'];
      const expected =
        category === 'c3' && seq <= 50
          ? ['s3://b/t/data/pos-c3.parquet'] // position deletes: data seq <= 50
          : category === 'c4' && seq < 50
            ? ['s3://b/t/data/eq-c4.parquet'] // equality deletes: data seq < 50
            : [];
      expect(deletePaths(t), t.file.file_path).toEqual(expected);
      expect(t.seq).toBe(seq);
    }
  });

  it('plans an incremental append scan: files added after start up to end', async () => {
    const fx = await fixture();
    const { tasks } = await plan(fx, {
      'start-snapshot-id': snapshotId(10),
      'end-snapshot-id': snapshotId(13),
    });
    const manifestsOf = new Set(tasks.map((t) => /m(\d+)-/.exec(t.file.file_path)![1]));
    expect(manifestsOf).toEqual(new Set(['11', '12', '13']));
    expect(tasks.every((t) => t.deletes.length === 0)).toBe(true);
  });

  it('refuses a start snapshot that is not an ancestor of the end', async () => {
    const fx = await fixture();
    await expect(
      plan(fx, { 'start-snapshot-id': snapshotId(13), 'end-snapshot-id': snapshotId(10) }),
    ).rejects.toThrow(/not an ancestor/);
  });

  it('stops reading manifests once aborted', async () => {
    const fx = await fixture();
    const prepared = prepareScan(fx.metadata, {});
    const controller = new AbortController();
    let reads = 0;
    const io = {
      readBytes: async (location: string) => {
        if (++reads === 5) controller.abort(new Error('cancelled'));
        return fx.files.get(location)!;
      },
    };
    const manifests = await readManifests(io, prepared);
    await expect(
      planFiles(io, prepared, manifests, { concurrency: 2, signal: controller.signal }),
    ).rejects.toThrow('cancelled');
    expect(reads).toBeLessThan(10);
  });
});
