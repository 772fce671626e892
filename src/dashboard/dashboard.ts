import { createHash, timingSafeEqual } from 'node:crypto';
import { createRequire } from 'node:module';
import { dirname, join } from 'node:path';
import { fileURLToPath } from 'node:url';
import fastifyStatic from '@fastify/static';
import type { FastifyInstance, FastifyRequest } from 'fastify';
import type { Database } from '../db/index.ts';
import type { Clock } from '../shared/clock.ts';
import { AppError } from '../shared/errors.ts';
import type { Logger } from '../shared/log.ts';
import type { Metrics } from '../shared/metrics.ts';
import { registerAlertGauges } from '../alerts/index.ts';
import { createLiveFeed } from './live-feed.ts';
import { registerOverviewGauges } from './overview-gauges.ts';
import { createOverviewSource, type OverviewSource, type SpikeSource } from './overview.ts';
import { issueTicket, verifyTicket } from './sse-ticket.ts';

const PUBLIC_DIR = fileURLToPath(new URL('./public/', import.meta.url));
const UPLOT_DIR = join(dirname(createRequire(import.meta.url).resolve('uplot/package.json')), 'dist');

export interface DashboardDeps {
  readonly db: Database;
  readonly clock: Clock;
  readonly log: Logger;
  readonly metrics: Metrics;
  readonly adminToken: string;
  /** Active viral spikes for the overview and the viral-spike alert (default: open spike_episodes). */
  readonly activeSpikes?: SpikeSource | undefined;
  /** How often the live feed pushes (1.5 s by default). */
  readonly liveIntervalMs?: number;
}

export interface Dashboard {
  /** The overview, cached for a second: hand `overview.get` to the alert evaluator. */
  readonly overview: OverviewSource;
  /** Top level: the pages and assets at `/`, and `GET /api/events` (its own auth: header or ticket). */
  register(app: FastifyInstance): Promise<void>;
  /** Inside the operator scope: `GET /api/overview`, `POST /api/events/ticket`. */
  registerApi(scope: FastifyInstance): void;
}

/**
 * The operator dashboard: static pages (plain ES modules, no build step), the overview API, the
 * live event stream, and the overview's Prometheus gauges. Build it once per process.
 */
export function createDashboard(deps: DashboardDeps): Dashboard {
  const overview = createOverviewSource(deps);
  registerOverviewGauges(deps.metrics.registry, overview);
  registerAlertGauges(deps.metrics.registry, deps.db);
  const feed = createLiveFeed({
    db: deps.db,
    log: deps.log,
    overview,
    ...(deps.liveIntervalMs ? { intervalMs: deps.liveIntervalMs } : {}),
  });
  const tokenDigest = digest(deps.adminToken);

  const authorizeStream = (request: FastifyRequest<{ Querystring: { ticket?: string } }>): void => {
    const bearer = /^Bearer\s+(.+)$/i.exec(request.headers.authorization ?? '')?.[1]?.trim();
    if (bearer !== undefined && timingSafeEqual(digest(bearer), tokenDigest)) return;
    const ticket = request.query.ticket;
    if (typeof ticket === 'string' && verifyTicket(deps.adminToken, ticket, deps.clock.now())) return;
    throw new AppError(
      'UNAUTHORIZED',
      'GET /api/events needs Authorization: Bearer <token>, or ?ticket= from POST /api/events/ticket (valid for 60 s)',
    );
  };

  return {
    overview,
    async register(app) {
      await app.register(fastifyStatic, {
        root: PUBLIC_DIR,
        prefix: '/',
        wildcard: false,
        index: ['index.html'],
      });
      await app.register(fastifyStatic, {
        root: UPLOT_DIR,
        prefix: '/vendor/uplot/',
        wildcard: false,
        decorateReply: false,
        allowedPath: (path) => /^\/uPlot\.(esm\.js|min\.css)$/.test(path),
      });
      app.addHook('preClose', (done) => {
        feed.closeAll();
        done();
      });
      app.get<{ Querystring: { ticket?: string } }>('/api/events', (request, reply) => {
        authorizeStream(request);
        reply.hijack();
        reply.raw.writeHead(200, {
          'content-type': 'text/event-stream; charset=utf-8',
          'cache-control': 'no-cache, no-transform',
          connection: 'keep-alive',
          'x-accel-buffering': 'no',
        });
        feed.add(reply.raw);
      });
    },
    registerApi(scope) {
      scope.get('/api/overview', () => overview.get());
      scope.post('/api/events/ticket', (_request, reply) =>
        reply.status(201).send(issueTicket(deps.adminToken, deps.clock.now())),
      );
    },
  };
}

function digest(value: string): Buffer {
  return createHash('sha256').update(value).digest();
}
