// Overview: is everything fine? Live figures, the orders-per-minute chart, lanes, errors, integrations.
import { timeChart } from '../charts.js';
import { card, fmt, h, pageHead, pill, replace } from '../dom.js';

const TARGET_SUCCESS = 0.95;
const LANE_LABEL = {
  viral: 'Viral · 30 s',
  vip: 'VIP · 60 s',
  standard: 'Standard · 3 min',
  automated: 'Automated · 15 s',
};

function kpi(label, value, sub, tone = '') {
  return h(
    'div',
    { class: `kpi ${tone}` },
    h('div', { class: 'kpi-label' }, label),
    h('div', { class: 'kpi-value' }, value),
    h('div', { class: 'kpi-sub' }, sub),
  );
}

function bar(share, tone) {
  const width = share === null ? 0 : Math.max(0, Math.min(1, share)) * 100;
  return h(
    'div',
    { class: 'bar' },
    h('div', { class: `bar-fill ${tone}`, style: `width:${width.toFixed(1)}%` }),
  );
}

function kpis(o) {
  const rate = o.automation_success_rate;
  const rateTone = rate === null ? '' : rate >= TARGET_SUCCESS ? 'good' : 'bad';
  const p95Tone = o.processing_seconds_p95 === null ? '' : o.processing_seconds_p95 > 60 ? 'bad' : 'good';
  const revenue = o.revenue.length
    ? o.revenue.map((r) => fmt.money(r.amount, r.currency)).join(' · ')
    : fmt.money(0, 'USD');
  // The current minute has only just begun: show the last complete one.
  const lastMinute = o.per_minute.at(-2)?.received ?? 0;
  return h(
    'div',
    { class: 'kpis', id: 'kpis' },
    kpi(
      'Automation success',
      fmt.percent(rate),
      `${fmt.int(o.processed)} processed · ${fmt.int(o.failed)} failed · target 95%`,
      rateTone,
    ),
    kpi(
      'Processing time',
      `${fmt.seconds(o.processing_seconds_avg)}`,
      `avg · p95 ${fmt.seconds(o.processing_seconds_p95)}`,
      p95Tone,
    ),
    kpi(
      'Orders last minute',
      fmt.int(lastMinute),
      `${fmt.int(o.per_minute.reduce((s, m) => s + m.received, 0))} in the last hour`,
    ),
    kpi('Revenue processed', revenue, `last ${o.window_minutes} min`),
    kpi(
      'Viral spikes',
      String(o.spikes.length),
      o.spikes.length ? 'active now' : 'none active',
      o.spikes.length ? 'hot' : '',
    ),
    kpi(
      'Open alerts',
      String(o.active_alerts),
      h('a', { href: '#/alerts' }, 'see alerts'),
      o.active_alerts ? 'bad' : 'good',
    ),
  );
}

function lanes(o) {
  return h(
    'div',
    { class: 'lanes' },
    o.lanes.map((l) => {
      const tone =
        l.sla_compliance === null
          ? 'neutral'
          : l.sla_compliance >= 0.95
            ? 'good'
            : l.sla_compliance >= 0.8
              ? 'warn'
              : 'bad';
      return h(
        'div',
        { class: 'lane', dataset: { lane: l.lane } },
        h(
          'div',
          { class: 'lane-head' },
          pill(l.lane, 'priority'),
          h('span', { class: 'muted small' }, LANE_LABEL[l.lane]),
        ),
        h(
          'div',
          { class: 'lane-figures' },
          h('div', {}, h('strong', {}, fmt.int(l.depth)), h('span', { class: 'muted small' }, ' queued')),
          h(
            'div',
            {},
            h('strong', { class: l.overdue ? 'text-bad' : '' }, fmt.int(l.overdue)),
            h('span', { class: 'muted small' }, ' overdue'),
          ),
          h('div', {}, h('strong', {}, fmt.int(l.held)), h('span', { class: 'muted small' }, ' held')),
        ),
        h(
          'div',
          { class: 'small muted' },
          `SLA met ${fmt.percent(l.sla_compliance)} of ${fmt.int(l.processed)}`,
        ),
        bar(l.sla_compliance, tone),
      );
    }),
  );
}

function errors(o) {
  if (!o.errors_by_class.length)
    return h('p', { class: 'muted' }, `No failures in the last ${o.window_minutes} minutes.`);
  const max = Math.max(...o.errors_by_class.map((e) => e.count));
  return h(
    'div',
    { class: 'hbars' },
    o.errors_by_class.map((e) =>
      h(
        'div',
        { class: 'hbar' },
        h('span', { class: 'hbar-label' }, fmt.words(e.class)),
        bar(e.count / max, 'bad'),
        h('span', { class: 'hbar-value' }, `${fmt.int(e.count)} · ${e.per_minute.toFixed(2)}/min`),
      ),
    ),
  );
}

function integrations(o) {
  if (!o.integrations.length) return h('p', { class: 'muted' }, 'No integration has reported yet.');
  return h(
    'ul',
    { class: 'plain integrations' },
    o.integrations.map((i) => h('li', {}, h('span', {}, i.integration), pill(i.state, 'breaker'))),
  );
}

function spikes(o) {
  if (!o.spikes.length) return h('p', { class: 'muted', id: 'no-spikes' }, 'No viral spike right now.');
  return h(
    'ul',
    { class: 'plain spikes', id: 'spikes' },
    o.spikes.map((s) =>
      h(
        'li',
        { class: 'spike' },
        h('span', { class: 'spike-icon' }, '▲'),
        h(
          'div',
          {},
          h('strong', {}, s.product_id ? `Product ${s.product_id}` : 'A product'),
          h(
            'div',
            { class: 'small muted' },
            `shop ${s.shop_id} · since ${fmt.time(s.started_at)}${s.peak_per_hour ? ` · peak ${fmt.int(Math.round(s.peak_per_hour))}/h` : ''}`,
          ),
        ),
      ),
    ),
  );
}

/** Renders the overview and keeps it live; returns the cleanup. */
export function render(view, { live }) {
  const kpiSlot = h('div', {}, h('p', { class: 'muted' }, 'Loading the latest figures…'));
  const chartBox = h('div', { class: 'chart', id: 'orders-chart' });
  const laneSlot = h('div');
  const errorSlot = h('div');
  const integrationSlot = h('div');
  const spikeSlot = h('div');
  const activity = h(
    'ol',
    { class: 'plain activity', id: 'activity' },
    h('li', { class: 'muted' }, 'Order changes appear here as they happen.'),
  );
  const updated = h('span', { class: 'muted small' });
  replace(
    view,
    pageHead('Overview', updated),
    kpiSlot,
    h(
      'div',
      { class: 'grid-2' },
      card('Orders per minute', chartBox),
      card('Active viral spikes', spikeSlot),
    ),
    card('Lanes: queue depth and SLA compliance', laneSlot),
    h(
      'div',
      { class: 'grid-3' },
      card('Errors by class', errorSlot),
      card('Integration health', integrationSlot),
      card('Live activity', activity),
    ),
  );
  const chart = timeChart(chartBox, { series: ['received', 'processed'], yLabel: 'orders' });

  const offOverview = live.on('overview', (o) => {
    replace(kpiSlot, kpis(o));
    replace(laneSlot, lanes(o));
    replace(errorSlot, errors(o));
    replace(integrationSlot, integrations(o));
    replace(spikeSlot, spikes(o));
    updated.textContent = `updated ${fmt.time(o.at)} · rates over the last ${o.window_minutes} min`;
    // Leading empty minutes (a service just started) are left out, keeping at least ten.
    const firstBusy = o.per_minute.findIndex((m) => m.received > 0 || m.processed > 0);
    const minutes = o.per_minute.slice(
      Math.max(0, Math.min(firstBusy < 0 ? 0 : firstBusy, o.per_minute.length - 10)),
    );
    chart.update(
      minutes.map((m) => new Date(m.minute).getTime() / 1000),
      [minutes.map((m) => m.received), minutes.map((m) => m.processed)],
    );
  });
  const offOrders = live.on('orders', ({ changes }) => {
    activity.querySelector('li.muted')?.remove();
    for (const c of changes.slice(-20)) {
      activity.prepend(
        h(
          'li',
          {},
          h('span', { class: 'small muted' }, fmt.time(c.at)),
          ' ',
          h('a', { href: `#/orders/${encodeURIComponent(c.order_id)}` }, c.order_id),
          ' ',
          c.to && (c.kind === 'transition' || c.kind === 'received')
            ? pill(c.to)
            : h('span', { class: 'small' }, fmt.words(c.kind)),
        ),
      );
    }
    while (activity.children.length > 12) activity.lastChild.remove();
  });
  return () => {
    offOverview();
    offOrders();
    chart.destroy();
  };
}
