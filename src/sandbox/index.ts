export {
  closeForgottenDemoOrders,
  registerDemoShop,
  SANDBOX_SHIP_FROM,
  SANDBOX_SHOP_ID,
  seedDemoHistory,
} from './demo-shop.ts';
export { DEFAULT_SANDBOX_OPTIONS, startSandbox, type Sandbox, type SandboxOptions } from './start-sandbox.ts';
