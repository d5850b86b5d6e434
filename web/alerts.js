/*
 * Steady alerts admin page (ES2017, no inline script, text only in the DOM):
 * active alerts with acknowledge, history with every transition, rules
 * (service-wide defaults and team overrides), receivers with their delivery
 * failures.  Talks to the API of docs/api.md ("Alerts"); refreshes every 15 s.
 */
'use strict';

(function () {
  const FIGURES = [
    ['agency_rate_fte', 'Agency rate (FTE)', '%'], ['agency_rate_headcount', 'Agency rate (headcount)', '%'],
    ['vacancy_rate', 'Vacancy rate', '%'], ['turnover_rate', 'Turnover rate', '%'],
    ['stability_index', 'Stability index', '%'], ['average_caseload', 'Average caseload', ' per FTE'],
    ['absence_rate', 'Absence rate', '%'], ['caseload_churn', 'Caseload churn', ' per case'],
    ['children_3plus_workers', 'Children with 3+ workers', '%'],
  ];
  const LABEL = {};
  const UNIT = {};
  FIGURES.forEach(function (f) { LABEL[f[0]] = f[1]; UNIT[f[0]] = f[2]; });
  const SYMBOL = { red: '\u25B2 RED', amber: '\u25CF AMBER', normal: '\u2713 OK', no_data: '\u2013 NO DATA' };

  const $ = function (sel) { return document.querySelector(sel); };
  let rulesCache = [];
  let leaving = false;

  function el(tag, attrs, children) {
    const e = document.createElement(tag);
    if (attrs) {
      Object.keys(attrs).forEach(function (k) {
        if (k === 'text') e.textContent = attrs[k];
        else if (k === 'class') e.className = attrs[k];
        else e.setAttribute(k, attrs[k]);
      });
    }
    (children || []).forEach(function (c) { if (c) e.appendChild(typeof c === 'string' ? document.createTextNode(c) : c); });
    return e;
  }

  /* the status line; fromLoad: a failure of the periodic refresh, which the next good refresh clears
     (a failed action's message stays until the next action) */
  let statusFromLoad = false;
  function status(msg, isError, fromLoad) {
    const s = $('#status');
    s.textContent = msg;
    s.className = isError ? 'status error' : 'status';
    statusFromLoad = !!fromLoad;
  }

  async function api(method, url, body) {
    const headers = { Accept: 'application/json' };
    if (body !== undefined) headers['Content-Type'] = 'application/json';
    if (method !== 'GET') SteadyPage.csrfHeaders(headers);   // pages.js
    const res = await fetch(url, { method: method, headers: headers, credentials: 'same-origin',
      body: body === undefined ? undefined : JSON.stringify(body) });
    if (res.status === 401) {
      /* signed out (or the session ended): to the login page, which sends the user back here;
         nothing more happens on this page (the promise never settles) */
      if (!leaving) {
        leaving = true;
        window.location.assign('login.html?next=' + encodeURIComponent(window.location.pathname));
      }
      return new Promise(function () {});
    }
    let data = null;
    try { data = await res.json(); } catch (e) { data = null; }
    return { status: res.status, ok: res.ok, data: data };
  }

  function fmt(figure, v) {
    if (v === null || v === undefined) return 'no data';
    const places = figure === 'caseload_churn' ? 2 : 1;
    return Number(v).toFixed(places) + (UNIT[figure] || '');
  }

  function when(ts) {
    if (!ts) return '';
    const d = new Date(ts);
    return isNaN(d) ? String(ts) : d.toLocaleString('en-GB', { dateStyle: 'medium', timeStyle: 'short' });
  }

  function levelBadge(level) {
    return el('span', { class: 'level ' + level, text: SYMBOL[level] || level });
  }

  function fillBody(table, rows) {
    const tb = table.querySelector('tbody');
    SteadyPage.clear(tb);
    rows.forEach(function (r) { tb.appendChild(r); });
  }

  function problems(list, res) {
    SteadyPage.clear(list);
    const d = res.data || {};
    const items = d.errors && d.errors.length ? d.errors.map(function (e) { return (e.column ? e.column + ': ' : '') + e.message; })
      : [d.error || ('HTTP ' + res.status)];
    items.forEach(function (t) { list.appendChild(el('li', { text: t })); });
  }

  // ---- alerts ----
  function ackCell(a) {
    if (a.acknowledged) {
      return el('td', null, [el('strong', { text: a.acked_by || '' }), ' ' + when(a.acked_at), el('br'), a.ack_comment || '']);
    }
    const input = el('input', { type: 'text', maxlength: '2000', placeholder: 'what is being done', 'aria-label': 'Comment' });
    const btn = el('button', { type: 'button', text: 'Acknowledge' });
    btn.addEventListener('click', async function () {
      if (!input.value.trim()) { input.focus(); status('An acknowledgement needs a comment.', true); return; }
      const r = await api('POST', 'api/v1/alerts/' + a.id + '/ack', { comment: input.value.trim() });
      if (r.ok) { status('Alert acknowledged.'); load('Alert acknowledged.'); } else status((r.data && r.data.error) || 'Acknowledge failed', true);
    });
    return el('td', null, [el('div', { class: 'ack' }, [input, btn])]);
  }

  function renderAlerts(d) {
    const active = d.active || [];
    $('#no-active').hidden = active.length > 0;
    fillBody($('#active'), active.map(function (a) {
      return el('tr', null, [
        el('td', null, [levelBadge(a.level)]),
        el('td', { text: a.team_name + ' (' + a.team + ')' }),
        el('td', { text: LABEL[a.figure] || a.figure }),
        el('td', { class: 'num', text: fmt(a.figure, a.value) }),
        el('td', { text: when(a.fired_at) + ' at ' + fmt(a.figure, a.fired_value) }),
        ackCell(a),
        el('td', { text: a.as_of ? 'figures as of ' + a.as_of : '' }),
      ]);
    }));
    fillBody($('#history'), (d.history || []).map(function (a) {
      const ev = el('ul', { class: 'events' }, (a.events || []).map(function (e) {
        let t = when(e.at) + ': ' + e.transition + (e.from !== e.to ? ' ' + e.from + ' \u2192 ' + e.to : '');
        if (e.value !== null && e.value !== undefined && e.transition !== 'ack') t += ' (' + fmt(a.figure, e.value) + ')';
        if (e.by) t += ' by ' + e.by;
        if (e.comment) t += ': \u201C' + e.comment + '\u201D';
        return el('li', { text: t });
      }));
      return el('tr', null, [
        el('td', { text: String(a.id) }),
        el('td', null, [levelBadge(a.peak_level)]),
        el('td', { text: a.team }),
        el('td', { text: LABEL[a.figure] || a.figure }),
        el('td', { text: when(a.fired_at) + ' (' + fmt(a.figure, a.fired_value) + ')' }),
        el('td', { text: a.acked_by ? a.acked_by + ': ' + (a.ack_comment || '') : '' }),
        el('td', { text: a.cleared_at ? when(a.cleared_at) + ' (' + (a.cleared_how === 'no_data' ? 'no data' : fmt(a.figure, a.cleared_value)) + ')' : 'active' }),
        el('td', null, [ev]),
      ]);
    }));
  }

  // ---- rules ----
  function renderRules(d) {
    rulesCache = d.rules || [];
    const form = $('#rule-form');
    if (form.amber.value === '') {
      const def = rulesCache.find(function (x) { return x.figure === form.figure.value && !x.team; });
      if (def) fillRuleFormValues(def);
    }
    fillBody($('#rules'), rulesCache.map(function (r) {
      const edit = el('button', { type: 'button', class: 'secondary', text: 'Edit' });
      edit.addEventListener('click', function () { fillRuleForm(r); });
      const cells = [
        el('td', { text: LABEL[r.figure] || r.figure }),
        el('td', { text: r.team || 'all teams (default)' }),
        el('td', { text: r.enabled ? 'yes' : 'no' }),
        el('td', { text: r.direction === 'lower_is_worse' ? 'lower' : 'higher' }),
        el('td', { class: 'num', text: r.amber + ' (' + r.amber_clear + ')' }),
        el('td', { class: 'num', text: r.red + ' (' + r.red_clear + ')' }),
        el('td', { class: 'num', text: String(r.min_den) }),
        el('td', { class: 'num', text: String(r.pending) }),
        el('td', { text: when(r.updated_at) + ' by ' + r.updated_by }),
        el('td', null, [edit]),
      ];
      if (r.team) {
        const del = el('button', { type: 'button', class: 'secondary', text: 'Remove override' });
        del.addEventListener('click', async function () {
          const q = new URLSearchParams({ figure: r.figure, team: r.team });
          const res = await api('DELETE', 'api/v1/rules?' + q.toString());
          if (res.ok) { status('Override removed.'); load('Override removed.'); } else status((res.data && res.data.error) || 'Failed', true);
        });
        cells[cells.length - 1].appendChild(del);
      }
      return el('tr', null, cells);
    }));
  }

  function fillRuleFormValues(r) {
    const f = $('#rule-form');
    f.figure.value = r.figure;
    f.team.value = r.team || '';
    ['amber', 'amber_clear', 'red', 'red_clear', 'min_den', 'pending'].forEach(function (k) { f[k].value = r[k]; });
    f.enabled.checked = !!r.enabled;
  }

  function fillRuleForm(r) {
    fillRuleFormValues(r);
    $('#rule-form').scrollIntoView({ behavior: 'smooth' });
  }

  function setupRuleForm() {
    const f = $('#rule-form');
    FIGURES.forEach(function (x) { f.figure.appendChild(el('option', { value: x[0], text: x[1] })); });
    f.figure.addEventListener('change', function () {
      const r = rulesCache.find(function (x) { return x.figure === f.figure.value && !x.team; });
      if (r) fillRuleForm(Object.assign({}, r, { team: f.team.value }));
    });
    f.addEventListener('submit', async function (ev) {
      ev.preventDefault();
      const body = { figure: f.figure.value, team: f.team.value.trim() || null, enabled: f.enabled.checked };
      ['amber', 'amber_clear', 'red', 'red_clear', 'min_den'].forEach(function (k) { body[k] = Number(f[k].value); });
      body.pending = parseInt(f.pending.value, 10);
      const res = await api('PUT', 'api/v1/rules', body);
      const list = $('#rule-problems');
      if (res.ok) { SteadyPage.clear(list); status('Rule saved.'); load('Rule saved.'); } else problems(list, res);
    });
  }

  // ---- receivers ----
  function renderReceivers(d) {
    fillBody($('#receivers'), (d.receivers || []).map(function (r) {
      const fails = el('ul', { class: 'events' }, (r.failures || []).slice(0, 5).map(function (x) {
        const t = (x.failed_at ? 'GAVE UP ' + when(x.failed_at) : 'retrying, next ' + when(x.next_attempt_at)) +
          ': ' + (x.last_error || '') + ' (' + x.attempts + ' attempts; ' + (x.team || '') + ' ' + (LABEL[x.figure] || x.figure || '') + ')';
        return el('li', { class: x.failed_at ? 'failure' : '', text: t });
      }));
      const del = el('button', { type: 'button', class: 'secondary', text: 'Delete' });
      del.addEventListener('click', async function () {
        if (!window.confirm('Delete receiver ' + r.name + '? Undelivered notifications to it are dropped.')) return;
        const res = await api('DELETE', 'api/v1/receivers/' + r.id);
        if (res.ok) { status('Receiver deleted.'); load('Receiver deleted.'); } else status((res.data && res.data.error) || 'Failed', true);
      });
      return el('tr', null, [
        el('td', { text: r.name + (r.enabled ? '' : ' (disabled)') }),
        el('td', { text: r.kind }),
        el('td', { text: r.url }),
        el('td', { class: 'num', text: String(r.delivered) }),
        el('td', { class: 'num', text: String(r.pending) }),
        el('td', { class: 'num' + (r.failed ? ' failure' : ''), text: String(r.failed) }),
        el('td', null, [fails]),
        el('td', null, [del]),
      ]);
    }));
  }

  function setupReceiverForm() {
    const f = $('#receiver-form');
    f.addEventListener('submit', async function (ev) {
      ev.preventDefault();
      const res = await api('POST', 'api/v1/receivers', {
        name: f.name.value.trim(), kind: f.kind.value, url: f.url.value.trim(), timeout_ms: parseInt(f.timeout_ms.value, 10),
      });
      const list = $('#receiver-problems');
      if (res.ok) { SteadyPage.clear(list); f.reset(); status('Receiver added.'); load('Receiver added.'); } else problems(list, res);
    });
  }

  /* done: what the action that asked for this refresh did, shown instead of "Updated ..." */
  async function load(done) {
    try {
      const [a, r, x] = await Promise.all([api('GET', 'api/v1/alerts?limit=100'), api('GET', 'api/v1/rules'), api('GET', 'api/v1/receivers')]);
      if (a.ok) renderAlerts(a.data);
      if (r.ok) renderRules(r.data);
      if (x.ok) renderReceivers(x.data);
      /* receivers are for admins only: a viewer or hr user reads alerts and rules, acknowledges, changes nothing else */
      const readonly = x.status === 403;
      document.body.classList.toggle('readonly', readonly);
      $('#h-receivers').parentNode.hidden = readonly;
      $('#rule-form').hidden = readonly;
      const bad = [a, r, x].filter(function (q) { return !q.ok && !(q === x && readonly); });
      if (bad.length) status('Some sections could not be loaded (HTTP ' + bad.map(function (q) { return q.status; }).join(', ') + ').', true, true);
      else if (done) status(done);
      else if (statusFromLoad || !$('#status').classList.contains('error')) status('Updated ' + new Date().toLocaleTimeString('en-GB'));
    } catch (e) {
      status('Cannot reach the server: ' + e.message, true, true);
    }
  }

  document.addEventListener('DOMContentLoaded', function () {
    setupRuleForm();
    setupReceiverForm();
    load();
    window.setInterval(function () { load(); }, 15000);
  });
}());
