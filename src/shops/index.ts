export { registerShopRoutes } from './shop-routes.ts';
export { getShop, listShops, upsertShop, type ShopView } from './shop-queries.ts';
export { shipFromSchema, shopInputSchema, type ShipFrom, type ShopInput } from './shop-input.ts';
