/*
 * upload.js -- the HR upload page: choose or drop a file, kind, source, as-of
 * date and mapping profile; preview (POST /api/v1/uploads?dry_run=1: nothing
 * stored) showing columns, counts, every problem, warnings and the change per
 * team; then Commit (the same POST without dry_run) or Cancel; Revert after.
 * ES2017, no inline script or style (strict CSP), text only via textContent.
 */
(function () {
  'use strict';
  var $ = function (id) { return document.getElementById(id); };

  var csrfHeaders = SteadyPage.csrfHeaders;   // pages.js
  var cell = SteadyPage.cell;
  var clear = SteadyPage.clear;
  var file = null;
  var lastParams = null;
  var batchId = null;

  function setStatus(text, kind) {
    var s = $('status');
    s.textContent = text || '';
    s.className = 'status' + (kind ? ' ' + kind : '');
  }


  function pickFile(f) {
    file = f || null;
    $('file-name').textContent = file ? file.name + ' (' + file.size.toLocaleString('en-GB') + ' bytes)' : 'No file chosen';
    guessFromName();
  }

  // roster-hr-2026-09-30.csv -> kind, source, date (the drop-folder convention)
  function guessFromName() {
    if (!file) return;
    var m = /^(roster|allocations)-([a-z0-9_]{1,32})-(\d{4}-\d\d-\d\d)\./.exec(file.name);
    if (!m) return;
    $('kind').value = m[1];
    $('source').value = m[2];
    $('as_of').value = m[3];
    loadProfiles();
  }

  function params(dry) {
    var q = new URLSearchParams();
    q.set('kind', $('kind').value);
    q.set('source', $('source').value.trim());
    q.set('as_of', $('as_of').value);
    if ($('profile').value) q.set('profile', $('profile').value);
    if (dry) q.set('dry_run', '1');
    return q;
  }

  async function send(q) {
    var body = await file.arrayBuffer();
    var r = await fetch('/api/v1/uploads?' + q.toString(), {
      method: 'POST', body: body, credentials: 'same-origin',
      headers: csrfHeaders({ 'Content-Type': 'text/csv' })
    });
    var j = null;
    try { j = await r.json(); } catch (e) { j = { error: 'the server answered ' + r.status }; }
    return { status: r.status, body: j };
  }

  function rate(v) { return v === null || v === undefined ? 'no data' : v.toFixed(1) + '%'; }

  function showPreview(p) {
    $('p-encoding').textContent = p.encoding || '—';
    $('p-delimiter').textContent = p.delimiter === '\t' ? 'tab' : p.delimiter === ';' ? 'semicolon' : p.delimiter === ',' ? 'comma' : '—';
    $('p-rows').textContent = p.rows.data;
    $('p-valid').textContent = p.rows.valid;
    $('p-profile').textContent = p.profile || 'none';
    var cols = $('p-columns'); clear(cols);
    p.columns.forEach(function (c) {
      var tr = document.createElement('tr'); cell(tr, c.header); cell(tr, c.column); cols.appendChild(tr);
    });
    var errs = $('p-errors'); clear(errs);
    $('p-errors-box').hidden = p.error_count === 0;
    $('p-errors-title').textContent = p.error_count + (p.error_count === 1 ? ' problem' : ' problems') +
      ': fix the file and preview again. A file with any problem stores nothing.';
    p.errors.forEach(function (e) {
      var tr = document.createElement('tr');
      cell(tr, e.row === 0 ? 'file' : e.row, 'num'); cell(tr, e.column); cell(tr, e.value); cell(tr, e.message);
      errs.appendChild(tr);
    });
    var w = $('p-warnings'); clear(w);
    p.warnings.forEach(function (x) { var li = document.createElement('li'); li.textContent = x.message; w.appendChild(li); });
    var ch = p.changes;
    $('p-changes').hidden = !ch;
    if (ch) {
      $('p-people').textContent = 'Starters: ' + ch.starters.headcount + ' (' + ch.starters.fte + ' FTE). Leavers: ' +
        ch.leavers.headcount + ' (' + ch.leavers.fte + ' FTE), compared with the snapshot of source "' + p.source + '" it replaces.';
      var tb = $('p-teams'); clear(tb);
      ch.teams.concat([{ code: 'Whole service', before: ch.service.before, after: ch.service.after, changed: true }])
        .forEach(function (t) {
          var tr = document.createElement('tr');
          tr.dataset.team = t.code;
          if (t.changed && t.code !== 'Whole service') tr.className = 'changed';
          cell(tr, t.code); cell(tr, rate(t.before.agency_rate_fte), 'num'); cell(tr, rate(t.after.agency_rate_fte), 'num');
          tb.appendChild(tr);
        });
      var pl = $('p-people-list'); clear(pl);
      [['Starter', ch.starters.staff], ['Leaver', ch.leavers.staff]].forEach(function (g) {
        g[1].forEach(function (s) {
          var tr = document.createElement('tr');
          cell(tr, g[0]); cell(tr, s.staff_id); cell(tr, s.team); cell(tr, s.contract); cell(tr, s.fte, 'num');
          pl.appendChild(tr);
        });
      });
    }
    $('commit-btn').disabled = !p.valid;
    $('preview').hidden = false;
  }

  async function preview(ev) {
    ev.preventDefault();
    $('done').hidden = true;
    if (!file) { setStatus('Choose a file first.', 'bad'); return; }
    if (!$('as_of').value) { setStatus('Enter the date the extract describes.', 'bad'); return; }
    setStatus('Reading the file…');
    $('preview-btn').disabled = true;
    try {
      lastParams = params(true);
      var r = await send(lastParams);
      if (r.status !== 200) {
        $('preview').hidden = true;
        setStatus(r.body.error + (r.body.errors ? ': ' + r.body.errors.map(function (e) { return e.message; }).join('; ') : ''), 'bad');
        return;
      }
      showPreview(r.body);
      setStatus(r.body.valid ? 'The file is valid. Check the preview, then Commit or Cancel.'
        : 'The file has problems; nothing can be stored until they are fixed.', r.body.valid ? 'ok' : 'bad');
    } catch (e) {
      setStatus('Could not reach Steady: ' + e.message, 'bad');
    } finally {
      $('preview-btn').disabled = false;
    }
  }

  async function commit() {
    $('commit-btn').disabled = true;
    setStatus('Storing…');
    try {
      var q = new URLSearchParams(lastParams); q.delete('dry_run');
      var r = await send(q);
      if (r.status !== 201 && r.status !== 200) {
        setStatus(r.body.error || ('failed: ' + r.status), 'bad');
        $('commit-btn').disabled = false;
        return;
      }
      batchId = r.body.batch_id;
      $('preview').hidden = true;
      $('done').hidden = false;
      $('revert-btn').disabled = false;
      $('done-title').textContent = r.body.duplicate ? 'Already uploaded' : 'Stored as batch ' + batchId;
      $('done-text').textContent = r.body.duplicate
        ? 'These exact bytes were already loaded as batch ' + batchId + ' for this source and date: nothing was counted twice.'
        : r.body.rows + ' rows from source "' + r.body.source + '" as of ' + r.body.as_of + '. Every dashboard now shows the new figures.';
      setStatus('Done.', 'ok');
    } catch (e) {
      setStatus('Could not reach Steady: ' + e.message, 'bad');
      $('commit-btn').disabled = false;
    }
  }

  async function revert() {
    if (!batchId || !window.confirm('Revert batch ' + batchId + '? Its rows will stop counting in every figure.')) return;
    $('revert-btn').disabled = true;
    var r = await fetch('/api/v1/uploads/' + batchId + '/revert', { method: 'POST', credentials: 'same-origin', headers: csrfHeaders() });
    var j = {}; try { j = await r.json(); } catch (e) { /* empty */ }
    if (r.ok) {
      $('done-title').textContent = 'Batch ' + batchId + ' reverted';
      $('done-text').textContent = 'Its rows no longer count; the dashboards have been updated.';
      setStatus('Reverted.', 'ok');
    } else {
      setStatus(j.error || ('revert failed: ' + r.status), 'bad');
      $('revert-btn').disabled = false;
    }
  }

  function reset() {
    $('preview').hidden = true;
    $('done').hidden = true;
    $('form').reset();
    pickFile(null);
    setStatus('Cancelled: nothing was stored.');
  }

  async function loadProfiles() {
    var src = $('source').value.trim();
    var sel = $('profile');
    var keep = sel.value;
    while (sel.options.length > 1) sel.remove(1);
    if (!/^[a-z0-9_-]{1,32}$/.test(src)) return;
    try {
      var r = await fetch('/api/v1/mapping-profiles?source=' + encodeURIComponent(src), { credentials: 'same-origin' });
      if (!r.ok) return;
      var j = await r.json();
      j.profiles.forEach(function (p) {
        var o = document.createElement('option');
        o.value = p.name;
        o.textContent = p.name + (p.default ? ' (default)' : '');
        sel.appendChild(o);
      });
      sel.value = keep;
    } catch (e) { /* profiles are optional */ }
  }

  document.addEventListener('DOMContentLoaded', function () {
    var d = new Date();
    $('as_of').value = d.toISOString().slice(0, 10);
    $('file').addEventListener('change', function () { pickFile(this.files[0]); });
    var drop = $('drop');
    ['dragenter', 'dragover'].forEach(function (t) {
      drop.addEventListener(t, function (e) { e.preventDefault(); drop.classList.add('over'); });
    });
    ['dragleave', 'drop'].forEach(function (t) {
      drop.addEventListener(t, function (e) { e.preventDefault(); drop.classList.remove('over'); });
    });
    drop.addEventListener('drop', function (e) {
      if (e.dataTransfer && e.dataTransfer.files.length) pickFile(e.dataTransfer.files[0]);
    });
    $('form').addEventListener('submit', preview);
    $('commit-btn').addEventListener('click', commit);
    $('cancel-btn').addEventListener('click', reset);
    $('revert-btn').addEventListener('click', revert);
    $('again-btn').addEventListener('click', function () { reset(); setStatus(''); });
    $('source').addEventListener('change', loadProfiles);
    loadProfiles();
  });
})();
