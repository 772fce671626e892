// Public API of products: what a seller records about a product (its category).
export { registerProductRoutes } from './product-routes.ts';
