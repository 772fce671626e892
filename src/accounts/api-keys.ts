import { createHash, randomBytes } from 'node:crypto';
import type { Queryable } from '../db/index.ts';
import type { Actor, Role } from './roles.ts';

/** A key as listed: never its token. */
export interface ApiKeyView {
  readonly id: string;
  readonly name: string;
  readonly role: Role;
  /** Null: the key covers every shop (keys limited to shops come with shop scoping). */
  readonly shop_ids: null;
  readonly created_at: Date;
  readonly revoked_at: Date | null;
}

/** Tokens start with this, so a leaked one is recognisable (secret scanners, logs). */
const TOKEN_PREFIX = 'cfk_';

/**
 * Makes a key and returns it with its token, which is not stored and cannot be shown again: only
 * its SHA-256 is kept (a token is 256 random bits, so a fast hash is as safe as a slow one here).
 */
export async function createApiKey(
  db: Queryable,
  input: { name: string; role: Role; now: Date },
): Promise<ApiKeyView & { token: string }> {
  const token = `${TOKEN_PREFIX}${randomBytes(32).toString('base64url')}`;
  const { rows } = await db.query<{ id: string; created_at: Date }>(
    `INSERT INTO api_keys (name, role, token_hash, created_at) VALUES ($1, $2, $3, $4)
     RETURNING id::text AS id, created_at`,
    [input.name, input.role, tokenHash(token), input.now],
  );
  const row = rows[0]!;
  return {
    id: row.id,
    name: input.name,
    role: input.role,
    shop_ids: null,
    created_at: row.created_at,
    revoked_at: null,
    token,
  };
}

/** Every key, newest first, revoked ones included (who had access, and until when). */
export async function listApiKeys(db: Queryable): Promise<ApiKeyView[]> {
  const { rows } = await db.query<Omit<ApiKeyView, 'shop_ids'>>(
    `SELECT id::text AS id, name, role, created_at, revoked_at FROM api_keys ORDER BY id DESC`,
  );
  return rows.map((r) => ({ ...r, shop_ids: null }));
}

/** Revokes a key at once; false when there is no such key, or it was revoked already. */
export async function revokeApiKey(db: Queryable, input: { id: string; now: Date }): Promise<boolean> {
  if (!/^\d{1,18}$/.test(input.id)) return false;
  const { rowCount } = await db.query(
    `UPDATE api_keys SET revoked_at = $2 WHERE id = $1::bigint AND revoked_at IS NULL`,
    [input.id, input.now],
  );
  return rowCount === 1;
}

/** The actor a presented token stands for, or undefined when no live key has it. */
export async function actorOfApiKey(db: Queryable, token: string): Promise<Actor | undefined> {
  if (!token.startsWith(TOKEN_PREFIX)) return undefined;
  const { rows } = await db.query<{ id: string; name: string; role: Role }>(
    `SELECT id::text AS id, name, role FROM api_keys WHERE token_hash = $1 AND revoked_at IS NULL`,
    [tokenHash(token)],
    { prepared: 'creatorflow_actor_of_api_key' },
  );
  const key = rows[0];
  return key && { kind: 'api_key', id: key.id, name: key.name, role: key.role };
}

function tokenHash(token: string): Buffer {
  return createHash('sha256').update(token).digest();
}
