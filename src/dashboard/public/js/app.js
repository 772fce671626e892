// The dashboard shell: sign-in, the hash router, and the one live connection every page shares.
import { api, openEvents, token } from './api.js';
import { replace } from './dom.js';
import * as overview from './pages/overview.js';
import * as orders from './pages/orders.js';
import * as order from './pages/order.js';
import * as rules from './pages/rules.js';
import * as inventory from './pages/inventory.js';
import * as alerts from './pages/alerts.js';

const ROUTES = [
  { pattern: /^#\/overview$/, page: overview, nav: 'overview' },
  { pattern: /^#\/orders\/(.+)$/, page: order, nav: 'orders' },
  { pattern: /^#\/orders$/, page: orders, nav: 'orders' },
  { pattern: /^#\/rules$/, page: rules, nav: 'rules' },
  { pattern: /^#\/inventory$/, page: inventory, nav: 'inventory' },
  { pattern: /^#\/alerts$/, page: alerts, nav: 'alerts' },
];

/** Live data, shared: pages subscribe with `live.on('overview'|'orders', fn)` and get an unsubscribe. */
const live = {
  listeners: { overview: new Set(), orders: new Set() },
  last: { overview: undefined },
  on(event, fn) {
    this.listeners[event].add(fn);
    if (event === 'overview' && this.last.overview) fn(this.last.overview);
    return () => this.listeners[event].delete(fn);
  },
  emit(event, data) {
    if (event === 'overview') this.last.overview = data;
    for (const fn of this.listeners[event]) fn(data);
  },
};

let closeEvents;
let cleanup;

function showLogin(message = '') {
  closeEvents?.();
  closeEvents = undefined;
  document.getElementById('shell').hidden = true;
  document.getElementById('login').hidden = false;
  document.getElementById('login-error').textContent = message;
  document.getElementById('token').focus();
}

function startShell() {
  document.getElementById('login').hidden = true;
  document.getElementById('shell').hidden = false;
  const indicator = document.getElementById('live');
  closeEvents ??= openEvents({
    status: (s) => {
      indicator.textContent = s === 'live' ? 'live' : 'reconnecting';
      indicator.className = `live ${s}`;
    },
    overview: (data) => {
      live.emit('overview', data);
      const badge = document.getElementById('alert-badge');
      const open = data.active_alerts ?? 0;
      badge.hidden = open === 0;
      badge.textContent = String(open);
    },
    orders: (data) => live.emit('orders', data),
  });
  route();
}

function route() {
  if (!token.get()) return showLogin();
  if (!location.hash || location.hash === '#/') {
    location.replace('#/overview');
    return;
  }
  const match = ROUTES.find((r) => r.pattern.test(location.hash));
  if (!match) {
    location.replace('#/overview');
    return;
  }
  for (const a of document.querySelectorAll('#nav a')) {
    a.classList.toggle('active', a.dataset.page === match.nav);
  }
  cleanup?.();
  const view = document.getElementById('view');
  replace(view);
  const params = location.hash.match(match.pattern).slice(1).map(decodeURIComponent);
  cleanup = match.page.render(view, { live, params });
  window.scrollTo(0, 0);
}

document.getElementById('login-form').addEventListener('submit', async (event) => {
  event.preventDefault();
  const value = document.getElementById('token').value.trim();
  token.set(value);
  try {
    await api('/api/events/ticket', { method: 'POST' });
    startShell();
  } catch (error) {
    token.clear();
    showLogin(error.status === 401 ? 'That token is not the operator token.' : error.message);
  }
});

document.getElementById('logout').addEventListener('click', () => {
  token.clear();
  cleanup?.();
  showLogin();
});

window.addEventListener('creatorflow:unauthorized', () => {
  token.clear();
  showLogin('Your session ended: sign in again.');
});
window.addEventListener('hashchange', () => token.get() && route());

if (token.get()) startShell();
else showLogin();
