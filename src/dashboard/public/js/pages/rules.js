// Rules: the published set and the draft, edited as a form (conditions and actions as JSON), with
// the API's validation errors shown next to the field they name; dry run, publish, roll back.
import { api, query } from '../api.js';
import { card, dataTable, errorText, fmt, h, inlineField, notice, pageHead, replace } from '../dom.js';

const CATEGORIES = [
  'viral_detection',
  'priority_classification',
  'inventory_management',
  'shipping_optimization',
  'exception_handling',
];
const FIELDS = ['id', 'name', 'category', 'priority', 'enabled', 'stop_processing', 'conditions', 'actions'];

/** Splits `rules[2].conditions.all[0].operator` into rule 2, field conditions, rest `all[0].operator`. */
export function locateProblem(field) {
  const m = /^(?:rules)?\[(\d+)\](?:\.([a-z_]+))?(.*)$/.exec(field);
  if (!m) return undefined;
  return { index: Number(m[1]), field: m[2] ?? 'id', rest: m[3].replace(/^\./, '') };
}

function errorSlot(index, field) {
  return h('p', {
    class: 'field-error',
    dataset: { errorFor: `${index}.${field}` },
    role: 'alert',
    hidden: true,
  });
}

function ruleCard(rule, index, onRemove) {
  const text = (field, value, attrs = {}) =>
    h(
      'label',
      { class: 'field' },
      h('span', {}, fmt.words(field)),
      h('input', { name: field, value: value ?? '', ...attrs }),
      errorSlot(index, field),
    );
  const json = (field, value) => {
    const text = JSON.stringify(value ?? (field === 'actions' ? [] : {}), null, 2);
    const rows = Math.min(16, Math.max(2, text.split('\n').length));
    return h(
      'label',
      { class: 'field wide' },
      h('span', {}, `${field} (JSON)`),
      h('textarea', { name: field, rows, spellcheck: 'false', class: 'mono' }, text),
      errorSlot(index, field),
    );
  };
  const check = (field, value) =>
    h(
      'label',
      { class: 'check' },
      h('input', { type: 'checkbox', name: field, checked: Boolean(value) }),
      ` ${fmt.words(field)}`,
      errorSlot(index, field),
    );
  return h(
    'fieldset',
    { class: 'rule-card', dataset: { index } },
    h('legend', {}, rule.name || rule.id || `Rule ${index + 1}`),
    h(
      'div',
      { class: 'rule-grid' },
      text('id', rule.id, { required: true }),
      text('name', rule.name),
      h(
        'label',
        { class: 'field' },
        h('span', {}, 'category'),
        h(
          'select',
          { name: 'category' },
          CATEGORIES.map((c) => h('option', { value: c, selected: c === rule.category }, fmt.words(c))),
        ),
        errorSlot(index, 'category'),
      ),
      text('priority', rule.priority, { type: 'number', step: 'any' }),
      h(
        'div',
        { class: 'checks' },
        check('enabled', rule.enabled ?? true),
        check('stop_processing', rule.stop_processing ?? false),
      ),
    ),
    json('conditions', rule.conditions),
    json('actions', rule.actions),
    h('button', { type: 'button', class: 'ghost small-btn', onclick: onRemove }, 'Remove rule'),
  );
}

/** Reads the form back into rules; JSON that does not parse is reported in place, as the API would. */
function readRules(form) {
  const problems = [];
  const rules = [...form.querySelectorAll('.rule-card')].map((card, index) => {
    const get = (name) => card.querySelector(`[name="${name}"]`);
    const parse = (name) => {
      try {
        return JSON.parse(get(name).value);
      } catch (error) {
        problems.push({ field: `rules[${index}].${name}`, message: `is not valid JSON (${error.message})` });
        return undefined;
      }
    };
    const priority = get('priority').value.trim();
    return {
      id: get('id').value.trim(),
      name: get('name').value.trim(),
      category: get('category').value,
      priority: priority === '' ? undefined : Number(priority),
      enabled: get('enabled').checked,
      stop_processing: get('stop_processing').checked,
      conditions: parse('conditions'),
      actions: parse('actions'),
    };
  });
  return { rules, problems };
}

function showProblems(form, problems) {
  for (const slot of form.querySelectorAll('.field-error')) {
    slot.hidden = true;
    slot.textContent = '';
  }
  for (const el of form.querySelectorAll('.invalid')) el.classList.remove('invalid');
  const unplaced = [];
  for (const p of problems) {
    const where = locateProblem(p.field);
    const slot =
      where && FIELDS.includes(where.field)
        ? form.querySelector(`[data-error-for="${where.index}.${where.field}"]`)
        : null;
    if (!slot) {
      unplaced.push(p);
      continue;
    }
    slot.hidden = false;
    slot.textContent = [slot.textContent, `${where.rest ? `${where.rest}: ` : ''}${p.message}`]
      .filter(Boolean)
      .join(' · ');
    slot.closest('.field, .check')?.classList.add('invalid');
  }
  form.querySelector('.invalid')?.scrollIntoView({ block: 'center' });
  return unplaced;
}

function dryRunReport(r) {
  const transitions = Object.entries(r.priority?.transitions ?? {});
  return h(
    'div',
    { class: 'dry-run', id: 'dry-run' },
    h(
      'p',
      {},
      h('strong', {}, `${fmt.int(r.changed)} of ${fmt.int(r.orders)} orders`),
      ` would be decided differently than by published v${r.published_version}.`,
    ),
    h(
      'ul',
      { class: 'plain chips' },
      h('li', {}, `priority ${r.priority.changed}`),
      h('li', {}, `holds +${r.holds.added} / −${r.holds.removed}`),
      h('li', {}, `manual review ${r.manual_review.changed}`),
      h('li', {}, `carrier ${r.carrier.changed}`),
      h('li', {}, `service ${r.service.changed}`),
    ),
    transitions.length
      ? h('p', { class: 'small' }, 'Priority moves: ', transitions.map(([k, n]) => `${k} ×${n}`).join(', '))
      : null,
    r.examples.length
      ? dataTable(
          ['Order', 'Now', 'With the draft'],
          h(
            'tbody',
            {},
            r.examples.map((e) =>
              h(
                'tr',
                {},
                h(
                  'td',
                  {},
                  h('a', { href: `#/orders/${encodeURIComponent(e.order_id)}`, class: 'mono' }, e.order_id),
                ),
                h(
                  'td',
                  {},
                  `${e.before.priority}${e.before.holds.length ? `, hold ${e.before.holds.join('/')}` : ''} · ${e.before.fired.join(', ') || 'no rule'}`,
                ),
                h(
                  'td',
                  {},
                  `${e.after.priority}${e.after.holds.length ? `, hold ${e.after.holds.join('/')}` : ''} · ${e.after.fired.join(', ') || 'no rule'}`,
                ),
              ),
            ),
          ),
          { class: 'table small' },
        )
      : null,
  );
}

/** Renders the rules page; returns the cleanup. */
export function render(view) {
  const message = notice();
  const scopeSelect = h('select', { id: 'rules-scope' }, h('option', { value: '' }, 'Default (every shop)'));
  const status = h('div', { class: 'muted small', id: 'rules-status' });
  const form = h('form', { id: 'rules-form', novalidate: true });
  const result = h('div');
  const versionSelect = h('select', { id: 'rollback-version' });
  const scope = () => scopeSelect.value || undefined;

  const call = async (label, fn) => {
    message.clear();
    try {
      await fn();
    } catch (error) {
      const problems = error.details?.problems ?? [];
      const unplaced = showProblems(form, problems);
      message.show(
        problems.length && !unplaced.length
          ? `${label}: fix the ${problems.length === 1 ? 'field' : `${problems.length} fields`} marked below.`
          : `${label}: ${errorText(error)}`,
      );
    }
  };
  const withRules = (label, fn) =>
    call(label, async () => {
      const { rules, problems } = readRules(form);
      if (problems.length) {
        showProblems(form, problems);
        message.show(`${label}: fix the fields marked below.`);
        return;
      }
      showProblems(form, []);
      await fn(rules);
    });

  const draw = (rules) => {
    replace(
      form,
      rules.map((r, i) => ruleCard(r, i, () => draw(readRules(form).rules.filter((_, j) => j !== i)))),
    );
  };

  const load = async () =>
    call('Loading rules', async () => {
      const view = await api(`/api/rules${query({ shop_id: scope() })}`);
      const editing = view.draft ?? view.published;
      status.textContent =
        `Published v${view.published.version}${view.published.inherited ? ' (inherited from the default)' : ''}` +
        (view.draft ? ` · editing draft v${view.draft.version}` : ' · no draft: saving starts one');
      draw(editing.rules);
      const { versions } = await api(`/api/rules/versions${query({ shop_id: scope() })}`);
      replace(
        versionSelect,
        versions
          .filter((v) => v.status !== 'draft')
          .map((v) =>
            h('option', { value: v.version }, `v${v.version} · ${v.status}${v.note ? ` · ${v.note}` : ''}`),
          ),
      );
    });

  replace(
    view,
    pageHead('Rules', inlineField('Scope', scopeSelect)),
    status,
    message.el,
    h(
      'div',
      { class: 'toolbar' },
      h(
        'button',
        {
          type: 'button',
          class: 'ghost',
          onclick: () =>
            draw([
              ...readRules(form).rules,
              {
                id: '',
                name: '',
                category: 'priority_classification',
                priority: 100,
                enabled: true,
                stop_processing: false,
                conditions: { field: 'order.value', operator: 'greater_than', value: 0 },
                actions: [],
              },
            ]),
        },
        '+ Add rule',
      ),
      h(
        'button',
        {
          type: 'button',
          class: 'ghost',
          id: 'dry-run-btn',
          onclick: () =>
            withRules('Dry run', async (rules) => {
              replace(
                result,
                card(
                  'Dry run',
                  dryRunReport(
                    await api('/api/rules/dry-run', { method: 'POST', body: { shop_id: scope(), rules } }),
                  ),
                ),
              );
            }),
        },
        'Dry run',
      ),
      h(
        'button',
        {
          type: 'button',
          class: 'primary',
          id: 'save-draft',
          onclick: () =>
            withRules('Saving', async (rules) => {
              await api('/api/rules', { method: 'POST', body: { shop_id: scope(), rules } });
              await load();
              message.show('Draft saved. Publish it to apply it to new orders.', 'ok');
            }),
        },
        'Save draft',
      ),
      h(
        'button',
        {
          type: 'button',
          class: 'primary',
          id: 'publish',
          onclick: () =>
            call('Publishing', async () => {
              const { published } = await api('/api/rules/publish', {
                method: 'POST',
                body: { shop_id: scope() },
              });
              await load();
              message.show(`Published v${published.version}.`, 'ok');
            }),
        },
        'Publish draft',
      ),
      h('span', { class: 'toolbar-sep' }),
      versionSelect,
      h(
        'button',
        {
          type: 'button',
          class: 'danger',
          onclick: () =>
            call('Rolling back', async () => {
              const version = Number(versionSelect.value);
              const { published } = await api('/api/rules/rollback', {
                method: 'POST',
                body: { shop_id: scope(), version },
              });
              await load();
              message.show(`Rolled back: v${published.version} now runs (a copy of v${version}).`, 'ok');
            }),
        },
        'Roll back to',
      ),
    ),
    form,
    result,
  );

  api('/api/shops').then(
    ({ shops }) => {
      for (const s of shops) scopeSelect.append(h('option', { value: s.shop_id }, s.name || s.shop_id));
    },
    () => {},
  );
  scopeSelect.addEventListener('change', () => void load());
  void load();
  return () => {};
}
