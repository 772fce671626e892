import type { ShippingProvider, ShopCredentials } from '../../integrations/tiktok/index.ts';
import type { FulfilmentDeps } from './fulfilment-deps.ts';

/** TikTok's shipping providers of a delivery option (kept a while per shop and option: deps.memo). */
export function shippingProviders(
  deps: FulfilmentDeps,
  credentials: ShopCredentials,
  deliveryOptionId: string,
): Promise<readonly ShippingProvider[]> {
  return deps.memo.shippingProviders.get(`${credentials.shopId}:${deliveryOptionId}`, () =>
    deps.tiktok.api.getShippingProviders(credentials, deliveryOptionId),
  );
}

/** TikTok's provider for our carrier: by name, ignoring case and TikTok's suffixes ("DHL eCommerce"). */
export function matchProvider(
  providers: readonly ShippingProvider[],
  carrier: string,
): ShippingProvider | undefined {
  const wanted = carrier.toLowerCase().replace(/\s+express$/, '');
  return (
    providers.find((p) => p.name.toLowerCase() === carrier.toLowerCase()) ??
    providers.find((p) => p.name.toLowerCase() === wanted) ??
    providers.find((p) => p.name.toLowerCase().startsWith(wanted))
  );
}
