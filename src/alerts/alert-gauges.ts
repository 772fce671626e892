import { Gauge, type Registry } from 'prom-client';
import type { Queryable } from '../db/index.ts';
import { activeAlertCounts } from './alert-queries.ts';

const SEVERITIES = ['info', 'low', 'medium', 'high', 'critical'] as const;

/** Registers `creatorflow_alerts_active{severity}`, read from the database at scrape time. */
export function registerAlertGauges(registry: Registry, db: Queryable): Gauge {
  return new Gauge({
    name: 'creatorflow_alerts_active',
    help: 'Open alert episodes by severity',
    labelNames: ['severity'],
    registers: [registry],
    async collect() {
      const counts = await activeAlertCounts(db);
      for (const severity of SEVERITIES) {
        this.set({ severity }, counts.find((c) => c.severity === severity)?.count ?? 0);
      }
    },
  });
}
