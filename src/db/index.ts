export type { Database, DatabaseKind, Queryable, QueryOptions, QueryResult } from './queryable.ts';
export { columnsOf } from './columns.ts';
export { openDatabase } from './open-database.ts';
export { openPglite, type PgliteDatabase } from './pglite-database.ts';
export { openPostgres } from './postgres-database.ts';
export { isMigrated, loadMigrations, migrate, type Migration } from './migrate.ts';
export {
  claimWork,
  completeWork,
  failWork,
  workDueRows,
  type ClaimableTable,
  type RowWork,
  type WorkRow,
  type WorkTable,
} from './work-table.ts';
