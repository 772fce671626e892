import { createServer, type IncomingMessage, type ServerResponse } from 'node:http';
import type { AddressInfo } from 'node:net';
import { mulberry32 } from '../../shared/random.ts';
import { sleep } from '../../shared/sleep.ts';
import { handleEasyPost } from './easypost-routes.ts';
import { defaultKnobs, type CarrierSimulatorKnobs } from './knobs.ts';
import { handleShippo } from './shippo-routes.ts';
import { reply, type SimRequest, type SimResponse } from './sim-http.ts';
import { CarrierSimState, type SimPurchase } from './sim-state.ts';
import { WebhookPusher, type WebhookDelivery } from './webhook-pusher.ts';

export interface CarrierSimulatorOptions {
  host?: string;
  /** 0 (default): any free port. */
  port?: number;
  /** The ShippoToken clients must send. */
  token?: string;
  /** The EasyPost API key clients must send (basic auth user name), for paths under /v2. */
  easyPostApiKey?: string;
  /** Where tracking and transaction webhooks go; none are sent while unset. */
  webhookUrl?: string;
  webhookSecret?: string;
  /** Simulated ms per real ms (default 1440: a simulated day per real minute). */
  timeScale?: number;
  /** Seed of the simulator's randomness (ratios, tracking numbers). */
  seed?: number;
  /** Real ms between ticks that settle purchases, advance tracking and push webhooks. */
  tickMs?: number;
  knobs?: Partial<CarrierSimulatorKnobs>;
}

export interface CarrierSimulator {
  /** Shippo-shaped API: `http://127.0.0.1:<port>`. */
  readonly baseUrl: string;
  /** EasyPost-shaped API on the same world: `<baseUrl>/v2`. */
  readonly easyPostBaseUrl: string;
  readonly token: string;
  readonly easyPostApiKey: string;
  readonly webhookSecret: string;
  /** Mutable failure knobs. */
  readonly knobs: CarrierSimulatorKnobs;
  readonly state: CarrierSimState;
  /** Every label charged, in order. */
  readonly purchases: readonly SimPurchase[];
  readonly webhookDeliveries: readonly WebhookDelivery[];
  /** Purchases charged under one metadata key (two or more is a double purchase). */
  purchasesFor(metadata: string): SimPurchase[];
  setWebhookUrl(url: string | undefined): void;
  /** Jumps simulated time forward, then ticks. */
  advance(ms: number): Promise<void>;
  /** Settles due purchases, advances tracking and waits for the resulting webhooks. */
  tick(): Promise<void>;
  close(): Promise<void>;
}

/** Starts the carrier simulator: a real HTTP server speaking the Shippo (and EasyPost) subset. */
export async function startCarrierSimulator(
  options: CarrierSimulatorOptions = {},
): Promise<CarrierSimulator> {
  const token = options.token ?? 'shippo_test_simulator';
  const easyPostApiKey = options.easyPostApiKey ?? 'EZTK_simulator';
  const webhookSecret = options.webhookSecret ?? 'whsec_simulator';
  const knobs: CarrierSimulatorKnobs = { ...defaultKnobs(), ...options.knobs };
  const random = mulberry32(options.seed ?? 20_260_101);
  const state = new CarrierSimState(knobs, options.timeScale ?? 1440, random);
  const pusher = new WebhookPusher(state, options.webhookUrl, webhookSecret);
  let baseUrl = '';

  const server = createServer((req, res) => {
    handle(req, res).catch((error: unknown) => {
      if (!res.headersSent) send(res, reply(500, { detail: String(error) }));
    });
  });

  async function handle(req: IncomingMessage, res: ServerResponse): Promise<void> {
    const url = new URL(req.url ?? '/', baseUrl);
    const easyPost = url.pathname === '/v2' || url.pathname.startsWith('/v2/');
    const path = easyPost ? url.pathname.slice(3) || '/' : url.pathname;
    const raw = await readBody(req);
    if (!authorised(req.headers.authorization, easyPost)) {
      return send(
        res,
        easyPost
          ? reply(401, { error: { code: 'APIKEY.INACTIVE', message: 'Invalid API key.' } })
          : reply(401, { detail: 'Invalid token.' }),
      );
    }
    if (knobs.outage) return send(res, reply(503, { detail: 'Service unavailable (simulated outage).' }));
    if (takeRateLimit()) {
      res.setHeader('retry-after', String(knobs.retryAfterSeconds));
      return send(res, reply(429, { detail: 'Request was throttled.' }));
    }
    let body: unknown;
    try {
      body = raw === '' ? undefined : JSON.parse(raw);
    } catch {
      return send(res, reply(400, { detail: 'Body is not JSON.' }));
    }
    const request: SimRequest = {
      method: req.method ?? 'GET',
      path,
      query: url.searchParams,
      body,
      baseUrl: easyPost ? `${baseUrl}/v2` : baseUrl,
    };
    const answer =
      (easyPost ? handleEasyPost(state, request) : handleShippo(state, request)) ??
      reply(404, { detail: 'Not found.' });
    pusher.flush();
    if (
      knobs.delayMs > 0 &&
      (knobs.delayPaths.length === 0 ||
        knobs.delayPaths.some((p) => path.startsWith(p) || `${request.method} ${path}`.startsWith(p)))
    ) {
      await sleep(knobs.delayMs);
    }
    send(res, answer);
  }

  function authorised(header: string | undefined, easyPost: boolean): boolean {
    if (header === undefined) return false;
    if (!easyPost) return header === `ShippoToken ${token}`;
    const match = /^Basic (.+)$/.exec(header);
    return (
      match?.[1] !== undefined &&
      Buffer.from(match[1], 'base64').toString('utf8').split(':')[0] === easyPostApiKey
    );
  }

  function takeRateLimit(): boolean {
    if (knobs.rateLimitNext > 0) {
      knobs.rateLimitNext -= 1;
      return true;
    }
    return knobs.rateLimitRatio > 0 && random() < knobs.rateLimitRatio;
  }

  await new Promise<void>((resolve, reject) => {
    server.once('error', reject);
    server.listen(options.port ?? 0, options.host ?? '127.0.0.1', () => resolve());
  });
  const address = server.address() as AddressInfo;
  baseUrl = `http://${address.family === 'IPv6' ? `[${address.address}]` : address.address}:${address.port}`;
  const timer = setInterval(() => {
    state.tick();
    pusher.flush();
  }, options.tickMs ?? 25);
  timer.unref();

  const tick = async (): Promise<void> => {
    state.tick();
    pusher.flush();
    await pusher.idle();
  };
  return {
    baseUrl,
    easyPostBaseUrl: `${baseUrl}/v2`,
    token,
    easyPostApiKey,
    webhookSecret,
    knobs,
    state,
    purchases: state.purchases,
    webhookDeliveries: pusher.deliveries,
    purchasesFor: (metadata) => state.purchases.filter((p) => p.metadata === metadata),
    setWebhookUrl(url) {
      pusher.url = url;
    },
    async advance(ms) {
      state.advance(ms);
      await tick();
    },
    tick,
    async close() {
      clearInterval(timer);
      await pusher.idle();
      server.closeAllConnections();
      await new Promise<void>((resolve) => server.close(() => resolve()));
    },
  };
}

function send(res: ServerResponse, answer: SimResponse): void {
  if (res.destroyed) return;
  res.statusCode = answer.status;
  res.setHeader('content-type', 'application/json');
  res.end(JSON.stringify(answer.body));
}

function readBody(req: IncomingMessage): Promise<string> {
  return new Promise((resolve, reject) => {
    const chunks: Buffer[] = [];
    let size = 0;
    req.on('data', (chunk: Buffer) => {
      size += chunk.length;
      if (size > 1_000_000) req.destroy(new Error('body too large'));
      else chunks.push(chunk);
    });
    req.on('end', () => resolve(Buffer.concat(chunks).toString('utf8')));
    req.on('error', reject);
  });
}
