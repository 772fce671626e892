import type { CarrierAccess, FulfilmentDeps } from './fulfilment-deps.ts';

export type CarrierChoice =
  | { readonly ok: true; readonly carrier: CarrierAccess; readonly failover: boolean }
  | { readonly ok: false; readonly reason: string };

/** The label APIs in order of preference: the primary (Shippo), then the fallback. */
export function labelApis(deps: Pick<FulfilmentDeps, 'carrier' | 'fallbackCarrier'>): CarrierAccess[] {
  return [deps.carrier, deps.fallbackCarrier].filter((c): c is CarrierAccess => c !== undefined);
}

/** The label API a label was bought through, for voiding it and following its parcel. */
export function labelApiNamed(
  deps: Pick<FulfilmentDeps, 'carrier' | 'fallbackCarrier'>,
  name: string,
): CarrierAccess | undefined {
  return labelApis(deps).find((c) => c.port.name === name);
}

/**
 * Which label API buys this label. Once a purchase attempt has gone to one API, every later
 * attempt for the same label goes there too (it may have bought: only that API can say), so a
 * label is never bought twice across APIs. Before any attempt, the first API whose circuit is
 * not open is chosen: that is the failover.
 *
 * @example chooseCarrier([shippo, easypost], []) // shippo open → { ok: true, carrier: easypost, failover: true }
 */
export function chooseCarrier(
  carriers: readonly CarrierAccess[],
  attempted: readonly string[],
): CarrierChoice {
  const earlier = attempted.at(-1);
  if (earlier !== undefined) {
    const carrier = carriers.find((c) => c.port.name === earlier);
    if (!carrier) {
      return {
        ok: false,
        reason: `an earlier purchase attempt went to ${earlier}, which is no longer configured`,
      };
    }
    if (!carrier.policy.isAvailable()) {
      return {
        ok: false,
        reason: `the ${earlier} circuit is open; an earlier attempt may have bought there, so this label waits for ${earlier}`,
      };
    }
    return { ok: true, carrier, failover: carriers.indexOf(carrier) > 0 };
  }
  const index = carriers.findIndex((c) => c.policy.isAvailable());
  if (index < 0) {
    const names = carriers.map((c) => c.port.name).join(', ');
    return {
      ok: false,
      reason: `the ${names} circuit${carriers.length > 1 ? 's are' : ' is'} open: carrier calls pause until one recovers`,
    };
  }
  return { ok: true, carrier: carriers[index]!, failover: index > 0 };
}
