// SQL for versioned rule sets: one published version and at most one draft per scope.
import type { Queryable } from '../db/index.ts';
import { DEFAULT_RULES } from './default-rules.ts';
import { parseRuleSet, type Rule } from './rule-schema.ts';

export type RuleSetStatus = 'draft' | 'published' | 'retired';

/** One stored version. `shop_id` null is the global default. */
export interface RuleSetRow {
  id: number;
  shop_id: string | null;
  version: number;
  status: RuleSetStatus;
  rules: Rule[];
  source_version: number | null;
  note: string | null;
  created_at: Date;
  published_at: Date | null;
}

/** Which rules ran: the stored version's id, its scope and its version number. */
export interface RuleSetRef {
  readonly id: number;
  readonly shopId: string | null;
  readonly version: number;
}

const COLUMNS = `id::int AS id, shop_id, version, status, rules, source_version, note, created_at, published_at`;

// Stored rules were validated on write; parsing again gives typed, compiled rules.
function revive(row: RuleSetRow): RuleSetRow {
  return { ...row, rules: parseRuleSet(row.rules) };
}

/** The reference recorded on every decision. */
export function refOf(row: RuleSetRow): RuleSetRef {
  return { id: row.id, shopId: row.shop_id, version: row.version };
}

/** Serialises writers of one scope, so version numbers and the one-published rule hold. */
export async function lockScope(tx: Queryable, shopId: string | null): Promise<void> {
  await tx.query(`SELECT pg_advisory_xact_lock(hashtext('creatorflow.rule_sets:' || $1::text))`, [
    shopId ?? '',
  ]);
}

/** The published set a shop runs: its own, else the global one; undefined before any exists. */
export async function findEffectivePublished(
  db: Queryable,
  shopId: string | null,
): Promise<RuleSetRow | undefined> {
  const { rows } = await db.query<RuleSetRow>(
    `SELECT ${COLUMNS} FROM rule_sets
      WHERE status = 'published' AND (shop_id = $1 OR shop_id IS NULL)
      ORDER BY shop_id NULLS LAST LIMIT 1`,
    [shopId],
  );
  return rows[0] && revive(rows[0]);
}

/**
 * The published set a shop runs. On first read of a new database the shipped defaults become the
 * global version 1 (a concurrent first read inserts nothing: the unique indexes refuse it).
 */
export async function loadPublishedRuleSet(db: Queryable, shopId: string | null): Promise<RuleSetRow> {
  const found = await findEffectivePublished(db, shopId);
  if (found) return found;
  await db.query(
    `INSERT INTO rule_sets (shop_id, version, status, rules, note, published_at)
     VALUES (NULL, 1, 'published', $1, 'the rules that ship with CreatorFlow', now())
     ON CONFLICT DO NOTHING`,
    [JSON.stringify(DEFAULT_RULES)],
  );
  const created = await findEffectivePublished(db, shopId);
  if (!created) throw new Error('the default rule set could not be stored');
  return created;
}

/** The version of one scope with this status (draft or published), if any. */
export function findInScope(
  db: Queryable,
  shopId: string | null,
  status: 'draft' | 'published',
): Promise<RuleSetRow | undefined> {
  return findOne(db, shopId, 'status', status);
}

/** One version of a scope by number. */
export function findVersion(
  db: Queryable,
  shopId: string | null,
  version: number,
): Promise<RuleSetRow | undefined> {
  return findOne(db, shopId, 'version', version);
}

async function findOne(
  db: Queryable,
  shopId: string | null,
  column: 'status' | 'version',
  value: string | number,
): Promise<RuleSetRow | undefined> {
  const { rows } = await db.query<RuleSetRow>(
    `SELECT ${COLUMNS} FROM rule_sets WHERE coalesce(shop_id, '') = coalesce($1, '') AND ${column} = $2`,
    [shopId, value],
  );
  return rows[0] && revive(rows[0]);
}

/** Every version of a scope, newest first, without their rules. */
export async function listVersions(
  db: Queryable,
  shopId: string | null,
): Promise<(Omit<RuleSetRow, 'rules'> & { rule_count: number })[]> {
  const { rows } = await db.query<Omit<RuleSetRow, 'rules'> & { rule_count: number }>(
    `SELECT id::int AS id, shop_id, version, status, source_version, note, created_at, published_at,
            jsonb_array_length(rules) AS rule_count
       FROM rule_sets WHERE coalesce(shop_id, '') = coalesce($1, '') ORDER BY version DESC`,
    [shopId],
  );
  return rows;
}

/** Adds a version with the next number of its scope (call under lockScope). */
export async function insertVersion(
  tx: Queryable,
  input: {
    shopId: string | null;
    status: 'draft' | 'published';
    rules: readonly Rule[];
    sourceVersion: number | null;
    note: string | null;
    now: Date;
  },
): Promise<RuleSetRow> {
  const { rows } = await tx.query<RuleSetRow>(
    `INSERT INTO rule_sets (shop_id, version, status, rules, source_version, note, created_at, published_at)
     SELECT $1, coalesce(max(version), 0) + 1, $2, $3, $4, $5, $6, CASE WHEN $2 = 'published' THEN $6::timestamptz END
       FROM rule_sets WHERE coalesce(shop_id, '') = coalesce($1, '')
     RETURNING ${COLUMNS}`,
    [input.shopId, input.status, JSON.stringify(input.rules), input.sourceVersion, input.note, input.now],
  );
  return revive(rows[0] as RuleSetRow);
}

/** Replaces the rules of a draft. */
export async function updateDraftRules(
  tx: Queryable,
  input: { id: number; rules: readonly Rule[] },
): Promise<RuleSetRow> {
  const { rows } = await tx.query<RuleSetRow>(
    `UPDATE rule_sets SET rules = $2 WHERE id = $1 AND status = 'draft' RETURNING ${COLUMNS}`,
    [input.id, JSON.stringify(input.rules)],
  );
  return revive(rows[0] as RuleSetRow);
}

/** Retires the scope's published version, then publishes `id` (in that order: one published at a time). */
export async function publishVersion(
  tx: Queryable,
  input: { shopId: string | null; id: number; now: Date },
): Promise<RuleSetRow> {
  await retirePublished(tx, input.shopId);
  const { rows } = await tx.query<RuleSetRow>(
    // A rollback may have numbered a version after this draft: publishing keeps versions in order.
    `UPDATE rule_sets r SET status = 'published', published_at = $2,
            version = CASE WHEN r.version = m.top THEN r.version ELSE m.top + 1 END
       FROM (SELECT max(version) AS top FROM rule_sets WHERE coalesce(shop_id, '') = coalesce($3, '')) AS m
      WHERE r.id = $1
      RETURNING r.id::int AS id, r.shop_id, r.version, r.status, r.rules, r.source_version, r.note,
                r.created_at, r.published_at`,
    [input.id, input.now, input.shopId],
  );
  return revive(rows[0] as RuleSetRow);
}

/** Retires the scope's published version (before a new one is inserted as published). */
export async function retirePublished(tx: Queryable, shopId: string | null): Promise<void> {
  await tx.query(
    `UPDATE rule_sets SET status = 'retired' WHERE coalesce(shop_id, '') = coalesce($1, '') AND status = 'published'`,
    [shopId],
  );
}

/** Drops a scope's draft. */
export async function deleteDraft(tx: Queryable, shopId: string | null): Promise<number> {
  const { rowCount } = await tx.query(
    `DELETE FROM rule_sets WHERE coalesce(shop_id, '') = coalesce($1, '') AND status = 'draft'`,
    [shopId],
  );
  return rowCount;
}
