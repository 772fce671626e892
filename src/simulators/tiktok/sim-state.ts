import type { AuthorizedShop, TokenGrant } from '../../integrations/tiktok/index.ts';
import type { Clock } from '../../shared/clock.ts';
import { buildBuyers, buildCatalog, type SimBuyer, type SimProduct } from './catalog.ts';
import type { SimErrorName } from './error-codes.ts';
import type { TiktokSimulatorKnobs } from './knobs.ts';
import type { SimRandom } from './random.ts';

/** A shop the simulator knows: what /authorization/202309/shops answers, plus its catalogue and buyers. */
export interface SimShop {
  readonly id: string;
  readonly cipher: string;
  readonly code: string;
  readonly name: string;
  readonly region: string;
  readonly sellerType: string;
  readonly openId: string;
  readonly sellerName: string;
  readonly warehouseId: string;
  readonly products: readonly SimProduct[];
  readonly buyers: readonly SimBuyer[];
}

interface AccessTokenRecord {
  readonly shopIds: readonly string[];
  readonly openId: string;
  /** Unix seconds. */
  expiresAt: number;
}

interface RefreshTokenRecord {
  readonly shopIds: readonly string[];
  readonly openId: string;
  readonly expiresAt: number;
  used: boolean;
}

/** Counters for summaries and tests. */
export interface TiktokSimCounters {
  /** Open API and auth requests answered (any outcome). */
  requestsServed: number;
  /** Answered 429 / 36009002. */
  throttled: number;
  /** Answered 500 / 36009003 by the error knob. */
  injectedErrors: number;
  /** Refused for a bad signature, token, cipher, app key or timestamp. */
  rejected: number;
  ordersCreated: number;
  webhooksQueued: number;
  /** HTTP delivery attempts, redeliveries and duplicates included. */
  webhooksSent: number;
  webhooksAcknowledged: number;
  /** Attempts answered non-2xx or failed on the network. */
  webhooksFailed: number;
  webhooksDropped: number;
  webhooksDuplicated: number;
  webhooksReordered: number;
  webhooksRetried: number;
  /** Deliveries abandoned after the last retry. */
  webhooksGaveUp: number;
}

export function zeroCounters(): TiktokSimCounters {
  return {
    requestsServed: 0,
    throttled: 0,
    injectedErrors: 0,
    rejected: 0,
    ordersCreated: 0,
    webhooksQueued: 0,
    webhooksSent: 0,
    webhooksAcknowledged: 0,
    webhooksFailed: 0,
    webhooksDropped: 0,
    webhooksDuplicated: 0,
    webhooksReordered: 0,
    webhooksRetried: 0,
    webhooksGaveUp: 0,
  };
}

/** Shops, auth codes and tokens: the seller-account side of the simulated TikTok. */
export class SimAccounts {
  readonly shops = new Map<string, SimShop>();
  private readonly authCodes = new Map<
    string,
    { shopIds: string[]; openId: string; expiresAt: number; used: boolean }
  >();
  private readonly accessTokens = new Map<string, AccessTokenRecord>();
  private readonly refreshTokens = new Map<string, RefreshTokenRecord>();

  constructor(
    private readonly knobs: TiktokSimulatorKnobs,
    private readonly random: SimRandom,
    private readonly clock: Clock,
  ) {}

  nowSeconds(): number {
    return Math.floor(this.clock.now() / 1000);
  }

  /** Registers a shop (new catalogue and buyers) and returns it. */
  createShop(input: { id?: string; name?: string; region?: string } = {}): SimShop {
    const id = input.id ?? `7494${this.random.digits(15)}`;
    if (this.shops.has(id)) throw new Error(`shop ${id} already exists in the simulator`);
    const shop: SimShop = {
      id,
      cipher: `GCP_${this.random.token(28)}`,
      code: `US${this.random.token(8)}`,
      name: input.name ?? `Sim Shop ${this.shops.size + 1}`,
      region: input.region ?? 'US',
      sellerType: 'LOCAL',
      openId: `open_${this.random.token(20)}`,
      sellerName: input.name ?? `Sim Seller ${this.shops.size + 1}`,
      warehouseId: `72${this.random.digits(17)}`,
      products: buildCatalog(this.random),
      buyers: buildBuyers(this.random, 200),
    };
    this.shops.set(id, shop);
    return shop;
  }

  shop(shopId: string): SimShop {
    const shop = this.shops.get(shopId);
    if (!shop) throw new Error(`no shop ${shopId} in the simulator; create it with createShop()`);
    return shop;
  }

  /** An auth code the token exchange accepts once, within 10 minutes, for these shops. */
  issueAuthCode(shopIds: readonly string[]): string {
    const first = this.shop(shopIds[0] ?? '');
    const code = `code_${this.random.token(32)}`;
    this.authCodes.set(code, {
      shopIds: [...shopIds],
      openId: first.openId,
      expiresAt: this.nowSeconds() + 600,
      used: false,
    });
    return code;
  }

  /** Tokens for these shops, as the token exchange would grant them. */
  grant(shopIds: readonly string[]): TokenGrant {
    const first = this.shop(shopIds[0] ?? '');
    const now = this.nowSeconds();
    const accessToken = `TTP_${this.random.token(40)}`;
    const refreshToken = `TTPR_${this.random.token(40)}`;
    const accessExpiresAt = now + this.knobs.accessTokenTtlSeconds;
    const refreshExpiresAt = now + this.knobs.refreshTokenTtlSeconds;
    this.accessTokens.set(accessToken, {
      shopIds: [...shopIds],
      openId: first.openId,
      expiresAt: accessExpiresAt,
    });
    this.refreshTokens.set(refreshToken, {
      shopIds: [...shopIds],
      openId: first.openId,
      expiresAt: refreshExpiresAt,
      used: false,
    });
    return {
      access_token: accessToken,
      access_token_expire_in: accessExpiresAt,
      refresh_token: refreshToken,
      refresh_token_expire_in: refreshExpiresAt,
      open_id: first.openId,
      seller_name: first.sellerName,
      seller_base_region: first.region,
      user_type: 0,
    };
  }

  exchangeAuthCode(code: string): TokenGrant | SimErrorName {
    const record = this.authCodes.get(code);
    if (!record || record.used || record.expiresAt < this.nowSeconds()) return 'INVALID_AUTH_CODE';
    record.used = true;
    return this.grant(record.shopIds);
  }

  /** A refresh token works once: the answer carries a new one. */
  refresh(refreshToken: string): TokenGrant | SimErrorName {
    const record = this.refreshTokens.get(refreshToken);
    if (!record || record.used || record.expiresAt < this.nowSeconds()) return 'INVALID_REFRESH_TOKEN';
    record.used = true;
    return this.grant(record.shopIds);
  }

  /** Makes an access token expired from now on (tests of refresh-after-auth-error). */
  expireAccessToken(accessToken: string): void {
    const record = this.accessTokens.get(accessToken);
    if (!record) throw new Error('unknown access token');
    record.expiresAt = this.nowSeconds() - 1;
  }

  /** The seller de-authorised the app: every token naming this shop stops working. */
  revokeShop(shopId: string): void {
    for (const [token, record] of this.accessTokens)
      if (record.shopIds.includes(shopId)) this.accessTokens.delete(token);
    for (const [token, record] of this.refreshTokens)
      if (record.shopIds.includes(shopId)) this.refreshTokens.delete(token);
  }

  /** The shops a valid token may act for, or why it is refused. */
  checkAccessToken(accessToken: string | undefined): { shopIds: readonly string[] } | SimErrorName {
    if (!accessToken) return 'INVALID_ACCESS_TOKEN';
    const record = this.accessTokens.get(accessToken);
    if (!record) return 'INVALID_ACCESS_TOKEN';
    if (record.expiresAt <= this.nowSeconds()) return 'EXPIRED_ACCESS_TOKEN';
    return { shopIds: record.shopIds };
  }

  /** The shop a cipher names, if this token may act for it. */
  shopForCipher(cipher: string | undefined, allowed: readonly string[]): SimShop | undefined {
    if (!cipher) return undefined;
    for (const id of allowed) {
      const shop = this.shops.get(id);
      if (shop?.cipher === cipher) return shop;
    }
    return undefined;
  }

  /** What /authorization/202309/shops answers for a token. */
  authorizedShops(shopIds: readonly string[]): AuthorizedShop[] {
    return shopIds.flatMap((id) => {
      const shop = this.shops.get(id);
      return shop
        ? [
            {
              id: shop.id,
              cipher: shop.cipher,
              code: shop.code,
              name: shop.name,
              region: shop.region,
              seller_type: shop.sellerType,
            },
          ]
        : [];
    });
  }
}
