// Small DOM and formatting helpers. Text always goes in as text nodes, never as HTML.

/** Creates an element: h('a', {href: '#', class: 'x', onclick}, 'text', child, [more]). */
export function h(tag, attrs = {}, ...children) {
  const el = document.createElement(tag);
  for (const [key, value] of Object.entries(attrs ?? {})) {
    if (value === undefined || value === null || value === false) continue;
    if (key.startsWith('on') && typeof value === 'function') el.addEventListener(key.slice(2), value);
    else if (key === 'dataset') Object.assign(el.dataset, value);
    else if (value === true) el.setAttribute(key, '');
    else el.setAttribute(key, String(value));
  }
  append(el, children);
  return el;
}

function append(el, children) {
  for (const child of children) {
    if (child === undefined || child === null || child === false) continue;
    if (Array.isArray(child)) append(el, child);
    else el.append(child instanceof Node ? child : document.createTextNode(String(child)));
  }
}

/** Replaces an element's children. */
export function replace(el, ...children) {
  el.replaceChildren();
  append(el, children);
}

export const fmt = {
  percent: (v, digits = 1) => (v === null || v === undefined ? '—' : `${(v * 100).toFixed(digits)}%`),
  seconds: (v) => (v === null || v === undefined ? '—' : v < 10 ? `${v.toFixed(1)} s` : `${Math.round(v)} s`),
  int: (v) => (v === null || v === undefined ? '—' : Number(v).toLocaleString('en-US')),
  money: (amount, currency) => {
    try {
      return new Intl.NumberFormat('en-US', { style: 'currency', currency: currency || 'USD' }).format(
        amount,
      );
    } catch {
      return `${amount.toFixed(2)} ${currency}`;
    }
  },
  time: (v) =>
    v ? new Date(v).toLocaleTimeString([], { hour: '2-digit', minute: '2-digit', second: '2-digit' }) : '—',
  dateTime: (v) =>
    v
      ? new Date(v).toLocaleString([], {
          month: 'short',
          day: 'numeric',
          hour: '2-digit',
          minute: '2-digit',
          second: '2-digit',
        })
      : '—',
  ago: (v) => {
    if (!v) return '—';
    const s = Math.round((Date.now() - new Date(v).getTime()) / 1000);
    if (Math.abs(s) < 60) return s >= 0 ? `${s}s ago` : `in ${-s}s`;
    const m = Math.round(s / 60);
    if (Math.abs(m) < 60) return m >= 0 ? `${m} min ago` : `in ${-m} min`;
    const hr = Math.round(m / 60);
    return hr >= 0 ? `${hr} h ago` : `in ${-hr} h`;
  },
  words: (v) => String(v ?? '').replaceAll('_', ' '),
};

/** A coloured pill for a state, priority, severity or breaker state. */
export function pill(value, kind = 'state') {
  return h('span', { class: `pill ${kind}-${String(value).replaceAll('_', '-')}` }, fmt.words(value));
}

/** A page's heading and what stands beside it (a scope selector, a note). */
export function pageHead(title, ...aside) {
  return h('div', { class: 'page-head' }, h('h1', {}, title), ...aside);
}

/** A labelled control set beside a page's heading. */
export function inlineField(label, control) {
  return h('label', { class: 'field inline-field' }, h('span', {}, label), control);
}

/** A card with a title. */
export function card(title, ...body) {
  return h('section', { class: 'card' }, title ? h('h2', {}, title) : null, ...body);
}

/** An inline message area: `show(text, 'error'|'ok')`, `clear()`. */
export function notice() {
  const el = h('p', { class: 'notice', role: 'status', hidden: true });
  return {
    el,
    show(text, tone = 'error') {
      el.className = `notice ${tone}`;
      el.textContent = text;
      el.hidden = false;
    },
    clear() {
      el.hidden = true;
      el.textContent = '';
    },
  };
}

/** The text to show for a failed API call: its message, then what to do. */
export function errorText(error) {
  return error.hint ? `${error.message}. ${error.hint}` : error.message;
}

/**
 * A scrolling data table: its header cells, the body (a `<tbody>`), and any extra attributes of the
 * `<table>` (an id for the tests, say). A header cell is its label, `[label, class]` (`num` for a
 * number column, `hide-sm` for one a phone leaves out), or a `<th>` element.
 *
 * @example dataTable(['SKU', ['Qty', 'num'], ['Created', 'hide-sm']], h('tbody', {}, rows))
 */
export function dataTable(headerCells, body, attrs = {}) {
  const th = (cell) =>
    typeof cell === 'string'
      ? h('th', {}, cell)
      : Array.isArray(cell)
        ? h('th', { class: cell[1] }, cell[0])
        : cell;
  return h(
    'div',
    { class: 'table-wrap' },
    h('table', { class: 'table', ...attrs }, h('thead', {}, h('tr', {}, headerCells.map(th))), body),
  );
}
