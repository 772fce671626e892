export { registerShopRoutes } from './shop-routes.ts';
export { assertShopRegistered, getShop, listShops, upsertShop, type ShopView } from './shop-queries.ts';
export { shipFromSchema, shopInputSchema, type ShipFrom, type ShopInput } from './shop-input.ts';
export {
  createTokenRefresher,
  DEFAULT_REFRESH_MARGIN_MS,
  isShopNotAuthorized,
  ShopNotAuthorizedError,
  withShopCredentials,
  type TokenRefresher,
  type TokenRefresherDeps,
} from './token-refresher.ts';
export { refreshDueTokens, startTokenRefresh } from './token-refresh-loop.ts';
export { registerOauthCallbackRoute, registerShopAuthorizeRoute, type OauthDeps } from './oauth-routes.ts';
