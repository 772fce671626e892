// One order: lines, priority, deadlines, carrier, label, tracking, the whole timeline with the
// decisions explained, and the operator's actions (the API's refusal shown as it says it).
import { api } from '../api.js';
import { card, dataTable, errorText, fmt, h, notice, pill, replace } from '../dom.js';

const ACTIONS = [
  { action: 'hold', label: 'Hold', tone: 'ghost' },
  { action: 'release', label: 'Release', tone: 'ghost' },
  { action: 'retry', label: 'Retry', tone: 'primary' },
  {
    action: 'cancel',
    label: 'Cancel',
    tone: 'danger',
    confirm: 'Cancel this order? Stock is released and the label voided.',
  },
];

const EVENT_TITLES = {
  transition: 'State changed',
  transition_refused: 'Change refused',
  hold: 'Put on hold',
  release: 'Released',
  received: 'Received',
};

function fact(label, value) {
  return h('div', { class: 'fact' }, h('dt', {}, label), h('dd', {}, value ?? '—'));
}

function value(v) {
  if (v === null || v === undefined) return '—';
  if (typeof v === 'object') return h('code', { class: 'small' }, JSON.stringify(v));
  return String(v);
}

/** The "why" of an event: its reason, who did it, which rules fired, the error, then the rest. */
function explain(detail) {
  const items = [];
  const rest = { ...detail };
  const take = (key) => {
    const v = rest[key];
    delete rest[key];
    return v;
  };
  const by = take('by');
  const reason = take('reason');
  const error = take('error');
  const errorClass = take('error_class') ?? take('class');
  const rules = take('rules_fired') ?? take('rules');
  const version = take('rule_set_version') ?? take('rules_version');
  if (by || reason) items.push(h('p', {}, by ? `By ${by}` : '', by && reason ? ': ' : '', reason ?? ''));
  if (error)
    items.push(
      h(
        'p',
        { class: 'text-bad' },
        errorClass ? `${fmt.words(errorClass)} error: ` : 'Error: ',
        String(error),
      ),
    );
  if (Array.isArray(rules) && rules.length) {
    items.push(
      h(
        'div',
        { class: 'small' },
        h('strong', {}, `Rules that fired${version ? ` (rule set v${version})` : ''}:`),
        h(
          'ul',
          {},
          rules.map((r) =>
            h(
              'li',
              {},
              typeof r === 'string'
                ? r
                : `${r.name ?? r.id}${r.why ? ` — ${r.why}` : ''}${r.actions ? ` → ${r.actions.map((a) => a.type ?? a).join(', ')}` : ''}`,
            ),
          ),
        ),
      ),
    );
  }
  const keys = Object.keys(rest);
  if (keys.length)
    items.push(
      h(
        'dl',
        { class: 'kv small' },
        keys.map((k) => [h('dt', {}, fmt.words(k)), h('dd', {}, value(rest[k]))]),
      ),
    );
  return items;
}

function timeline(events) {
  if (!events.length) return h('p', { class: 'muted' }, 'Nothing recorded yet.');
  return h(
    'ol',
    { class: 'timeline', id: 'timeline' },
    events.map((e) =>
      h(
        'li',
        { class: `tl-item tl-${e.kind}`, dataset: { kind: e.kind } },
        h('div', { class: 'tl-time small muted' }, fmt.dateTime(e.at)),
        h(
          'div',
          { class: 'tl-body' },
          h(
            'div',
            { class: 'tl-title' },
            h('strong', {}, EVENT_TITLES[e.kind] ?? fmt.words(e.kind)),
            ' ',
            e.from && e.to && e.from !== e.to ? [pill(e.from), ' → ', pill(e.to)] : e.to ? pill(e.to) : null,
          ),
          explain(e.detail ?? {}),
        ),
      ),
    ),
  );
}

/** Renders one order and keeps it live; returns the cleanup. */
export function render(view, { live, params: [orderId] }) {
  const message = notice();
  const body = h('div', { class: 'stack' }, h('p', { class: 'muted' }, 'Loading…'));
  replace(
    view,
    h('div', { class: 'page-head' }, h('a', { href: '#/orders', class: 'muted' }, '← Orders')),
    message.el,
    body,
  );

  let busy = false;
  const act = async (action) => {
    const spec = ACTIONS.find((a) => a.action === action);
    if (spec.confirm && !window.confirm(spec.confirm)) return;
    busy = true;
    try {
      const result = await api(`/api/orders/${encodeURIComponent(orderId)}/${action}`, {
        method: 'POST',
        body: {},
      });
      message.show(
        `${spec.label}: done, the order is ${fmt.words(result.state)}${result.hold_reason ? ` (on hold: ${result.hold_reason})` : ''}.`,
        'ok',
      );
    } catch (error) {
      message.show(errorText(error));
    } finally {
      busy = false;
      await load();
    }
  };

  const load = async () => {
    let o;
    try {
      o = await api(`/api/orders/${encodeURIComponent(orderId)}`);
    } catch (error) {
      replace(body, card(null, h('p', { class: 'error' }, errorText(error))));
      return;
    }
    replace(
      body,
      h(
        'div',
        { class: 'order-head' },
        h('h1', { class: 'mono' }, o.id),
        pill(o.state),
        pill(o.priority, 'priority'),
        o.hold_reason
          ? h('span', { class: 'pill hold', id: 'hold-badge' }, `on hold: ${o.hold_reason}`)
          : null,
        h(
          'div',
          { class: 'actions', id: 'order-actions' },
          ACTIONS.map((a) =>
            h(
              'button',
              {
                type: 'button',
                class: a.tone,
                disabled: busy,
                dataset: { action: a.action },
                onclick: () => act(a.action),
              },
              a.label,
            ),
          ),
        ),
      ),
      h(
        'div',
        { class: 'grid-2' },
        card(
          'Order',
          h(
            'dl',
            { class: 'facts' },
            fact('Shop', o.shop_id),
            fact('Received', fmt.dateTime(o.received_at)),
            fact('SLA deadline', `${fmt.dateTime(o.sla_deadline)} (${fmt.ago(o.sla_deadline)})`),
            fact('TikTok status', o.tiktok_status),
            fact('Carrier', o.carrier ? `${o.carrier}${o.service ? ` · ${o.service}` : ''}` : null),
            fact('Tracking', o.tracking_number),
            fact(
              'Label',
              // Only web links become links: a label URL comes from outside.
              /^https?:\/\//i.test(o.label_url ?? '')
                ? h('a', { href: o.label_url, target: '_blank', rel: 'noopener noreferrer' }, 'open label')
                : o.label_url,
            ),
            o.failure_reason ? fact('Failure', h('span', { class: 'text-bad' }, o.failure_reason)) : null,
          ),
        ),
        card(
          'Lines',
          dataTable(
            ['Seller SKU', 'SKU id', ['Qty', 'num']],
            h(
              'tbody',
              {},
              o.lines.map((l) =>
                h(
                  'tr',
                  {},
                  h('td', {}, l.seller_sku || '—'),
                  h('td', { class: 'mono small' }, l.sku_id),
                  h('td', { class: 'num' }, l.quantity),
                ),
              ),
            ),
          ),
        ),
      ),
      card(`Timeline (${o.events.length})`, timeline(o.events)),
    );
  };
  void load();

  const off = live.on('orders', ({ changes }) => {
    if (!busy && changes.some((c) => c.order_id === orderId)) void load();
  });
  return off;
}
