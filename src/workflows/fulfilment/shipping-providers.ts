import type { ShippingProvider, ShopCredentials } from '../../integrations/tiktok/index.ts';
import type { FulfilmentDeps } from './fulfilment-deps.ts';

/** TikTok's shipping providers of a delivery option, cached for ten minutes per shop and option. */
const providerCache = new Map<string, { at: number; providers: readonly ShippingProvider[] }>();
export async function shippingProviders(
  deps: FulfilmentDeps,
  credentials: ShopCredentials,
  deliveryOptionId: string,
): Promise<readonly ShippingProvider[]> {
  const cacheKey = `${credentials.shopId}:${deliveryOptionId}`;
  const cached = providerCache.get(cacheKey);
  if (cached && deps.clock.now() - cached.at < 10 * 60_000) return cached.providers;
  const providers = await deps.tiktok.api.getShippingProviders(credentials, deliveryOptionId);
  providerCache.set(cacheKey, { at: deps.clock.now(), providers });
  return providers;
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
