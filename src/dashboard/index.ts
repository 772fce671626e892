// Public API of the operator dashboard: pages, overview, live events, overview gauges.
export { createDashboard, type Dashboard, type DashboardDeps } from './dashboard.ts';
export {
  computeOverview,
  createOverviewSource,
  integrationHealth,
  type ActiveSpike,
  type IntegrationHealth,
  type Overview,
  type OverviewSource,
  type SpikeSource,
} from './overview.ts';
export { orderFigures, type LaneFigures, type OrderFigures } from './overview-queries.ts';
export { orderChangesSince, type OrderChange } from './live-feed.ts';
export { TICKET_TTL_MS, issueTicket, verifyTicket } from './sse-ticket.ts';
