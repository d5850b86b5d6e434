/*
 * pages.js -- shared by the signed-in pages (login, upload, uploads, alerts,
 * access), loaded before each page's own script: the CSRF double-submit token
 * (the steady_csrf cookie's value, sent back as X-CSRF-Token on every change;
 * see docs/api.md, access control) and two small DOM helpers.
 * ES2017, no inline script (strict CSP), text only via textContent.
 */
var SteadyPage = (function () {
  'use strict';

  /* the session's CSRF token, or null when not signed in with a session */
  function csrf() {
    var m = /(?:^|;\s*)steady_csrf=([^;]+)/.exec(document.cookie);
    return m ? decodeURIComponent(m[1]) : null;
  }

  /* headers h (or a new object) with X-CSRF-Token added when there is a token */
  function csrfHeaders(h) {
    h = h || {};
    var token = csrf();
    if (token) h['X-CSRF-Token'] = token;
    return h;
  }

  /* a table cell with text (null and undefined: empty) and an optional class, appended to tr */
  function cell(tr, text, cls) {
    var td = document.createElement('td');
    td.textContent = text === null || text === undefined ? '' : String(text);
    if (cls) td.className = cls;
    tr.appendChild(td);
    return td;
  }

  function clear(el) {
    while (el.firstChild) el.removeChild(el.firstChild);
  }

  return { csrf: csrf, csrfHeaders: csrfHeaders, cell: cell, clear: clear };
}());
