// Talking to CreatorFlow: the operator token (kept in sessionStorage), JSON calls with Bearer auth,
// and the live event stream (EventSource with a short-lived ticket, since it cannot send headers).

const TOKEN_KEY = 'creatorflow.token';

export const token = {
  get: () => sessionStorage.getItem(TOKEN_KEY),
  set: (value) => sessionStorage.setItem(TOKEN_KEY, value),
  clear: () => sessionStorage.removeItem(TOKEN_KEY),
};

/** An API refusal: `status`, `code`, `message`, `hint` and `details` as the server sent them. */
export class ApiError extends Error {
  constructor(status, body) {
    const error = body?.error ?? {};
    super(error.message ?? `HTTP ${status}`);
    this.status = status;
    this.code = error.code ?? 'HTTP_ERROR';
    this.hint = error.hint ?? '';
    this.details = error.details ?? {};
  }
}

/** Calls the operator API; resolves to the JSON body, or throws ApiError (401 also signs out). */
export async function api(path, { method = 'GET', body, signal } = {}) {
  const headers = { authorization: `Bearer ${token.get() ?? ''}` };
  if (body !== undefined) headers['content-type'] = 'application/json';
  const res = await fetch(path, {
    method,
    headers,
    body: body === undefined ? undefined : JSON.stringify(body),
    signal,
  });
  const text = await res.text();
  const json = text ? JSON.parse(text) : null;
  if (!res.ok) {
    const error = new ApiError(res.status, json);
    if (res.status === 401) window.dispatchEvent(new CustomEvent('creatorflow:unauthorized'));
    throw error;
  }
  return json;
}

/** Builds a query string from the defined values of `params`. */
export function query(params) {
  const q = new URLSearchParams();
  for (const [k, v] of Object.entries(params)) if (v !== undefined && v !== null && v !== '') q.set(k, v);
  const s = q.toString();
  return s ? `?${s}` : '';
}

/**
 * Opens GET /api/events and calls `on.overview(data)`, `on.orders(data)`, `on.status('live'|'retrying')`.
 * Each (re)connection first asks for a fresh ticket. Returns a function that closes the stream.
 */
export function openEvents(on) {
  let source;
  let closed = false;
  let retry;
  const connect = async () => {
    try {
      const { ticket } = await api('/api/events/ticket', { method: 'POST' });
      if (closed) return;
      source = new EventSource(`/api/events?ticket=${encodeURIComponent(ticket)}`);
      source.addEventListener('open', () => on.status?.('live'));
      source.addEventListener('overview', (e) => on.overview?.(JSON.parse(e.data)));
      source.addEventListener('orders', (e) => on.orders?.(JSON.parse(e.data)));
      source.addEventListener('error', () => {
        // The ticket in the URL expires, so reconnect ourselves with a new one.
        source.close();
        on.status?.('retrying');
        if (!closed) retry = setTimeout(connect, 2000);
      });
    } catch {
      on.status?.('retrying');
      if (!closed) retry = setTimeout(connect, 3000);
    }
  };
  void connect();
  return () => {
    closed = true;
    clearTimeout(retry);
    source?.close();
  };
}
