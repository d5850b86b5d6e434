// access.js -- the users and tokens admin page: lists and creates users, API
// tokens and display tokens, revokes tokens, deletes users (admin only; the
// API refuses everyone else).  A new token is shown once.  Mutating requests
// carry X-CSRF-Token from the steady_csrf cookie; 401 goes to the login page.
(function () {
  'use strict';
  const $ = (id) => document.getElementById(id);

  async function api(method, url, body) {
    const headers = method !== 'GET' ? SteadyPage.csrfHeaders() : {};
    if (body) headers['Content-Type'] = 'application/json';
    const r = await fetch(url, { method, headers, credentials: 'same-origin', body: body ? JSON.stringify(body) : undefined });
    if (r.status === 401) {
      location.assign('login.html?next=' + encodeURIComponent(location.pathname));
      throw new Error('not logged in');
    }
    const data = await r.json().catch(() => ({}));
    if (!r.ok) throw new Error(data.error || ('HTTP ' + r.status));
    return data;
  }

  function say(text) { $('message').textContent = text; }

  function showSecret(what, value) {
    $('secret-what').textContent = what;
    $('secret-value').textContent = value;
    $('secret').hidden = false;
  }

  const cell = SteadyPage.cell;   // pages.js

  function button(td, label, onClick) {
    const b = document.createElement('button');
    b.type = 'button';
    b.textContent = label;
    b.addEventListener('click', onClick);
    td.appendChild(b);
  }

  const day = (ts) => (ts ? String(ts).slice(0, 10) : '');

  function tokenRows(tbody, list, base, withRole) {
    tbody.replaceChildren();
    for (const t of list) {
      const tr = document.createElement('tr');
      tr.dataset.id = t.id;
      if (t.revoked_at) tr.className = 'revoked';
      cell(tr, t.id);
      cell(tr, t.label);
      if (withRole) cell(tr, t.role);
      cell(tr, day(t.created_at));
      cell(tr, t.created_by);
      cell(tr, t.revoked_at ? 'revoked ' + day(t.revoked_at) : 'active', 'state');
      const td = cell(tr, '');
      if (!t.revoked_at) {
        button(td, 'Revoke', async () => {
          if (!confirm('Revoke "' + t.label + '"? It stops working at once.')) return;
          try { await api('DELETE', base + '/' + t.id); await load(); say('Revoked "' + t.label + '".'); } catch (e) { say(e.message); }
        });
      }
      tbody.appendChild(tr);
    }
  }

  async function load() {
    const [displays, tokens, users] = await Promise.all([
      api('GET', '/api/v1/display-tokens'), api('GET', '/api/v1/tokens'), api('GET', '/api/v1/users')]);
    tokenRows($('displays'), displays, '/api/v1/display-tokens', false);
    tokenRows($('tokens'), tokens, '/api/v1/tokens', true);
    const tb = $('users');
    tb.replaceChildren();
    for (const u of users) {
      const tr = document.createElement('tr');
      cell(tr, u.name);
      cell(tr, u.role);
      cell(tr, day(u.created_at));
      button(cell(tr, ''), 'Delete', async () => {
        if (!confirm('Delete the user ' + u.name + '?')) return;
        try { await api('DELETE', '/api/v1/users/' + encodeURIComponent(u.name)); await load(); } catch (e) { say(e.message); }
      });
      tb.appendChild(tr);
    }
  }

  $('display-form').addEventListener('submit', async (e) => {
    e.preventDefault();
    try {
      const t = await api('POST', '/api/v1/display-tokens', { label: $('display-label').value.trim() });
      showSecret('Open this address on the display:', location.origin + '/?display=' + t.token);
      $('display-label').value = '';
      await load();
    } catch (err) { say(err.message); }
  });

  $('token-form').addEventListener('submit', async (e) => {
    e.preventDefault();
    try {
      const t = await api('POST', '/api/v1/tokens', { label: $('token-label').value.trim(), role: $('token-role').value });
      showSecret('Bearer token for "' + t.label + '":', t.token);
      $('token-label').value = '';
      await load();
    } catch (err) { say(err.message); }
  });

  $('user-form').addEventListener('submit', async (e) => {
    e.preventDefault();
    const body = { name: $('user-name').value.trim(), role: $('user-role').value };
    if ($('user-password').value) body.password = $('user-password').value;
    try {
      await api('POST', '/api/v1/users', body);
      $('user-name').value = '';
      $('user-password').value = '';
      say('User ' + body.name + ' added.');
      await load();
    } catch (err) { say(err.message); }
  });

  $('logout').addEventListener('click', async () => {
    await fetch('/api/v1/auth/logout', { method: 'POST', credentials: 'same-origin', headers: SteadyPage.csrfHeaders() }).catch(() => {});
    location.assign('login.html');
  });

  api('GET', '/api/v1/auth/me').then((me) => { $('me').textContent = me.user + ' (' + me.role + ')'; }).catch(() => {});
  load().catch((e) => say(e.message));
}());
