export { registerInventoryRoutes } from './inventory-routes.ts';
export {
  consumeOrder,
  releaseOrder,
  reserveOrder,
  type ReserveResult,
  type Shortage,
  type StockLine,
} from './reservations.ts';
export { getStock, listStock, restock, setStock, type StockLevel } from './stock-queries.ts';
export {
  closePurchaseOrder,
  listPurchaseOrders,
  reorderQuantity,
  reorderSkus,
  requestPurchaseOrder,
  setSupplier,
  type PurchaseOrder,
} from './purchase-orders.ts';
export { registerPurchaseOrderRoutes } from './purchase-orders-routes.ts';
