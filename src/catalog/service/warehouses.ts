import { NoSuchWarehouseError } from '../errors.js';
import type { Warehouse } from './context.js';

/** Finds a warehouse by URL prefix; no prefix means the first (default) warehouse. */
export function resolveWarehouse(warehouses: Warehouse[], prefix: string | undefined): Warehouse {
  const found = prefix === undefined ? warehouses[0] : warehouses.find((w) => w.name === prefix);
  if (!found) {
    throw new NoSuchWarehouseError(
      `Warehouse ${JSON.stringify(prefix)} does not exist; known: ${warehouses.map((w) => w.name).join(', ')}`,
    );
  }
  return found;
}

/** `?warehouse=` may name a warehouse or give its location (pyiceberg and Trino send either). */
export function findWarehouse(warehouses: Warehouse[], nameOrLocation: string): Warehouse {
  const trimmed = nameOrLocation.replace(/\/+$/, '');
  const found = warehouses.find((w) => w.name === trimmed || w.location === trimmed);
  if (!found) {
    throw new NoSuchWarehouseError(
      `Warehouse ${JSON.stringify(nameOrLocation)} does not exist; known: ${warehouses
        .map((w) => `${w.name} (${w.location})`)
        .join(', ')}`,
    );
  }
  return found;
}
