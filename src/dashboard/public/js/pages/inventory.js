// Inventory: stock, reserved and available per SKU, low stock first to the eye, and purchase orders.
import { api, query } from '../api.js';
import { card, dataTable, errorText, fmt, h, inlineField, notice, pageHead, pill, replace } from '../dom.js';

function stockRow(item) {
  const low = item.available <= item.low_stock_threshold;
  const share = item.on_hand > 0 ? item.reserved / item.on_hand : 0;
  return h(
    'tr',
    { class: low ? 'row-warn' : '' },
    h('td', { class: 'mono' }, item.seller_sku),
    h('td', { class: 'num' }, fmt.int(item.on_hand)),
    h('td', { class: 'num' }, fmt.int(item.reserved)),
    h('td', { class: 'num' }, h('strong', {}, fmt.int(item.available))),
    h(
      'td',
      { class: 'hide-sm' },
      h(
        'div',
        { class: 'bar', title: `${fmt.percent(share)} reserved` },
        h('div', { class: 'bar-fill warn', style: `width:${(share * 100).toFixed(1)}%` }),
      ),
    ),
    h(
      'td',
      {},
      low
        ? h('span', { class: 'pill low-stock' }, item.available === 0 ? 'out of stock' : 'low stock')
        : h('span', { class: 'muted small' }, `alert at ${item.low_stock_threshold}`),
    ),
  );
}

function poRow(po) {
  return h(
    'tr',
    {},
    h('td', { class: 'mono' }, `#${po.id}`),
    h('td', { class: 'mono' }, po.seller_sku),
    h('td', { class: 'num' }, fmt.int(po.quantity)),
    h('td', {}, pill(po.status, 'po'), po.urgent ? h('span', { class: 'pill urgent' }, 'urgent') : null),
    h('td', { class: 'hide-sm' }, po.reason),
    h('td', { class: 'hide-sm' }, fmt.dateTime(po.created_at)),
  );
}

/** Renders the inventory page; returns the cleanup. */
export function render(view) {
  const message = notice();
  const shopSelect = h('select', { id: 'inventory-shop' });
  const stockBody = h('tbody', {}, h('tr', {}, h('td', { colspan: 6, class: 'muted' }, 'Choose a shop.')));
  const summary = h('div', { class: 'kpis small-kpis' });
  const poSlot = h('div', { id: 'purchase-orders' });
  replace(
    view,
    pageHead('Inventory', inlineField('Shop', shopSelect)),
    message.el,
    summary,
    card(
      'Stock',
      dataTable(
        [
          'SKU',
          ['On hand', 'num'],
          ['Reserved', 'num'],
          ['Available', 'num'],
          ['Reserved share', 'hide-sm'],
          '',
        ],
        stockBody,
        { id: 'stock-table' },
      ),
    ),
    card('Purchase orders', poSlot),
  );

  const load = async (shopId) => {
    try {
      const { items } = await api(`/api/shops/${encodeURIComponent(shopId)}/inventory`);
      const sorted = [...items].sort(
        (a, b) => a.available - a.low_stock_threshold - (b.available - b.low_stock_threshold),
      );
      replace(
        stockBody,
        sorted.length
          ? sorted.map(stockRow)
          : h('tr', {}, h('td', { colspan: 6, class: 'muted' }, 'No stock recorded for this shop yet.')),
      );
      const low = items.filter((i) => i.available <= i.low_stock_threshold).length;
      replace(
        summary,
        h(
          'div',
          { class: 'kpi' },
          h('div', { class: 'kpi-label' }, 'SKUs'),
          h('div', { class: 'kpi-value' }, fmt.int(items.length)),
        ),
        h(
          'div',
          { class: `kpi ${low ? 'bad' : 'good'}` },
          h('div', { class: 'kpi-label' }, 'Low or out of stock'),
          h('div', { class: 'kpi-value' }, fmt.int(low)),
        ),
        h(
          'div',
          { class: 'kpi' },
          h('div', { class: 'kpi-label' }, 'Units reserved'),
          h('div', { class: 'kpi-value' }, fmt.int(items.reduce((s, i) => s + i.reserved, 0))),
        ),
      );
      message.clear();
    } catch (error) {
      message.show(errorText(error));
    }
    try {
      const { purchase_orders: pos } = await api(
        `/api/purchase-orders${query({ shop_id: shopId, limit: 50 })}`,
      );
      replace(
        poSlot,
        pos.length
          ? dataTable(
              ['PO', 'SKU', ['Qty', 'num'], 'Status', ['Why', 'hide-sm'], ['Created', 'hide-sm']],
              h('tbody', {}, pos.map(poRow)),
            )
          : h('p', { class: 'muted' }, 'No purchase orders for this shop.'),
      );
    } catch (error) {
      replace(
        poSlot,
        h(
          'p',
          { class: 'muted' },
          error.status === 404 ? 'Purchase orders are not available on this server.' : errorText(error),
        ),
      );
    }
  };

  api('/api/shops').then(
    ({ shops }) => {
      if (!shops.length) {
        replace(
          stockBody,
          h('tr', {}, h('td', { colspan: 6, class: 'muted' }, 'No shop is registered yet.')),
        );
        return;
      }
      for (const s of shops) shopSelect.append(h('option', { value: s.shop_id }, s.name || s.shop_id));
      void load(shops[0].shop_id);
    },
    (error) => message.show(errorText(error)),
  );
  shopSelect.addEventListener('change', () => void load(shopSelect.value));
  return () => {};
}
