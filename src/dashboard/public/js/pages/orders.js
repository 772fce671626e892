// Orders: filter by state, priority and shop, find one by id, page through newest first; live.
import { api, query } from '../api.js';
import { card, dataTable, errorText, fmt, h, notice, pageHead, pill, replace } from '../dom.js';
import { ORDER_STATES as STATES, PRIORITIES } from '../glossary.js';

const PAGE = 25;

function select(name, label, values, current) {
  return h(
    'label',
    { class: 'field' },
    h('span', {}, label),
    h(
      'select',
      { name, id: `filter-${name}` },
      h('option', { value: '' }, 'all'),
      values.map((v) => h('option', { value: v, selected: v === current }, fmt.words(v))),
    ),
  );
}

function row(o) {
  const overdue =
    !['shipped', 'delivered', 'cancelled', 'label_generated'].includes(o.state) &&
    new Date(o.sla_deadline) < new Date();
  return h(
    'tr',
    { dataset: { order: o.id } },
    h('td', {}, h('a', { href: `#/orders/${encodeURIComponent(o.id)}`, class: 'mono' }, o.id)),
    h('td', {}, pill(o.state), o.hold_reason ? h('span', { class: 'pill hold' }, 'held') : null),
    h('td', {}, pill(o.priority, 'priority')),
    h('td', { class: 'hide-sm' }, o.shop_id),
    h('td', { class: 'hide-sm' }, fmt.dateTime(o.received_at)),
    h('td', { class: overdue ? 'text-bad' : '' }, fmt.ago(o.sla_deadline)),
    h('td', { class: 'hide-sm' }, o.tracking_number ? `${o.carrier ?? ''} ${o.tracking_number}` : '—'),
  );
}

/** Renders the order list; returns the cleanup. */
export function render(view, { live }) {
  const state = {
    filters: { state: '', priority: '', shop_id: '' },
    cursors: [undefined],
    page: 0,
    next: null,
  };
  const message = notice();
  const tbody = h('tbody', { id: 'orders-body' });
  const pager = h('div', { class: 'pager' });
  const shopSelect = h(
    'select',
    { name: 'shop_id', id: 'filter-shop_id' },
    h('option', { value: '' }, 'all'),
  );
  const search = h('input', {
    type: 'search',
    name: 'q',
    placeholder: 'Order id',
    id: 'order-search',
    autocomplete: 'off',
  });
  const filters = h(
    'form',
    { class: 'filters', id: 'order-filters' },
    select('state', 'State', STATES, ''),
    select('priority', 'Priority', PRIORITIES, ''),
    h('label', { class: 'field' }, h('span', {}, 'Shop'), shopSelect),
    h(
      'label',
      { class: 'field grow' },
      h('span', {}, 'Find an order'),
      h('div', { class: 'inline' }, search, h('button', { type: 'submit', class: 'primary' }, 'Open')),
    ),
  );
  replace(
    view,
    pageHead('Orders', h('span', { class: 'muted small' }, 'newest first, updates live')),
    card(
      null,
      filters,
      message.el,
      dataTable(
        [
          ['Order', 'State', 'Priority', 'Shop', 'Received', 'SLA deadline', 'Tracking'].map((t, i) =>
            h('th', { class: [3, 4, 6].includes(i) ? 'hide-sm' : '' }, t),
          ),
        ],
        tbody,
        { id: 'orders-table' },
      ),
      pager,
    ),
  );

  let loading;
  const load = async () => {
    const controller = new AbortController();
    loading?.abort();
    loading = controller;
    try {
      const page = await api(
        `/api/orders${query({ ...state.filters, limit: PAGE, cursor: state.cursors[state.page] })}`,
        { signal: controller.signal },
      );
      state.next = page.next_cursor;
      message.clear();
      replace(
        tbody,
        page.orders.length
          ? page.orders.map(row)
          : h(
              'tr',
              {},
              h(
                'td',
                { colspan: 7, class: 'muted' },
                // A state orders pass through is looked for a few thousand orders at a time.
                state.next
                  ? 'None on this page of a long backlog; Next looks further back.'
                  : 'No orders match these filters.',
              ),
            ),
      );
      replace(
        pager,
        h(
          'button',
          {
            type: 'button',
            class: 'ghost',
            disabled: state.page === 0,
            onclick: () => {
              state.page -= 1;
              void load();
            },
          },
          '← Newer',
        ),
        h('span', { class: 'muted small' }, `page ${state.page + 1}`),
        h(
          'button',
          {
            type: 'button',
            class: 'ghost',
            disabled: !state.next,
            onclick: () => {
              state.cursors[state.page + 1] = state.next;
              state.page += 1;
              void load();
            },
          },
          'Older →',
        ),
      );
    } catch (error) {
      if (error.name !== 'AbortError') message.show(errorText(error));
    }
  };

  filters.addEventListener('change', (event) => {
    if (!event.target.name || event.target.name === 'q') return;
    state.filters[event.target.name] = event.target.value;
    state.cursors = [undefined];
    state.page = 0;
    void load();
  });
  filters.addEventListener('submit', (event) => {
    event.preventDefault();
    const id = search.value.trim();
    if (id) location.hash = `#/orders/${encodeURIComponent(id)}`;
  });

  api('/api/shops').then(
    ({ shops }) => {
      for (const s of shops) shopSelect.append(h('option', { value: s.shop_id }, s.name || s.shop_id));
    },
    () => {},
  );
  void load();

  // Live: the first page refreshes when orders change (at most once a second).
  let pending;
  const off = live.on('orders', () => {
    if (state.page !== 0 || pending) return;
    pending = setTimeout(() => {
      pending = undefined;
      void load();
    }, 1000);
  });
  return () => {
    off();
    clearTimeout(pending);
    loading?.abort();
  };
}
