export { actorOfApiKey, createApiKey, listApiKeys, revokeApiKey, type ApiKeyView } from './api-keys.ts';
export { registerKeyRoutes } from './key-routes.ts';
export { requireAdmin } from './request-actor.ts';
export { ADMIN_TOKEN_ACTOR, mayWrite, ROLES, type Actor, type Role } from './roles.ts';
