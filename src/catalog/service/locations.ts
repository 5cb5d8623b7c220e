/** Joins a base location and path levels, each level URL-encoded so a name cannot escape its folder. */
export function joinLocation(base: string, ...parts: string[]): string {
  return [base.replace(/\/+$/, ''), ...parts.map(encodeURIComponent)].join('/');
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
