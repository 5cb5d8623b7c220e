/**
 * Start and stop order from `dependsOn`: pure, so the dependency rules are unit-tested apart
 * from any process handling.
 */

export interface DependencyNode {
  name: string;
  dependsOn: string[];
}

/** A dependency graph the supervisor cannot run: a cycle, an unknown name or a duplicate. */
export class DependencyError extends Error {
  constructor(message: string) {
    super(message);
    this.name = 'DependencyError';
  }
}

/**
 * Groups processes into levels: every process's dependencies are in earlier levels, so a level
 * can start together once the one before it is healthy. Names inside a level keep input order,
 * which keeps the result stable for status output.
 */
export function startLevels(nodes: readonly DependencyNode[]): string[][] {
  const byName = new Map<string, DependencyNode>();
  for (const node of nodes) {
    if (byName.has(node.name)) throw new DependencyError(`process "${node.name}" is listed twice`);
    byName.set(node.name, node);
  }
  for (const node of nodes) {
    for (const dep of node.dependsOn) {
      if (dep === node.name) throw new DependencyError(`process "${node.name}" depends on itself`);
      if (!byName.has(dep)) {
        throw new DependencyError(
          `process "${node.name}" depends on "${dep}", which is not a desired process`,
        );
      }
    }
  }
  const cycle = findCycle(nodes, byName);
  if (cycle) throw new DependencyError(`dependency cycle: ${cycle.join(' → ')}`);

  const depth = new Map<string, number>();
  const depthOf = (name: string): number => {
    const known = depth.get(name);
    if (known !== undefined) return known;
    const deps = byName.get(name)?.dependsOn ?? [];
    const d = deps.length === 0 ? 0 : 1 + Math.max(...deps.map(depthOf));
    depth.set(name, d);
    return d;
  };
  const levels: string[][] = [];
  for (const node of nodes) {
    const d = depthOf(node.name);
    (levels[d] ??= []).push(node.name);
  }
  return levels;
}

/** All names, dependencies first. */
export function startOrder(nodes: readonly DependencyNode[]): string[] {
  return startLevels(nodes).flat();
}

/** Levels to stop one after another: dependents before what they depend on. */
export function stopLevels(nodes: readonly DependencyNode[]): string[][] {
  return startLevels(nodes).reverse();
}

/** A cycle as a path that ends where it starts, or null. Depth-first with three colours. */
function findCycle(
  nodes: readonly DependencyNode[],
  byName: Map<string, DependencyNode>,
): string[] | null {
  const done = new Set<string>();
  const onPath: string[] = [];
  const visit = (name: string): string[] | null => {
    if (done.has(name)) return null;
    const at = onPath.indexOf(name);
    if (at >= 0) return [...onPath.slice(at), name];
    onPath.push(name);
    for (const dep of byName.get(name)?.dependsOn ?? []) {
      const cycle = visit(dep);
      if (cycle) return cycle;
    }
    onPath.pop();
    done.add(name);
    return null;
  };
  for (const node of nodes) {
    const cycle = visit(node.name);
    if (cycle) return cycle;
  }
  return null;
}
