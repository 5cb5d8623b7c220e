/**
 * The user the console runs SQL as. Trino's access control (the coordinator's rules) makes it
 * read-only on every catalog, whatever the statement, so the console need not parse SQL.
 */
export const CONSOLE_TRINO_USER = 'lakehouse-console';
