/**
 * Planned files as the REST spec's JSON: DataFile, PositionDeleteFile, EqualityDeleteFile and
 * FileScanTask, with partition values and bounds in the spec's single-value JSON form. Column
 * statistics are sent only for the request's `stats-fields`.
 */
import type { Column } from './expression.js';
import type { KeyValues } from './evaluators.js';
import type { ContentFileRecord } from './manifests.js';
import type { PlannedFile, PlannedTask } from './planner.js';
import { partitionTuple } from './planner.js';
import { decodeBinary, toJsonValue } from './values.js';

const CONTENT = ['data', 'position-deletes', 'equality-deletes'] as const;

function countMap(kv: KeyValues<number | bigint>, columns: Column[]) {
  if (!kv) return undefined;
  const keys: number[] = [];
  const values: Array<number | bigint> = [];
  for (const c of columns) {
    const e = kv.find((x) => x.key === c.id);
    if (e) {
      keys.push(c.id);
      values.push(e.value);
    }
  }
  return keys.length > 0 ? { keys, values } : undefined;
}

function valueMap(kv: KeyValues<Buffer>, columns: Column[]) {
  if (!kv) return undefined;
  const keys: number[] = [];
  const values: unknown[] = [];
  for (const c of columns) {
    const e = kv.find((x) => x.key === c.id);
    if (e) {
      keys.push(c.id);
      values.push(toJsonValue(decodeBinary(e.value, c.type), c.type));
    }
  }
  return keys.length > 0 ? { keys, values } : undefined;
}

/** A content file as the spec's JSON; `stats` are the columns whose statistics are included. */
export function contentFileJson(planned: PlannedFile, stats: Column[]): Record<string, unknown> {
  const f: ContentFileRecord = planned.file;
  const spec = planned.spec;
  const tuple = partitionTuple(f, spec);
  const out: Record<string, unknown> = {
    'spec-id': spec.specId,
    content: CONTENT[f.content ?? 0] ?? 'data',
    'file-path': f.file_path,
    'file-format': f.file_format.toLowerCase(),
    partition: tuple.map((v, i) => {
      const type = spec.fields[i]?.col.type;
      if (!type || type.name === 'unknown') return Buffer.isBuffer(v) ? v.toString('hex') : v;
      return toJsonValue(v, type);
    }),
    'file-size-in-bytes': f.file_size_in_bytes,
    'record-count': f.record_count,
  };
  if (f.key_metadata) out['key-metadata'] = f.key_metadata.toString('hex').toUpperCase();
  if (f.split_offsets) out['split-offsets'] = f.split_offsets;
  if (f.sort_order_id !== null && f.sort_order_id !== undefined)
    out['sort-order-id'] = f.sort_order_id;
  if (f.content === 2 && f.equality_ids) out['equality-ids'] = f.equality_ids;
  if (f.content === 1) {
    if (f.content_offset != null) out['content-offset'] = f.content_offset;
    if (f.content_size_in_bytes != null) out['content-size-in-bytes'] = f.content_size_in_bytes;
    if (f.referenced_data_file) out['referenced-data-file'] = f.referenced_data_file;
  }
  if ((f.content ?? 0) === 0) {
    if (f.first_row_id !== null && f.first_row_id !== undefined)
      out['first-row-id'] = f.first_row_id;
    if (stats.length > 0) {
      const maps: Array<[string, unknown]> = [
        ['column-sizes', countMap(f.column_sizes, stats)],
        ['value-counts', countMap(f.value_counts, stats)],
        ['null-value-counts', countMap(f.null_value_counts, stats)],
        ['nan-value-counts', countMap(f.nan_value_counts, stats)],
        ['lower-bounds', valueMap(f.lower_bounds, stats)],
        ['upper-bounds', valueMap(f.upper_bounds, stats)],
      ];
      for (const [name, value] of maps) if (value) out[name] = value;
    }
  }
  return out;
}

/**
 * The `file-scan-tasks` and `delete-files` of a slice of tasks: delete files are listed once,
 * and each task refers to them by index in this response's `delete-files`.
 */
export function scanTasksJson(
  tasks: readonly PlannedTask[],
  deletes: readonly PlannedFile[],
  stats: Column[],
): { 'file-scan-tasks': unknown[]; 'delete-files': unknown[] } {
  const local = new Map<number, number>();
  const deleteFiles: unknown[] = [];
  const fileScanTasks = tasks.map((task) => {
    const out: Record<string, unknown> = { 'data-file': contentFileJson(task, stats) };
    if (task.deletes.length > 0) {
      out['delete-file-references'] = task.deletes.map((i) => {
        let at = local.get(i);
        if (at === undefined) {
          at = deleteFiles.length;
          local.set(i, at);
          deleteFiles.push(contentFileJson(deletes[i] as PlannedFile, []));
        }
        return at;
      });
    }
    return out;
  });
  return { 'file-scan-tasks': fileScanTasks, 'delete-files': deleteFiles };
}
