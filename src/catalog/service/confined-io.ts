import { ForbiddenError } from '../errors.js';
import type { FileIO } from '../io/index.js';
import type { Warehouse } from './context.js';
import { isWithin, parseLocation, tryParseLocation, type ParsedLocation } from './locations.js';

/**
 * The catalog's storage, limited to its warehouses. The service checks every location a request
 * names before it acts; this is the second line: a location that escaped those checks is refused
 * here, before the storage is touched, instead of being written, read or deleted.
 */
export class ConfinedFileIO implements FileIO {
  private readonly roots: ParsedLocation[];

  constructor(
    private readonly inner: FileIO,
    private readonly warehouses: readonly Warehouse[],
  ) {
    this.roots = warehouses.map((w) => parseLocation(w.location));
  }

  private check(location: string): string {
    const parsed = tryParseLocation(location);
    if (!parsed || !this.roots.some((root) => isWithin(parsed, root))) {
      throw new ForbiddenError(
        `The catalog does not touch ${JSON.stringify(location)}: it is outside its warehouses (${this.warehouses
          .map((w) => w.location)
          .join(', ')})`,
      );
    }
    return location;
  }

  write(location: string, body: string): Promise<void> {
    return this.inner.write(this.check(location), body);
  }
  read(location: string): Promise<string> {
    return this.inner.read(this.check(location));
  }
  readBytes(location: string): Promise<Uint8Array> {
    return this.inner.readBytes(this.check(location));
  }
  exists(location: string): Promise<boolean> {
    return this.inner.exists(this.check(location));
  }
  delete(locations: string[]): Promise<void> {
    return this.inner.delete(locations.map((l) => this.check(l)));
  }
  deletePrefix(location: string): Promise<number> {
    return this.inner.deletePrefix(this.check(location));
  }
  checkWritable(location: string): Promise<void> {
    return this.inner.checkWritable(this.check(location));
  }
}
