import { BadRequestError } from '../errors.js';
import type { Warehouse } from './context.js';

/**
 * Where the catalog may write, read for registration and delete: inside the warehouse a request
 * is for, and nowhere else. Every location that comes from a request (a create's `location`, a
 * namespace's `location` property, `set-location`, `write.metadata.path`, a registered metadata
 * file and the location inside it) is parsed and checked here before anything touches storage.
 */

/** A location as the storage sees it: the store, and the path split into decoded segments. */
export interface ParsedLocation {
  /** `file` or `s3` (`s3a://` and `s3n://` are the same store as `s3://`). */
  scheme: 'file' | 's3';
  /** The bucket for S3; empty for files. */
  bucket: string;
  segments: string[];
}

const SUPPORTED = 'use s3://bucket/prefix or file:///absolute/path';

function decodeSegment(segment: string, location: string): string {
  let decoded: string;
  try {
    decoded = decodeURIComponent(segment);
  } catch {
    throw new BadRequestError(`Invalid location ${JSON.stringify(location)}: malformed %-escape`);
  }
  // A '.' or '..' segment, raw or %-encoded, would let a location climb out of its folder, and an
  // encoded separator names a different path to each client that decodes it.
  if (segment === '.' || segment === '..' || decoded === '.' || decoded === '..') {
    throw new BadRequestError(
      `Invalid location ${JSON.stringify(location)}: '.' and '..' segments are not allowed`,
    );
  }
  // eslint-disable-next-line no-control-regex -- refusing NUL and control characters is the point
  if (/[/\\\u0000-\u001f]/.test(decoded)) {
    throw new BadRequestError(
      `Invalid location ${JSON.stringify(location)}: a segment holds an encoded separator or a control character`,
    );
  }
  return decoded;
}

/** Parses a location a client sent; anything the catalog's storage cannot name exactly is a 400. */
export function parseLocation(location: string): ParsedLocation {
  if (typeof location !== 'string' || location.length === 0) {
    throw new BadRequestError(`Invalid location ${JSON.stringify(location)}: ${SUPPORTED}`);
  }
  let scheme: ParsedLocation['scheme'];
  let bucket = '';
  let path: string;
  const s3 = /^s3[an]?:\/\/([^/]*)(\/.*)?$/.exec(location);
  if (s3) {
    scheme = 's3';
    bucket = s3[1] ?? '';
    path = s3[2] ?? '';
    if (!/^[a-z0-9][a-z0-9.-]{1,61}[a-z0-9]$/.test(bucket)) {
      throw new BadRequestError(
        `Invalid location ${JSON.stringify(location)}: ${JSON.stringify(bucket)} is not a bucket name`,
      );
    }
  } else if (location.startsWith('file:')) {
    scheme = 'file';
    // file:/abs, file:///abs and file://localhost/abs name the same file; another host does not.
    const m = /^file:(\/\/(?:localhost)?)?(\/.*)$/.exec(location);
    if (!m?.[2] || (m[1] === undefined && m[2].startsWith('//'))) {
      throw new BadRequestError(
        `Invalid location ${JSON.stringify(location)}: a file location must be file:///absolute/path`,
      );
    }
    path = m[2];
  } else if (location.startsWith('/')) {
    scheme = 'file';
    path = location;
  } else {
    throw new BadRequestError(`Invalid location ${JSON.stringify(location)}: ${SUPPORTED}`);
  }
  if (/[?#]/.test(path)) {
    throw new BadRequestError(
      `Invalid location ${JSON.stringify(location)}: '?' and '#' are not allowed`,
    );
  }
  const segments = path
    .split('/')
    .filter((s) => s.length > 0)
    .map((s) => decodeSegment(s, location));
  return { scheme, bucket, segments };
}

/** True when `inner` is `outer` or below it, compared segment by segment (so `wh-evil` is not in `wh`). */
export function isWithin(inner: ParsedLocation, outer: ParsedLocation): boolean {
  return (
    inner.scheme === outer.scheme &&
    inner.bucket === outer.bucket &&
    inner.segments.length >= outer.segments.length &&
    outer.segments.every((s, i) => inner.segments[i] === s)
  );
}

/** The parsed location, or undefined where it does not parse (a stored location from before the checks). */
export function tryParseLocation(location: string): ParsedLocation | undefined {
  try {
    return parseLocation(location);
  } catch {
    return undefined;
  }
}

/** True when `location` parses and lies inside the warehouse (or is its root). */
export function isInsideWarehouse(wh: Warehouse, location: string): boolean {
  const parsed = tryParseLocation(location);
  return parsed !== undefined && isWithin(parsed, parseLocation(wh.location));
}

/**
 * Checks that a location from a request lies inside the warehouse and returns it without trailing
 * slashes; otherwise a 400 naming the allowed prefix, before anything is written.
 */
export function confineLocation(wh: Warehouse, location: string, what: string): string {
  const allowed = `it must be ${wh.location} or a location under ${wh.location}/`;
  const outside = (why = '') =>
    new BadRequestError(
      `${what} ${JSON.stringify(location)} is outside the warehouse ${JSON.stringify(wh.name)}: ${allowed}${why}`,
    );
  let parsed: ParsedLocation;
  try {
    parsed = parseLocation(location);
  } catch (err) {
    // Whatever the catalog cannot name exactly is outside: say why, and what would be allowed.
    const reason = (err as Error).message.replace(/^Invalid location "(?:[^"\\]|\\.)*": /, '');
    throw outside(` (${reason})`);
  }
  if (!isWithin(parsed, parseLocation(wh.location))) throw outside();
  return location.replace(/\/+$/, '');
}

/**
 * One path segment for a namespace level or an object name in a derived location. URL-encoded, so
 * the location stays a valid URL; a '/' in a name (the spec allows it in table names) is encoded
 * twice, so that even a client that decodes the location once sees no separator in it.
 */
export function locationSegment(name: string): string {
  return encodeURIComponent(name).replaceAll('%2F', '%252F');
}

/** Joins a base location and path levels, each level encoded so a name cannot escape its folder. */
export function joinLocation(base: string, ...parts: string[]): string {
  return [base.replace(/\/+$/, ''), ...parts.map(locationSegment)].join('/');
}

/** Where a new table or view goes: under the namespace's `location` property, else under the warehouse. */
export function defaultObjectLocation(
  warehouseLocation: string,
  namespace: string[],
  namespaceProperties: Record<string, string>,
  name: string,
): string {
  const nsLocation = namespaceProperties['location'];
  return nsLocation
    ? joinLocation(nsLocation, name)
    : joinLocation(warehouseLocation, ...namespace, name);
}

/** The table property that puts metadata files somewhere other than `<location>/metadata`. */
export const METADATA_PATH_PROPERTY = 'write.metadata.path';

/** The folder a table's or view's metadata files are written to. */
export function metadataFolder(location: string, properties: Record<string, string> | undefined) {
  const custom = properties?.[METADATA_PATH_PROPERTY];
  return (custom ?? `${location.replace(/\/+$/, '')}/metadata`).replace(/\/+$/, '');
}

/**
 * Checks every location a table's or view's metadata makes the catalog write to: its location and,
 * when set, `write.metadata.path`.
 */
export function confineObjectLocations(
  wh: Warehouse,
  metadata: { location: string; properties?: Record<string, string> | undefined },
  what: string,
): void {
  confineLocation(wh, metadata.location, `${what} location`);
  const custom = metadata.properties?.[METADATA_PATH_PROPERTY];
  if (custom !== undefined) confineLocation(wh, custom, `${what} ${METADATA_PATH_PROPERTY}`);
}
