/**
 * Who may do what (issue 17). `admin`: everything, keys included; `operator`: orders, rules, stock
 * and the rest of the shop's work; `viewer`: reads only.
 */
export const ROLES = ['admin', 'operator', 'viewer'] as const;
export type Role = (typeof ROLES)[number];

/** Who made a request: the break-glass admin token, or an API key. */
export interface Actor {
  readonly kind: 'admin_token' | 'api_key';
  /** The key's id (`admin_token` for the break-glass token). */
  readonly id: string;
  readonly name: string;
  readonly role: Role;
}

/** The break-glass admin: `CREATORFLOW_ADMIN_TOKEN`, every shop and every right. */
export const ADMIN_TOKEN_ACTOR: Actor = {
  kind: 'admin_token',
  id: 'admin_token',
  name: 'CREATORFLOW_ADMIN_TOKEN',
  role: 'admin',
};

/** Whether `role` may change things (a viewer may only read). */
export function mayWrite(role: Role): boolean {
  return role !== 'viewer';
}
