/**
 * Builds the SQL for `find`. Field names are validated before they get here and are embedded as
 * literal `json_extract` paths, because SQLite only uses an expression index when the query's
 * expression is textually the same as the index's. Values are always bound parameters.
 */
import { decodeCursor } from '../cursor.js';
import type { FindQuery } from '../read-store.port.js';

export type SqlValue = string | number | null;

export function fieldExpr(field: string): string {
  return `json_extract(doc, '$.${field}')`;
}

export function tableName(collection: string): string {
  return `"rm_${collection}"`;
}

function whereClauses(query: FindQuery, params: SqlValue[]): string[] {
  const clauses = ['deleted = 0'];
  for (const [field, value] of Object.entries(query.where ?? {})) {
    if (value === null) clauses.push(`${fieldExpr(field)} IS NULL`);
    // json_extract turns JSON booleans into 1/0; json_type keeps `true` apart from the number 1.
    else if (typeof value === 'boolean') clauses.push(`json_type(doc, '$.${field}') = '${value ? 'true' : 'false'}'`);
    else {
      clauses.push(`${fieldExpr(field)} = ?`);
      params.push(value);
    }
  }
  const range = query.range;
  if (range?.gte !== undefined) {
    clauses.push(`${fieldExpr(range.field)} >= ?`);
    params.push(range.gte);
  }
  if (range?.lt !== undefined) {
    clauses.push(`${fieldExpr(range.field)} < ?`);
    params.push(range.lt);
  }
  return clauses;
}

/** The keyset condition "after the cursor" in (field, key) order; NULL sorts first, as in Mongo. */
function afterClause(query: FindQuery, params: SqlValue[]): string | undefined {
  const cursor = decodeCursor(query);
  if (!cursor) return undefined;
  const f = fieldExpr(query.orderBy.field);
  const asc = query.orderBy.direction === 'asc';
  if (cursor.value === null) {
    params.push(cursor.key);
    return asc ? `((${f} IS NULL AND key > ?) OR ${f} IS NOT NULL)` : `(${f} IS NULL AND key < ?)`;
  }
  params.push(cursor.value, cursor.value, cursor.key);
  return asc ? `(${f} > ? OR (${f} = ? AND key > ?))` : `(${f} < ? OR (${f} = ? AND key < ?) OR ${f} IS NULL)`;
}

export function buildFind(collection: string, query: FindQuery): { sql: string; params: SqlValue[] } {
  const params: SqlValue[] = [];
  const clauses = whereClauses(query, params);
  const after = afterClause(query, params);
  if (after) clauses.push(after);
  const dir = query.orderBy.direction === 'asc' ? 'ASC' : 'DESC';
  const f = fieldExpr(query.orderBy.field);
  params.push(query.first + 1);
  const sql = `SELECT key, doc, ${f} AS sortValue FROM ${tableName(collection)} WHERE ${clauses.join(' AND ')} ORDER BY ${f} ${dir}, key ${dir} LIMIT ?`;
  return { sql, params };
}
