// Alerts: what is wrong now (acknowledge it), what was wrong before, and the rules that decide.
import { api } from '../api.js';
import { card, dataTable, errorText, fmt, h, notice, pill, replace } from '../dom.js';

function duration(a) {
  const end = a.resolved_at ? new Date(a.resolved_at) : new Date();
  const s = Math.round((end - new Date(a.started_at)) / 1000);
  return s < 90 ? `${s} s` : s < 5400 ? `${Math.round(s / 60)} min` : `${(s / 3600).toFixed(1)} h`;
}

/** Renders the alerts page (refreshed with every live overview); returns the cleanup. */
export function render(view, { live }) {
  const message = notice();
  const activeSlot = h('div', { id: 'active-alerts' });
  const pastSlot = h('div', { id: 'past-alerts' });
  const rulesSlot = h('div');
  replace(
    view,
    h('div', { class: 'page-head' }, h('h1', {}, 'Alerts')),
    message.el,
    card('Active', activeSlot),
    card('Past', pastSlot),
    card('Alert rules', rulesSlot),
  );

  const acknowledge = async (id) => {
    try {
      await api(`/api/alerts/${id}/acknowledge`, { method: 'POST', body: { by: 'dashboard' } });
      message.show(`Alert ${id} acknowledged.`, 'ok');
      await load();
    } catch (error) {
      message.show(errorText(error));
    }
  };

  const load = async () => {
    try {
      const [{ alerts: active }, { alerts: past }] = await Promise.all([
        api('/api/alerts?status=active'),
        api('/api/alerts?status=resolved&limit=50'),
      ]);
      replace(
        activeSlot,
        active.length
          ? h(
              'ul',
              { class: 'plain alert-list' },
              active.map((a) =>
                h(
                  'li',
                  { class: `alert-item sev-${a.severity}`, dataset: { alert: a.id } },
                  h('div', {}, pill(a.severity, 'severity'), ' ', h('strong', {}, a.summary)),
                  h(
                    'div',
                    { class: 'small muted' },
                    `since ${fmt.dateTime(a.started_at)} (${duration(a)}) · worst ${a.worst_text} · rule ${a.rule_id}`,
                  ),
                  a.acknowledged_at
                    ? h(
                        'div',
                        { class: 'small' },
                        `Acknowledged by ${a.acknowledged_by} at ${fmt.time(a.acknowledged_at)}`,
                      )
                    : h(
                        'button',
                        { type: 'button', class: 'primary', onclick: () => acknowledge(a.id) },
                        'Acknowledge',
                      ),
                ),
              ),
            )
          : h('p', { class: 'muted' }, 'Nothing is wrong right now.'),
      );
      replace(
        pastSlot,
        past.length
          ? dataTable(
              [
                h('th', {}, 'Severity'),
                h('th', {}, 'Alert'),
                h('th', { class: 'hide-sm' }, 'Started'),
                h('th', {}, 'Lasted'),
                h('th', { class: 'hide-sm' }, 'Acknowledged'),
              ],
              h(
                'tbody',
                {},
                past.map((a) =>
                  h(
                    'tr',
                    {},
                    h('td', {}, pill(a.severity, 'severity')),
                    h('td', {}, a.summary),
                    h('td', { class: 'hide-sm' }, fmt.dateTime(a.started_at)),
                    h('td', {}, duration(a)),
                    h('td', { class: 'hide-sm' }, a.acknowledged_by ?? '—'),
                  ),
                ),
              ),
            )
          : h('p', { class: 'muted' }, 'No past alerts.'),
      );
    } catch (error) {
      message.show(errorText(error));
    }
  };

  api('/api/alert-rules').then(
    ({ rules }) => {
      replace(
        rulesSlot,
        dataTable(
          [
            h('th', {}, 'Rule'),
            h('th', {}, 'Condition'),
            h('th', {}, 'Severity'),
            h('th', { class: 'hide-sm' }, 'Notifies'),
            h('th', {}, 'On'),
          ],
          h(
            'tbody',
            {},
            rules.map((r) =>
              h(
                'tr',
                {},
                h('td', {}, r.name),
                h('td', { class: 'mono small' }, `${r.metric} ${fmt.words(r.comparison)} ${r.threshold}`),
                h('td', {}, pill(r.severity, 'severity')),
                h('td', { class: 'hide-sm' }, r.notify_roles.map(fmt.words).join(', ') || '—'),
                h('td', {}, r.enabled ? 'yes' : 'no'),
              ),
            ),
          ),
        ),
        h(
          'p',
          { class: 'small muted' },
          'Change a rule with PUT /api/alert-rules/{id} (see docs/dashboard.md).',
        ),
      );
    },
    (error) => replace(rulesSlot, h('p', { class: 'error' }, errorText(error))),
  );

  void load();
  let lastCount;
  const off = live.on('overview', (o) => {
    if (lastCount !== undefined && o.active_alerts !== lastCount) void load();
    lastCount = o.active_alerts;
  });
  return off;
}
