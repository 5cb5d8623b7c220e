import { BadRequestError } from '../errors.js';
import type { PageRequest } from '../store/index.js';

/** The spec's separator for multi-level namespaces in a path segment: the unit separator 0x1F. */
export const NAMESPACE_SEPARATOR = '\u001f';

export function decodeNamespace(raw: string | undefined): string[] {
  if (raw === undefined || raw.length === 0) throw new BadRequestError('Invalid namespace: empty');
  const levels = raw.split(NAMESPACE_SEPARATOR);
  if (levels.some((l) => l.length === 0)) {
    throw new BadRequestError(`Invalid namespace ${JSON.stringify(raw)}: empty level`);
  }
  return levels;
}

export function pageRequest(query: Record<string, unknown>): PageRequest {
  const page: PageRequest = {};
  const token = query['pageToken'];
  if (typeof token === 'string' && token.length > 0) page.pageToken = token;
  const size = query['pageSize'];
  if (size !== undefined) {
    const n = Number(size);
    if (!Number.isInteger(n) || n < 1) {
      throw new BadRequestError(
        `Invalid pageSize ${JSON.stringify(size)}: must be a positive integer`,
      );
    }
    page.pageSize = n;
  }
  return page;
}

export function snapshotsMode(query: Record<string, unknown>): 'all' | 'refs' {
  const mode = query['snapshots'] ?? 'all';
  if (mode !== 'all' && mode !== 'refs') {
    throw new BadRequestError(`Invalid snapshots=${JSON.stringify(mode)}: use all or refs`);
  }
  return mode;
}

export function booleanParam(query: Record<string, unknown>, name: string): boolean {
  const value = query[name];
  if (value === undefined) return false;
  // pyiceberg sends Python's spelling (True/False).
  const lowered = typeof value === 'string' ? value.toLowerCase() : value;
  if (lowered === 'true') return true;
  if (lowered === 'false') return false;
  throw new BadRequestError(`Invalid ${name}=${JSON.stringify(value)}: use true or false`);
}
