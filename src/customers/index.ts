// Public API of customers: what a seller records about a buyer (tags, past fraud, a note).
export { registerCustomerRoutes, saveCustomer, type CustomerView } from './customer-routes.ts';
