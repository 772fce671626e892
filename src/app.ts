import type { Config } from './config.ts';
import { closeDeps, createDeps, type Deps } from './deps.ts';
import { registerOperatorApi } from './api/operator-api.ts';
import { buildServer } from './api/server.ts';
import { registerTiktokIntake } from './ingest/index.ts';
import { registerInventoryRoutes } from './inventory/index.ts';
import { startNotificationDispatcher } from './notify/index.ts';
import { registerOrderRoutes } from './orders/index.ts';
import { registerShopRoutes } from './shops/index.ts';
import { registerOperatorActionRoutes } from './workflows/index.ts';
import type { Logger } from './shared/log.ts';

/** A running part of the process (HTTP server, worker pool, scheduler), stopped in reverse start order. */
export interface Service {
  readonly name: string;
  stop(): Promise<void>;
}

export interface RunningApp {
  readonly deps: Deps;
  /** The HTTP address, when this process runs the api role. */
  readonly url: string | undefined;
  /** Drains in-flight work, stops every service, closes the database. */
  stop(): Promise<void>;
}

/** Starts the roles the config asks for on one shared set of dependencies. */
export async function startApp(config: Config, log: Logger): Promise<RunningApp> {
  const deps = await createDeps(config, log);
  const services: Service[] = [];
  let url: string | undefined;
  try {
    if (config.roles.has('api')) {
      const { appKey, appSecret } = config.tiktok;
      const server = await buildServer(deps, [
        (app) =>
          appKey && appSecret ? registerTiktokIntake(app, { ...deps, appKey, appSecret }) : undefined,
        (app) =>
          registerOperatorApi(app, config.adminToken, [
            (scope) => registerShopRoutes(scope, deps),
            (scope) => registerInventoryRoutes(scope, deps),
            (scope) => registerOrderRoutes(scope, deps),
            (scope) => registerOperatorActionRoutes(scope, deps),
          ]),
      ]);
      url = await server.listen({ port: config.http.port, host: config.http.host });
      services.push({ name: 'http', stop: () => server.close() });
    }
    if (config.roles.has('worker')) services.push(startNotificationDispatcher(deps));
  } catch (error) {
    await stopAll(services, log);
    await closeDeps(deps);
    throw error;
  }

  let stopping: Promise<void> | undefined;
  return {
    deps,
    url,
    stop() {
      stopping ??= (async () => {
        await stopAll(services, log);
        await closeDeps(deps);
      })();
      return stopping;
    },
  };
}

async function stopAll(services: Service[], log: Logger): Promise<void> {
  for (const service of [...services].reverse()) {
    try {
      await service.stop();
      log.debug({ service: service.name }, 'stopped');
    } catch (error) {
      log.error({ err: error, service: service.name }, 'service did not stop cleanly');
    }
  }
}
