/** The console's SQL box: one statement on Trino as the read-only console user. */
export {
  DEFAULT_CATALOG,
  DEFAULT_MAX_ROWS,
  isClientQueryId,
  MAX_ROWS_LIMIT,
  MAX_SQL_LENGTH,
  parseSqlRequest,
  sqlRequestSchema,
  type SqlQuery,
} from './request.js';
export { CONSOLE_TRINO_USER } from '../../platform/trino/index.js';
export { CONSOLE_TRINO_SOURCE, MAX_RUNNING, SqlRunner, type SqlAnswer } from './runner.js';
export { isTableProcedure, TABLE_PROCEDURE_REFUSED } from './guard.js';
export { toSqlRows, toSqlValue } from './values.js';
