/*
 * uploads.js -- the upload history page: GET /api/v1/uploads (every batch and
 * every rejected upload with its problems), the original file, and revert
 * (POST /api/v1/uploads/{id}/revert).  ES2017, no inline script or style.
 */
(function () {
  'use strict';
  var $ = function (id) { return document.getElementById(id); };

  var csrfHeaders = SteadyPage.csrfHeaders;   // pages.js
  var cell = SteadyPage.cell;

  function setStatus(text, kind) {
    $('status').textContent = text || '';
    $('status').className = 'status' + (kind ? ' ' + kind : '');
  }

  function when(ts) {
    if (!ts) return '';
    var d = new Date(ts);
    return d.toLocaleString('en-GB', { day: 'numeric', month: 'short', year: 'numeric', hour: '2-digit', minute: '2-digit' });
  }

  async function revert(id) {
    if (!window.confirm('Revert batch ' + id + '? Its rows will stop counting in every figure.')) return;
    var r = await fetch('/api/v1/uploads/' + id + '/revert', { method: 'POST', credentials: 'same-origin', headers: csrfHeaders() });
    var j = {}; try { j = await r.json(); } catch (e) { /* empty */ }
    if (r.ok) setStatus('Batch ' + id + ' reverted: the dashboards have been updated.', 'ok');
    else setStatus(j.error || ('revert failed: ' + r.status), 'bad');
    load();
  }

  async function load() {
    try {
      var r = await fetch('/api/v1/uploads', { credentials: 'same-origin' });
      var j = await r.json();
      if (!r.ok) { setStatus(j.error || ('failed: ' + r.status), 'bad'); return; }
      var tb = $('rows');
      SteadyPage.clear(tb);
      j.uploads.forEach(function (u) {
        var tr = document.createElement('tr');
        if (u.id) tr.dataset.batch = u.id;
        cell(tr, u.id || '—', 'num'); cell(tr, u.kind); cell(tr, u.source); cell(tr, u.as_of);
        cell(tr, u.rows, 'num');
        var st = cell(tr, u.status, 'st-' + u.status);
        if (u.status === 'reverted' && u.reverted_by) st.title = 'reverted by ' + u.reverted_by + ' ' + when(u.reverted_at);
        if (u.status === 'rejected') {
          var ul = document.createElement('ul'); ul.className = 'errlist';
          (u.errors || []).slice(0, 20).forEach(function (e) {
            var li = document.createElement('li');
            li.textContent = (e.row ? 'row ' + e.row + ': ' : '') + e.message;
            ul.appendChild(li);
          });
          if (u.error_count > 20) { var more = document.createElement('li'); more.textContent = '… ' + (u.error_count - 20) + ' more'; ul.appendChild(more); }
          st.appendChild(ul);
        }
        cell(tr, when(u.uploaded_at)); cell(tr, u.uploaded_by);
        var act = cell(tr, '');
        if (u.id) {
          var a = document.createElement('a'); a.href = '/api/v1/uploads/' + u.id + '/original'; a.textContent = 'file';
          act.appendChild(a);
        }
        if (u.status === 'loaded') {
          var b = document.createElement('button'); b.type = 'button'; b.textContent = 'Revert'; b.className = 'revert';
          b.addEventListener('click', function () { revert(u.id); });
          act.appendChild(document.createTextNode(' '));
          act.appendChild(b);
        }
        tb.appendChild(tr);
      });
      if (!j.uploads.length) setStatus('Nothing uploaded yet.');
    } catch (e) {
      setStatus('Could not reach Steady: ' + e.message, 'bad');
    }
  }

  document.addEventListener('DOMContentLoaded', load);
})();
