/*
 * Steady wall display.
 *
 * Plain ES2017 for old TV browsers (no modules, no ?. or ??, no build step),
 * loaded with `defer` after vendor/chart.umd.min.js; no inline script, so a
 * Content-Security-Policy of script-src 'self' is enough.
 *
 * Data: WebSocket /api/v1/live (docs/api.md).  `snapshot` on every connect,
 * `update` after every change, `heartbeat` every 5 s.  The page never reloads:
 * DOM nodes and the one Chart.js chart are updated in place.
 *
 * Hooks for tests and for people (stable; change them only with the test):
 *   #service-agency-rate      service agency rate by FTE, "17.9%" or "no data"
 *   #service-small            "small numbers" marker of that rate (hidden unless small)
 *   #service-fte-counts       "12.0 of 67.2 FTE agency"
 *   #service-hc-counts        "17.1% by headcount (12 of 70 people)"
 *   #service-delta            change since the figures before, e.g. "\u25B2 Up 2.3 points from 17.9% (...)"
 *   #highest-rate, #highest-team   the team(s) with the highest agency rate
 *   #as-of                    "Data as at 30 Sep 2026" ("No roster uploaded yet" when as_of is null)
 *   #updated-at               "updated HH:MM", local time of the last snapshot/update received
 *   #conn[data-state]         "connecting" | "live" | "down"
 *   #stale-banner             visible (no `hidden` attribute) when the socket is closed or nothing,
 *                             heartbeat included, has arrived for 15 s; body gets class "is-stale"
 *   #team-rows [data-team="CODE"]   one row per team, in API order, containing
 *        .agency-rate         "50.0%" or "no data"
 *        .rate-counts         "6.0 of 12.0 FTE"
 *        .small-flag          present and not hidden when the team's FTE rate has `small: true`
 *   window.steady             read-only state for debugging: {chart, state(), messages}
 *
 * Query string: ?service=Name sets the service name shown in the header;
 * ?overscan=1 keeps everything 5% in from the edges for TVs that crop them.
 */
(function () {
  'use strict';

  var STALE_AFTER_MS = 15000;      /* no message at all for this long: STALE */
  var DEAD_AFTER_MS = 35000;       /* ... and for this long: drop the socket and reconnect */
  var CONNECT_TIMEOUT_MS = 10000;  /* a connect attempt that hangs this long is abandoned */
  var BACKOFF_FIRST_MS = 1000;
  var BACKOFF_MAX_MS = 30000;
  var SHIFT_EVERY_MS = 4 * 60 * 1000; /* burn-in protection: move the picture a little */

  var MONTHS = ['Jan', 'Feb', 'Mar', 'Apr', 'May', 'Jun', 'Jul', 'Aug', 'Sep', 'Oct', 'Nov', 'Dec'];
  var COLOURS = {
    permanent: '#0072b2',
    fixed: '#56b4e9',
    agency: '#e69f00',
    agencyStripe: '#a86f00',
    grid: 'rgba(255,255,255,0.13)',
    tick: '#a9b6c6',
    onPermanent: '#ffffff',
    onFixed: '#0b111a',
    onAgency: '#0b111a'
  };

  function $(id) { return document.getElementById(id); }

  var el = {
    body: document.body,
    serviceName: $('service-name'),
    asOf: $('as-of'),
    updatedAt: $('updated-at'),
    conn: $('conn'),
    connText: $('conn-text'),
    notice: $('notice'),
    rate: $('service-agency-rate'),
    small: $('service-small'),
    fteCounts: $('service-fte-counts'),
    hcCounts: $('service-hc-counts'),
    delta: $('service-delta'),
    mixPermanent: $('service-fte-permanent'),
    mixFixed: $('service-fte-fixed'),
    mixAgency: $('service-fte-agency'),
    barPermanent: $('mixbar-permanent'),
    barFixed: $('mixbar-fixed'),
    barAgency: $('mixbar-agency'),
    highest: $('highest'),
    highestRate: $('highest-rate'),
    highestTeam: $('highest-team'),
    rows: $('team-rows'),
    empty: $('teams-empty'),
    canvas: $('team-chart'),
    stale: $('stale-banner'),
    staleText: $('stale-text'),
    staleSub: $('stale-sub'),
    shift: $('shift')
  };

  /* ------------------------------------------------------------------ */
  /* small helpers                                                        */

  /* Assign only when different: no layout work when nothing changed. */
  function setText(node, text) {
    if (node.textContent !== text) node.textContent = text;
  }
  function setHidden(node, hidden) {
    if (node.hidden !== hidden) node.hidden = hidden;
  }
  function setClass(node, name, on) {
    if (node.classList.contains(name) !== on) node.classList.toggle(name, on);
  }
  function setWidth(node, percent) {
    var w = (Math.round(percent * 100) / 100) + '%';
    if (node.style.width !== w) node.style.width = w;
  }
  function pad2(n) { return (n < 10 ? '0' : '') + n; }
  function hhmm(ms) {
    var d = new Date(ms);
    return pad2(d.getHours()) + ':' + pad2(d.getMinutes());
  }
  function num(x) { return typeof x === 'number' && isFinite(x) ? x : 0; }
  function fte(x) { return (Math.round(num(x) * 10) / 10).toFixed(1); }
  function isRate(r) { return r && typeof r.value === 'number' && isFinite(r.value); }
  function pct(r) { return isRate(r) ? r.value.toFixed(1) + '%' : 'no data'; }
  /* "2026-09-30" -> "30 Sep 2026" without Date(): no time-zone surprises */
  function ukDate(iso) {
    var m = /^(\d{4})-(\d{2})-(\d{2})/.exec(iso || '');
    if (!m) return String(iso);
    return parseInt(m[3], 10) + ' ' + MONTHS[parseInt(m[2], 10) - 1] + ' ' + m[1];
  }
  function remPx() {
    var px = parseFloat(window.getComputedStyle(document.documentElement).fontSize);
    return px > 0 ? px : 16;
  }
  function plural(n, one, many) { return n === 1 ? one : many; }

  /* ?service=Name   the service name in the header
     ?overscan=1     keep everything 5% in from the edges, for TVs that crop */
  function queryParam(name) {
    var m = new RegExp('[?&]' + name + '=([^&]*)').exec(window.location.search);
    if (!m) return null;
    try {
      return decodeURIComponent(m[1].replace(/\+/g, ' ')).trim();
    } catch (e) {
      return null;  /* malformed escape: ignore */
    }
  }
  (function applyQuery() {
    var name = queryParam('service');
    if (name) setText(el.serviceName, name.slice(0, 80));
    var o = queryParam('overscan');
    if (o && o !== '0') el.body.classList.add('overscan');
  })();

  /* ------------------------------------------------------------------ */
  /* chart                                                               */

  var chart = null;
  var chartFontPx = 0;

  function agencyPattern() {
    var c = document.createElement('canvas');
    c.width = 12;
    c.height = 12;
    var g = c.getContext('2d');
    if (!g) return COLOURS.agency;
    g.fillStyle = COLOURS.agency;
    g.fillRect(0, 0, 12, 12);
    g.strokeStyle = COLOURS.agencyStripe;
    g.lineWidth = 3;
    g.beginPath();
    /* diagonal stripes that tile seamlessly */
    g.moveTo(-3, 3); g.lineTo(3, -3);
    g.moveTo(-3, 15); g.lineTo(15, -3);
    g.moveTo(9, 15); g.lineTo(15, 9);
    g.stroke();
    return g.createPattern(c, 'repeat') || COLOURS.agency;
  }

  /* Keeps the HTML rows (names, rates) level with the bars: the rows get the
     same top/bottom inset as the chart's plot area, and both divide the rest
     evenly between teams. */
  var alignPlugin = {
    id: 'steadyAlign',
    afterLayout: function (c) {
      var area = c.chartArea;
      if (!area) return;
      var top = Math.round(area.top) + 'px';
      var bottom = Math.max(0, Math.round(c.height - area.bottom)) + 'px';
      if (el.rows.style.paddingTop !== top) el.rows.style.paddingTop = top;
      if (el.rows.style.paddingBottom !== bottom) el.rows.style.paddingBottom = bottom;
    }
  };

  /* Writes the FTE of each segment inside it when it fits, so the bars can be
     read without telling colours apart. */
  var segmentLabelPlugin = {
    id: 'steadySegmentLabels',
    afterDatasetsDraw: function (c) {
      var ctx = c.ctx;
      var ink = [COLOURS.onPermanent, COLOURS.onFixed, COLOURS.onAgency];
      ctx.save();
      ctx.font = '700 ' + Math.round(chartFontPx * 0.95) + 'px ' + fontFamily();
      ctx.textAlign = 'center';
      ctx.textBaseline = 'middle';
      for (var d = 0; d < c.data.datasets.length; d++) {
        var meta = c.getDatasetMeta(d);
        if (!meta || meta.hidden) continue;
        var data = c.data.datasets[d].data;
        for (var i = 0; i < meta.data.length; i++) {
          var v = data[i];
          var bar = meta.data[i];
          if (!(v > 0) || !bar) continue;
          var text = fte(v);
          var w = Math.abs(bar.x - bar.base);
          var h = bar.height || 0;
          if (w < ctx.measureText(text).width + chartFontPx * 0.8 || h < chartFontPx * 1.1) continue;
          ctx.fillStyle = ink[d] || '#fff';
          ctx.fillText(text, (bar.x + bar.base) / 2, bar.y);
        }
      }
      ctx.restore();
    }
  };

  function fontFamily() {
    return window.getComputedStyle(document.body).fontFamily || 'sans-serif';
  }

  function chartFonts(px) {
    chartFontPx = px;
    var o = chart.options;
    o.scales.x.ticks.font = { size: Math.round(px * 0.95), family: fontFamily() };
    o.scales.x.title.font = { size: Math.round(px * 0.95), family: fontFamily() };
  }

  function makeChart() {
    if (typeof window.Chart !== 'function' || !el.canvas.getContext) return null;
    var hasRO = typeof window.ResizeObserver === 'function';
    var c = new window.Chart(el.canvas.getContext('2d'), {
      type: 'bar',
      data: {
        labels: [],
        datasets: [
          { label: 'Permanent', data: [], backgroundColor: COLOURS.permanent, borderWidth: 0, stack: 'fte' },
          { label: 'Fixed-term', data: [], backgroundColor: COLOURS.fixed, borderWidth: 0, stack: 'fte' },
          { label: 'Agency', data: [], backgroundColor: agencyPattern(), borderWidth: 0, stack: 'fte' }
        ]
      },
      options: {
        indexAxis: 'y',
        /* Chart.js' own resizing needs ResizeObserver (Chromium 64+); older
           browsers get a window resize handler below instead. */
        responsive: hasRO,
        maintainAspectRatio: false,
        animation: false,
        events: [],                       /* nobody hovers on a TV */
        datasets: { bar: { categoryPercentage: 0.82, barPercentage: 0.92 } },
        layout: { padding: { top: 4, right: 8, bottom: 0, left: 4 } },
        plugins: {
          legend: { display: false },     /* the HTML legend says it in words */
          tooltip: { enabled: false },
          title: { display: false }
        },
        scales: {
          x: {
            stacked: true,
            beginAtZero: true,
            grid: { color: COLOURS.grid, drawBorder: false, tickLength: 6 },
            border: { display: false },   /* Chart.js 4 spelling of drawBorder */
            ticks: { color: COLOURS.tick, maxTicksLimit: 8, precision: 0 },
            title: { display: true, text: 'FTE', color: COLOURS.tick, padding: 2 }
          },
          y: { stacked: true, display: false }
        }
      },
      plugins: [alignPlugin, segmentLabelPlugin]
    });
    return c;
  }

  function initChart() {
    try {
      chart = makeChart();
    } catch (e) {
      chart = null;
      if (window.console) window.console.error('steady: chart unavailable', e);
    }
    if (!chart) return;
    chartFonts(remPx());
    if (!chart.options.responsive) chart.resize();
    chart.update('none');
  }

  var resizeTimer = null;
  function onResize() {
    if (resizeTimer !== null) clearTimeout(resizeTimer);
    resizeTimer = setTimeout(function () {
      resizeTimer = null;
      if (!chart) return;
      var px = remPx();
      if (px !== chartFontPx) chartFonts(px);
      if (!chart.options.responsive) chart.resize();
      chart.update('none');
    }, 150);
  }
  window.addEventListener('resize', onResize);

  /* ------------------------------------------------------------------ */
  /* rendering                                                           */

  var teamRows = Object.create(null);   /* code -> {li, name, area, rate, counts, small} */
  var previous = null;                  /* {value, asOf} of the service rate last shown */

  function makeRow(code) {
    var li = document.createElement('li');
    li.className = 'team-row';
    li.setAttribute('data-team', code);

    var nameBox = document.createElement('div');
    nameBox.className = 'team-name';
    var name = document.createElement('span');
    name.className = 'name';
    var area = document.createElement('span');
    area.className = 'area';
    nameBox.appendChild(name);
    nameBox.appendChild(area);

    var rateBox = document.createElement('div');
    rateBox.className = 'team-rate';
    var line1 = document.createElement('div');
    line1.className = 'line1';
    var small = document.createElement('span');
    small.className = 'small-flag';
    small.textContent = 'small numbers';
    small.hidden = true;
    var rate = document.createElement('span');
    rate.className = 'agency-rate';
    line1.appendChild(small);
    line1.appendChild(rate);
    var counts = document.createElement('span');
    counts.className = 'rate-counts';
    rateBox.appendChild(line1);
    rateBox.appendChild(counts);

    li.appendChild(nameBox);
    li.appendChild(rateBox);
    return { li: li, name: name, area: area, rate: rate, counts: counts, small: small };
  }

  function renderTeams(teams) {
    var seen = Object.create(null);
    var i, t, row, code;
    for (i = 0; i < teams.length; i++) {
      t = teams[i] || {};
      code = String(t.code || t.id || i);
      seen[code] = true;
      row = teamRows[code];
      if (!row) row = teamRows[code] = makeRow(code);
      /* keep DOM order equal to API order, moving nodes only when needed */
      if (el.rows.children[i] !== row.li) el.rows.insertBefore(row.li, el.rows.children[i] || null);

      var r = t.agency_rate_fte;
      setText(row.name, String(t.name || code));
      setText(row.area, String(t.area || ''));
      setText(row.rate, pct(r));
      setClass(row.rate, 'no-data', !isRate(r));
      setText(row.counts, r && num(r.den) > 0 ? fte(r.num) + ' of ' + fte(r.den) + ' FTE' : 'no staff in post');
      setHidden(row.small, !(r && r.small === true && isRate(r)));
    }
    for (code in teamRows) {
      if (!seen[code]) {
        if (teamRows[code].li.parentNode) teamRows[code].li.parentNode.removeChild(teamRows[code].li);
        delete teamRows[code];
      }
    }
    renderHighest(teams);
    setClass(el.rows, 'dense', teams.length > 9);
    setHidden(el.empty, teams.length > 0);

    if (!chart) return;
    var labels = chart.data.labels;
    var ds = chart.data.datasets;
    labels.length = teams.length;
    ds[0].data.length = ds[1].data.length = ds[2].data.length = teams.length;
    for (i = 0; i < teams.length; i++) {
      t = teams[i] || {};
      var f = t.fte || {};
      labels[i] = String(t.code || t.name || i);
      ds[0].data[i] = num(f.permanent);
      ds[1].data[i] = num(f.fixed_term);
      ds[2].data[i] = num(f.agency);
    }
    chart.update('none');
  }

  /* the team with the highest agency rate by FTE (ties: every name) */
  function renderHighest(teams) {
    var best = null;
    var names = [];
    for (var i = 0; i < teams.length; i++) {
      var r = teams[i] && teams[i].agency_rate_fte;
      if (!isRate(r)) continue;
      if (best === null || r.value > best) { best = r.value; names = []; }
      if (r.value === best) names.push(String(teams[i].name || teams[i].code));
    }
    var show = best !== null && best > 0;
    setHidden(el.highest, !show);
    if (!show) return;
    setText(el.highestRate, best.toFixed(1) + '%');
    setText(el.highestTeam, names.length > 2 ? names.length + ' teams' : names.join(' and '));
  }

  function renderService(s, asOf) {
    s = s || {};
    var r = s.agency_rate_fte;
    var h = s.agency_rate_headcount;
    var f = s.fte || {};

    setText(el.rate, pct(r));
    setClass(el.rate, 'no-data', !isRate(r));
    setHidden(el.small, !(r && r.small === true && isRate(r)));
    setText(el.fteCounts, r && num(r.den) > 0 ? fte(r.num) + ' of ' + fte(r.den) + ' FTE agency' : 'No staff in post');
    if (h && num(h.den) > 0) {
      setText(el.hcCounts, pct(h) + ' by headcount (' + num(h.num) + ' of ' + num(h.den) + ' ' +
        plural(num(h.den), 'person', 'people') + (h.small === true ? ', small numbers' : '') + ')');
    } else {
      setText(el.hcCounts, 'By headcount: no staff in post');
    }
    setText(el.mixPermanent, fte(f.permanent) + ' FTE');
    setText(el.mixFixed, fte(f.fixed_term) + ' FTE');
    setText(el.mixAgency, fte(f.agency) + ' FTE');
    var total = num(f.permanent) + num(f.fixed_term) + num(f.agency);
    setWidth(el.barPermanent, total > 0 ? num(f.permanent) * 100 / total : 0);
    setWidth(el.barFixed, total > 0 ? num(f.fixed_term) * 100 / total : 0);
    setWidth(el.barAgency, total > 0 ? num(f.agency) * 100 / total : 0);

    /* change since the previous figures (kept until the figures change again) */
    if (isRate(r)) {
      if (previous && previous.value !== r.value) {
        var diff = Math.round((r.value - previous.value) * 10) / 10;
        var up = diff > 0;
        setText(el.delta, (up ? '\u25B2 Up ' : '\u25BC Down ') + Math.abs(diff).toFixed(1) +
          ' points from ' + previous.value.toFixed(1) + '%' +
          (previous.asOf && previous.asOf !== asOf ? ' (data as at ' + ukDate(previous.asOf) + ')' : ''));
        setClass(el.delta, 'up', up);
        setClass(el.delta, 'down', !up);
      }
      if (!previous || previous.value !== r.value || previous.asOf !== asOf) {
        previous = { value: r.value, asOf: asOf };
      }
    }
  }

  function render(summary) {
    var asOf = summary.as_of || null;
    setText(el.asOf, asOf ? 'Data as at ' + ukDate(asOf) : 'No roster uploaded yet');
    renderService(summary.service, asOf);
    renderTeams(Array.isArray(summary.teams) ? summary.teams : []);
  }

  function showNotice(text) {
    var hide = !text;
    if (el.notice.hidden === hide && el.notice.textContent === (text || '')) return;
    setText(el.notice, text || '');
    setHidden(el.notice, hide);
    if (chart && !chart.options.responsive) onResize();
  }

  /* ------------------------------------------------------------------ */
  /* connection                                                          */

  var ws = null;
  var attempt = 0;                 /* failed connects since the last snapshot */
  var reconnectTimer = null;
  var reconnectAt = 0;
  var connectStartedAt = 0;
  var lastMessageAt = Date.now();  /* page load counts as "heard from" for the first 15 s */
  var lastDataAt = 0;              /* last snapshot/update */
  var hadSocketClose = false;
  var messagesOnSocket = 0;
  var isStale = null;
  var messages = 0;

  function liveUrl() {
    var proto = window.location.protocol === 'https:' ? 'wss:' : 'ws:';
    /* relative to the page's directory, so a reverse proxy may mount Steady
       under a prefix (/steady/ -> /steady/api/v1/live); "/" at the root */
    var dir = window.location.pathname.replace(/[^\/]*$/, '') || '/';
    return proto + '//' + window.location.host + dir + 'api/v1/live';
  }

  function setConn(state, text) {
    if (el.conn.getAttribute('data-state') !== state) el.conn.setAttribute('data-state', state);
    setText(el.connText, text);
  }

  function connect() {
    if (reconnectTimer !== null) { clearTimeout(reconnectTimer); reconnectTimer = null; }
    if (ws) return;
    connectStartedAt = Date.now();
    messagesOnSocket = 0;
    setConn('connecting', 'Connecting');
    var sock;
    try {
      sock = new WebSocket(liveUrl());
    } catch (e) {
      scheduleReconnect();
      return;
    }
    ws = sock;
    sock.onopen = function () {
      if (ws !== sock) return;
      setConn('connecting', 'Connected, waiting');
    };
    sock.onmessage = function (ev) {
      if (ws !== sock) return;
      onMessage(ev.data);
    };
    sock.onerror = function () { /* a close event follows */ };
    sock.onclose = function () {
      sock.onopen = sock.onmessage = sock.onerror = sock.onclose = null;
      if (ws !== sock) return;
      ws = null;
      hadSocketClose = true;
      scheduleReconnect();
      tick();
    };
  }

  function dropSocket() {
    var sock = ws;
    if (!sock) return;
    ws = null;
    sock.onopen = sock.onmessage = sock.onerror = sock.onclose = null;
    try { sock.close(); } catch (e) { /* already closing */ }
    hadSocketClose = true;
    scheduleReconnect();
  }

  /* 1 s doubling to 30 s, "equal jitter": half the step fixed, half random,
     so that a room full of screens does not reconnect in step. */
  function scheduleReconnect() {
    if (reconnectTimer !== null) clearTimeout(reconnectTimer);
    var step = Math.min(BACKOFF_MAX_MS, BACKOFF_FIRST_MS * Math.pow(2, attempt));
    var delay = Math.round(step / 2 + Math.random() * step / 2);
    if (attempt < 16) attempt++;
    reconnectAt = Date.now() + delay;
    reconnectTimer = setTimeout(function () { reconnectTimer = null; connect(); }, delay);
  }

  function onMessage(raw) {
    var now = Date.now();
    lastMessageAt = now;
    messagesOnSocket++;
    messages++;
    var msg;
    try { msg = JSON.parse(raw); } catch (e) { msg = null; }
    if (msg && (msg.type === 'snapshot' || msg.type === 'update')) {
      if (msg.type === 'snapshot') attempt = 0;
      lastDataAt = now;
      setText(el.updatedAt, 'updated ' + hhmm(now));
      if (msg.data && typeof msg.data === 'object') {
        showNotice('');
        try {
          render(msg.data);
        } catch (e) {
          if (window.console) window.console.error('steady: cannot render', e);
        }
      } else {
        showNotice('The server has no figures at the moment (is its database down?). Showing the last figures received.');
      }
    }
    setConn('live', 'Live');
    tick();
  }

  /* Once a second, for the life of the page (one timer, never re-created). */
  function tick() {
    var now = Date.now();
    var open = !!ws && ws.readyState === 1;

    if (ws && ws.readyState === 0 && now - connectStartedAt > CONNECT_TIMEOUT_MS) dropSocket();
    else if (open && now - lastMessageAt > DEAD_AFTER_MS) dropSocket();  /* heartbeats stopped */
    open = !!ws && ws.readyState === 1;

    var silent = now - lastMessageAt;
    var stale = silent > STALE_AFTER_MS || (hadSocketClose && (!open || messagesOnSocket === 0));

    if (!ws) {
      var secs = Math.max(0, Math.ceil((reconnectAt - now) / 1000));
      setConn('down', secs > 0 ? 'Offline, retry in ' + secs + ' s' : 'Offline, retrying');
    } else if (open && messagesOnSocket > 0 && silent > STALE_AFTER_MS) {
      setConn('down', 'No heartbeat');
    }

    if (stale) {
      setText(el.staleText, lastDataAt
        ? 'No live data since ' + hhmm(lastMessageAt) + '. The figures below may be out of date.'
        : 'No live data received yet.');
      if (!ws) {
        var s = Math.max(0, Math.ceil((reconnectAt - now) / 1000));
        setText(el.staleSub, 'Connection to the Steady server lost. ' + (s > 0 ? 'Reconnecting in ' + s + ' s.' : 'Reconnecting\u2026'));
      } else if (!open) {
        setText(el.staleSub, 'Connecting to the Steady server\u2026');
      } else {
        setText(el.staleSub, 'Connected, but the server has gone quiet. Waiting for data\u2026');
      }
    }
    if (stale !== isStale) {
      isStale = stale;
      setHidden(el.stale, !stale);
      setClass(el.body, 'is-stale', stale);
    }
  }

  /* ------------------------------------------------------------------ */
  /* burn-in protection: a few pixels every few minutes                  */

  var SHIFTS = [[0, 0], [2, 1], [1, 3], [-1, 2], [-2, 0], [-1, -2], [1, -1]];
  var shiftIndex = 0;
  function shift() {
    shiftIndex = (shiftIndex + 1) % SHIFTS.length;
    var p = SHIFTS[shiftIndex];
    var t = 'translate(' + p[0] + 'px,' + p[1] + 'px)';
    el.shift.style.webkitTransform = t;
    el.shift.style.transform = t;
  }

  /* ------------------------------------------------------------------ */

  initChart();
  connect();
  setInterval(tick, 1000);
  setInterval(shift, SHIFT_EVERY_MS);

  window.steady = {
    chart: chart,
    state: function () {
      return {
        readyState: ws ? ws.readyState : 3,
        attempt: attempt,
        stale: isStale,
        lastMessageAt: lastMessageAt,
        lastDataAt: lastDataAt,
        messages: messages,
        teams: Object.keys(teamRows).length
      };
    }
  };
})();
