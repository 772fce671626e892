// Alerts: what is wrong now (acknowledge it), what was wrong before, and the rules that decide.
import { api } from '../api.js';
import { card, dataTable, errorText, fmt, h, notice, pageHead, pill, replace } from '../dom.js';

function duration(a) {
  const end = a.resolved_at ? new Date(a.resolved_at) : new Date();
  const s = Math.round((end - new Date(a.started_at)) / 1000);
  return s < 90 ? `${s} s` : s < 5400 ? `${Math.round(s / 60)} min` : `${(s / 3600).toFixed(1)} h`;
}

const RULE_FIELDS = [
  'comparison',
  'threshold',
  'severity',
  'notify_roles',
  'min_samples',
  'clear_for_seconds',
];

/**
 * The form that changes one alert rule: its condition, severity, who is told, how long it must
 * stay clear, and whether it is on. Saves with PUT /api/alert-rules/{id}; the API's complaints
 * appear next to the field they name.
 */
function ruleEditor(rule, catalogue, onSaved) {
  const message = notice();
  const errorSlot = (field) =>
    h('p', { class: 'field-error', dataset: { errorFor: field }, role: 'alert', hidden: true });
  const field = (name, label, input) =>
    h('label', { class: 'field' }, h('span', {}, label), input, errorSlot(name));
  const select = (name, values, current) =>
    h(
      'select',
      { name },
      values.map((v) => h('option', { value: v, selected: v === current }, fmt.words(v))),
    );
  const number = (name, value, attrs = {}) =>
    h('input', { name, type: 'number', value, step: 'any', ...attrs });

  const form = h(
    'form',
    { id: 'alert-rule-form', class: 'alert-rule-form', novalidate: true, dataset: { rule: rule.id } },
    h('h3', {}, `Edit: ${rule.name}`),
    h('p', { class: 'small muted' }, `${rule.metric}: ${catalogue.metrics[rule.metric] ?? ''}`),
    field(
      'comparison',
      'Fires when the figure is',
      select('comparison', catalogue.comparisons, rule.comparison),
    ),
    field('threshold', 'Threshold', number('threshold', rule.threshold)),
    field('severity', 'Severity', select('severity', catalogue.severities, rule.severity)),
    h(
      'fieldset',
      { class: 'field checks' },
      h('legend', {}, 'Notify'),
      catalogue.roles.map((role) =>
        h(
          'label',
          { class: 'check' },
          h('input', {
            type: 'checkbox',
            name: 'notify_roles',
            value: role,
            checked: rule.notify_roles.includes(role),
          }),
          ` ${fmt.words(role)}`,
        ),
      ),
      errorSlot('notify_roles'),
    ),
    field(
      'min_samples',
      'Needs at least (samples)',
      number('min_samples', rule.min_samples, { step: 1, min: 0 }),
    ),
    field(
      'clear_for_seconds',
      'Resolved after clear for (s)',
      number('clear_for_seconds', rule.clear_for_seconds, { step: 1, min: 0 }),
    ),
    h(
      'fieldset',
      { class: 'field checks' },
      h('legend', {}, 'Rule'),
      h(
        'label',
        { class: 'check' },
        h('input', { type: 'checkbox', name: 'enabled', checked: rule.enabled }),
        ' is on',
      ),
    ),
    message.el,
    h(
      'div',
      { class: 'actions' },
      h('button', { type: 'submit', class: 'primary' }, 'Save rule'),
      h('button', { type: 'button', onclick: () => form.remove() }, 'Cancel'),
    ),
  );

  const numberOf = (name) => {
    const value = form.elements[name].value.trim();
    return value === '' ? null : Number(value);
  };
  form.addEventListener('submit', async (event) => {
    event.preventDefault();
    for (const slot of form.querySelectorAll('.field-error')) {
      slot.hidden = true;
      slot.textContent = '';
    }
    message.clear();
    const body = {
      name: rule.name,
      metric: rule.metric,
      comparison: form.elements.comparison.value,
      threshold: numberOf('threshold'),
      severity: form.elements.severity.value,
      notify_roles: [...form.querySelectorAll('input[name="notify_roles"]:checked')].map((el) => el.value),
      min_samples: numberOf('min_samples'),
      clear_for_seconds: numberOf('clear_for_seconds'),
      enabled: form.elements.enabled.checked,
    };
    try {
      await api(`/api/alert-rules/${encodeURIComponent(rule.id)}`, { method: 'PUT', body });
      form.remove();
      onSaved(rule);
    } catch (error) {
      const problems = error.details?.problems ?? [];
      let placed = 0;
      for (const p of problems) {
        const name = RULE_FIELDS.find(
          (f) => p.field === f || p.field.startsWith(`${f}.`) || p.field.startsWith(`${f}[`),
        );
        const slot = name && form.querySelector(`[data-error-for="${name}"]`);
        if (!slot) continue;
        slot.textContent = p.message;
        slot.hidden = false;
        placed++;
      }
      message.show(
        problems.length && placed === problems.length
          ? `Not saved: fix the ${placed === 1 ? 'field' : `${placed} fields`} marked above.`
          : `Not saved: ${errorText(error)}`,
      );
    }
  });
  return form;
}

/** Renders the alerts page (refreshed with every live overview); returns the cleanup. */
export function render(view, { live }) {
  const message = notice();
  const activeSlot = h('div', { id: 'active-alerts' });
  const pastSlot = h('div', { id: 'past-alerts' });
  const rulesSlot = h('div', { id: 'alerts-page-rules' });
  replace(
    view,
    pageHead('Alerts'),
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
              ['Severity', 'Alert', ['Started', 'hide-sm'], 'Lasted', ['Acknowledged', 'hide-sm']],
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

  const rulesMessage = notice();
  const loadRules = () =>
    api('/api/alert-rules').then(
      (catalogue) => {
        const editorSlot = h('div');
        replace(
          rulesSlot,
          rulesMessage.el,
          dataTable(
            ['Rule', 'Condition', 'Severity', ['Notifies', 'hide-sm'], 'On', ''],
            h(
              'tbody',
              {},
              catalogue.rules.map((r) =>
                h(
                  'tr',
                  { dataset: { rule: r.id } },
                  h('td', {}, r.name),
                  h('td', { class: 'mono small' }, `${r.metric} ${fmt.words(r.comparison)} ${r.threshold}`),
                  h('td', {}, pill(r.severity, 'severity')),
                  h('td', { class: 'hide-sm' }, r.notify_roles.map(fmt.words).join(', ') || '—'),
                  h('td', {}, r.enabled ? 'yes' : 'no'),
                  h(
                    'td',
                    {},
                    h(
                      'button',
                      {
                        type: 'button',
                        onclick: () => replace(editorSlot, ruleEditor(r, catalogue, saved)),
                      },
                      'Edit',
                    ),
                  ),
                ),
              ),
            ),
          ),
          editorSlot,
        );
      },
      (error) => replace(rulesSlot, h('p', { class: 'error' }, errorText(error))),
    );
  const saved = (rule) => {
    void loadRules().then(() => rulesMessage.show(`Alert rule "${rule.name}" saved.`, 'ok'));
  };
  void loadRules();

  void load();
  let lastCount;
  const off = live.on('overview', (o) => {
    if (lastCount !== undefined && o.active_alerts !== lastCount) void load();
    lastCount = o.active_alerts;
  });
  return off;
}
