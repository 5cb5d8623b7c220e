import type { TableCheck } from '../../ops/backup/index.js';
import { queryWhileWorkersSettle, TrinoClient } from '../trino/index.js';

/**
 * A table's row count through Trino at `baseUrl` (a full read of its current snapshot), once
 * Trino's workers have settled after a start; undefined for a table Trino cannot address (its
 * iceberg catalog maps one namespace level to a schema).
 */
export async function countTableRows(
  baseUrl: string,
  table: TableCheck,
): Promise<number | undefined> {
  if (table.namespace.length !== 1) return undefined;
  const quote = (id: string): string => `"${id.replace(/"/g, '""')}"`;
  const sql = `SELECT count(*) FROM iceberg.${quote(table.namespace[0] as string)}.${quote(table.name)}`;
  const client = new TrinoClient({ baseUrl, source: 'lakehouse-restore' });
  const result = await queryWhileWorkersSettle(client, sql);
  return Number(result.rows[0]?.[0]);
}
