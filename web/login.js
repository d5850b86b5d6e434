// login.js -- the login page: POST /api/v1/auth/login, then back to ?next=
// (a same-site path only), or to the wall.  The session is an HttpOnly
// cookie; pages send the CSRF token from the steady_csrf cookie in the
// X-CSRF-Token header on every POST/PUT/DELETE (see docs/api.md).
(function () {
  'use strict';
  const $ = (id) => document.getElementById(id);
  const form = $('form');
  const message = $('message');

  function nextUrl() {
    const n = new URLSearchParams(location.search).get('next');
    // only a path on this site: never //host or a scheme
    return n && /^\/(?!\/)[^\\]*$/.test(n) ? n : './';
  }

  function showSignedIn(me) {
    $('who').textContent = me.user;
    $('role').textContent = me.role;
    $('continue').href = nextUrl();
    $('signed-in').hidden = false;
    form.hidden = true;
  }

  async function check() {
    try {
      const r = await fetch('api/v1/auth/me', { credentials: 'same-origin' });
      if (r.ok) {
        const me = await r.json();
        if (me.role && me.role !== 'display') showSignedIn(me);
      }
    } catch { /* offline: the form stays */ }
  }

  form.addEventListener('submit', async (e) => {
    e.preventDefault();
    message.textContent = '';
    const user = $('user').value.trim();
    const password = $('password').value;
    if (!user || !password) {
      message.textContent = 'Enter your user name and password.';
      return;
    }
    $('submit').disabled = true;
    try {
      const r = await fetch('api/v1/auth/login', {
        method: 'POST',
        credentials: 'same-origin',
        headers: { 'Content-Type': 'application/json' },
        body: JSON.stringify({ user, password }),
      });
      if (r.ok) {
        location.assign(nextUrl());
        return;
      }
      const body = await r.json().catch(() => ({}));
      if (r.status === 429) {
        const wait = r.headers.get('Retry-After');
        message.textContent = `Too many failed attempts. Try again in ${wait || 'a few'} seconds.`;
      } else if (r.status === 401) {
        message.textContent = 'Wrong user name or password.';
      } else {
        message.textContent = body.error || `Login failed (${r.status}).`;
      }
      $('password').value = '';
      $('password').focus();
    } catch {
      message.textContent = 'The server cannot be reached. Try again shortly.';
    } finally {
      $('submit').disabled = false;
    }
  });

  $('logout').addEventListener('click', async () => {
    await fetch('api/v1/auth/logout', {
      method: 'POST', credentials: 'same-origin', headers: SteadyPage.csrfHeaders(),
    }).catch(() => {});
    $('signed-in').hidden = true;
    form.hidden = false;
    message.textContent = 'You have logged out.';
  });

  check();
}());
