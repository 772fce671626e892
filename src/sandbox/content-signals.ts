import type { Logger } from '../shared/log.ts';
import { sleep } from '../shared/sleep.ts';

const CREATORS = ['glowwithmaya', 'dealsbydev', 'homehacks.kim', 'thefitfinds'];
const HASHTAGS = ['tiktokmademebuyit', 'viralfinds', 'amazonfinds', 'giftideas'];

/**
 * What a creator's video going viral looks like from outside TikTok Shop: a creator and a hashtag
 * tied to the product, then a view count climbing through the spike. Sent to CreatorFlow's real
 * `POST /api/signals`, a little before the orders surge (videos lead sales).
 */
export async function emitContentSignals(input: {
  baseUrl: string;
  token: string;
  shopId: string;
  productId: string;
  /** When the orders surge begins and how long it lasts, from now. */
  surgeInMs: number;
  surgeMs: number;
  log: Logger;
  signal: AbortSignal;
}): Promise<void> {
  const pick = <T>(list: readonly T[]): T => list[Math.floor(Math.random() * list.length)]!;
  const send = async (kind: 'hashtag' | 'creator' | 'views', value: string | number) => {
    try {
      const res = await fetch(`${input.baseUrl}/api/signals`, {
        method: 'POST',
        headers: { authorization: `Bearer ${input.token}`, 'content-type': 'application/json' },
        body: JSON.stringify({ shop_id: input.shopId, product_id: input.productId, kind, value }),
        signal: input.signal,
      });
      if (!res.ok) input.log.warn({ status: res.status, kind }, 'sandbox content signal refused');
    } catch (error) {
      if (!input.signal.aborted) input.log.warn({ err: error }, 'sandbox content signal not sent');
    }
  };
  await sleep(Math.max(0, input.surgeInMs - 20_000), input.signal);
  if (input.signal.aborted) return;
  await send('creator', `@${pick(CREATORS)}`);
  await send('hashtag', `#${pick(HASHTAGS)}`);
  let views = 5_000 + Math.floor(Math.random() * 20_000);
  const until = Date.now() + 20_000 + input.surgeMs;
  while (!input.signal.aborted && Date.now() < until) {
    await send('views', views);
    views = Math.round(views * (1.6 + Math.random()));
    await sleep(15_000, input.signal);
  }
}
