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
 *   #service-delta            change since the figures before, e.g. "\u25B2 Up 2.3 points from 17.9% on 30 Sep"
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
 *        .spark               canvas: the team's agency rate by month (trend.teams[CODE])
 *
 *   Figure tiles (service level), each #tile-X with
 *        .value               "57.1%" / "16.9"; when the API's value is null, the reason in
 *                             words ("No establishment set") and class "missing", never 0%
 *        .small-flag          not hidden when the figure has `small: true`
 *        .kpi-counts          the counts behind it ("8.0 of 14.0 FTE vacant")
 *        .kpi-extra           one more line (agency cover, leavers/starters, ...)
 *        .kpi-delta           change since the previous figures ("\u25B2 Up 1.2 pts since 31 Aug")
 *     #tile-vacancy .value    service vacancy rate (teams with an establishment only)
 *     #tile-turnover .value   service turnover rate
 *     #tile-stability .value  service stability index
 *     #tile-caseload .value   service average caseload (cases per FTE)
 *     #caseload-churn         caseload churn and children with 3+ workers, when uploaded
 *   #trend-chart              canvas of the service trend (agency, vacancy, turnover by month)
 *   #trend-note               visible when there are fewer than two months ("Trend lines appear ...")
 *   #team-table [data-team="CODE"]   stability view rows, containing
 *        .cell-vacancy .v, .cell-turnover .v, .cell-stability .v, .cell-caseload .v,
 *        .cell-churn .v, .cell-absence .v   value or the missing reason (class "missing")
 *   #board[data-view]         "agency" | "stability": the team view on screen
 *   #alerts                   the banner of active alerts (hidden when there are none; then
 *                             #alerts-none "No active alerts" shows in the header), with
 *        #alerts-title, #alerts-counts   "2 alerts", "1 red, 1 amber"
 *        #alert-list .alert-item[data-team][data-figure][data-level][data-acked]
 *                             one per alert shown (at most 3 lines; more: the last line is
 *                             .alert-more "+N more ..."), containing .rag-word ("RED"/"AMBER"),
 *                             .alert-team, .alert-what, .alert-since, .alert-ack
 *   [data-alert]              "red" | "amber" | "none" on the figure tiles (#tile-X and the
 *                             headline tile), #team-rows rows (agency figures) and the stability
 *                             view's cells; each has a .rag tag (icon + word, hidden when none)
 *   window.steady             read-only state for debugging: {chart, trendChart, state(), view()}
 *
 * Query string: ?service=Name sets the service name shown in the header;
 * ?overscan=1 keeps everything 5% in from the edges for TVs that crop them;
 * ?rotate=N alternates the team view between "agency" (bars) and "stability"
 * (table) every N seconds (N >= 5); ?view=stability shows that view only.
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
    onAgency: '#0b111a',
    vacancy: '#56b4e9',
    turnover: '#cc79a7',
    panel: '#151e2b'
  };
  var VIEWS = ['agency', 'stability'];
  var ALERT_LINES = 3;             /* the banner never grows past this many lines */
  var FIGURE_LABELS = {
    agency_rate_fte: 'Agency rate',
    agency_rate_headcount: 'Agency rate by headcount',
    vacancy_rate: 'Vacancy rate',
    turnover_rate: 'Turnover',
    stability_index: 'Stability index',
    average_caseload: 'Caseload per FTE',
    absence_rate: 'Absence',
    caseload_churn: 'Caseload churn',
    children_3plus_workers: 'Children with 3+ workers'
  };
  /* which alert figures colour which figure tile */
  var TILE_FIGURES = {
    headline: ['agency_rate_fte', 'agency_rate_headcount'],
    vacancy: ['vacancy_rate'],
    turnover: ['turnover_rate'],
    stability: ['stability_index'],
    caseload: ['average_caseload', 'caseload_churn', 'children_3plus_workers']
  };
  var ROW_FIGURES = ['agency_rate_fte', 'agency_rate_headcount'];
  var CELL_FIGURES = {
    vacancy: 'vacancy_rate', turnover: 'turnover_rate', stability: 'stability_index',
    caseload: 'average_caseload', churn: 'caseload_churn', absence: 'absence_rate'
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
    shift: $('shift'),
    board: $('board'),
    teamsBody: $('teams-body'),
    viewsNav: $('views-nav'),
    trendCanvas: $('trend-chart'),
    trendNote: $('trend-note'),
    trendRange: $('trend-range'),
    table: $('team-table'),
    stab: $('view-stability'),
    alerts: $('alerts'),
    alertsTitle: $('alerts-title'),
    alertsCounts: $('alerts-counts'),
    alertList: $('alert-list'),
    alertsNone: $('alerts-none'),
    headline: document.querySelector('.headline'),
    headlineRag: document.querySelector('.headline .rag')
  };
  el.tiles = {
    vacancy: tileEls('tile-vacancy'),
    turnover: tileEls('tile-turnover'),
    stability: tileEls('tile-stability'),
    caseload: tileEls('tile-caseload')
  };
  function tileEls(id) {
    var t = $(id);
    return {
      tile: t,
      rag: t.querySelector('.rag'),
      value: t.querySelector('.value'),
      small: t.querySelector('.small-flag'),
      counts: t.querySelector('.kpi-counts'),
      extra: t.querySelector('.kpi-extra'),
      delta: t.querySelector('.kpi-delta')
    };
  }

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
  /* a figure's value as shown: percentages with "%", caseloads per FTE to one
     decimal, churn per case to two */
  function figText(r) {
    if (!isRate(r)) return missingText(r);
    if (r.unit === 'per_case') return r.value.toFixed(2);
    if (r.unit === 'per_fte') return r.value.toFixed(1);
    return r.value.toFixed(1) + '%';
  }
  /* why a figure is null, in words ("No establishment set"); never "0%" */
  function missingText(r) {
    var m = r && typeof r.missing === 'string' && r.missing ? r.missing : 'no data';
    return m.charAt(0).toUpperCase() + m.slice(1);
  }
  function heads(n) { return Math.round(num(n)); }
  /* "2026-10-31" -> "Oct 26" (axis labels) */
  function monthLabel(iso) {
    var m = /^(\d{4})-(\d{2})-(\d{2})/.exec(iso || '');
    if (!m) return String(iso);
    return MONTHS[parseInt(m[2], 10) - 1] + ' ' + m[1].slice(2);
  }

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

  /* ---- the service trend: agency, vacancy and turnover rate by month ---- */

  var trendChart = null;
  var trendFontPx = 0;

  /* Writes each line's latest value at its right end, nudged apart when two
     are close, so the chart reads without a legend or a tooltip. */
  var endLabelPlugin = {
    id: 'steadyEndLabels',
    afterDatasetsDraw: function (c) {
      var ctx = c.ctx;
      var area = c.chartArea;
      if (!area) return;
      var px = Math.round(trendFontPx * 1.05);
      var labels = [];
      for (var d = 0; d < c.data.datasets.length; d++) {
        var ds = c.data.datasets[d];
        var meta = c.getDatasetMeta(d);
        var i = ds.data.length - 1;
        while (i >= 0 && typeof ds.data[i] !== 'number') i--;
        if (i < 0 || !meta.data[i]) continue;
        labels.push({ y: meta.data[i].y, x: meta.data[i].x, text: ds.data[i].toFixed(1) + '%', colour: ds.borderColor });
      }
      labels.sort(function (a, b) { return a.y - b.y; });
      var gap = px * 1.1;
      for (var k = 1; k < labels.length; k++) {
        if (labels[k].y - labels[k - 1].y < gap) labels[k].y = labels[k - 1].y + gap;
      }
      var over = labels.length ? labels[labels.length - 1].y - (area.bottom + px * 0.3) : 0;
      if (over > 0) for (k = 0; k < labels.length; k++) labels[k].y -= over;
      ctx.save();
      ctx.font = '700 ' + px + 'px ' + fontFamily();
      ctx.textAlign = 'left';
      ctx.textBaseline = 'middle';
      for (k = 0; k < labels.length; k++) {
        ctx.fillStyle = labels[k].colour;
        ctx.fillText(labels[k].text, area.right + px * 0.55, labels[k].y);
      }
      ctx.restore();
    }
  };

  function trendFonts(px) {
    trendFontPx = px;
    var o = trendChart.options;
    var f = { size: Math.round(px * 0.95), family: fontFamily() };
    o.scales.x.ticks.font = f;
    o.scales.y.ticks.font = f;
    o.layout.padding.right = Math.round(px * 4.6);   /* room for the end labels */
    /* lines and markers scale with the screen like the text (3 px at 1080p) */
    var ds = trendChart.data.datasets;
    for (var i = 0; i < ds.length; i++) ds[i].borderWidth = Math.max(2, Math.round(px * 0.15));
    setTrendRadius();
  }

  function setTrendRadius() {
    var n = trendChart.data.labels.length;
    var r = n <= 1 ? 8 : n <= 13 ? 5 : n <= 24 ? 4 : 3;
    var ds = trendChart.data.datasets;
    for (var i = 0; i < ds.length; i++) ds[i].pointRadius = Math.round(r * trendFontPx / 20 * 10) / 10;
  }

  function lineDataset(label, colour, dash, shape) {
    return {
      label: label, data: [], borderColor: colour, backgroundColor: colour,
      borderWidth: 3, borderDash: dash, pointStyle: shape, pointRadius: 4,
      pointBorderWidth: 0, spanGaps: false, tension: 0, fill: false
    };
  }

  function makeTrendChart() {
    if (typeof window.Chart !== 'function' || !el.trendCanvas.getContext) return null;
    var hasRO = typeof window.ResizeObserver === 'function';
    return new window.Chart(el.trendCanvas.getContext('2d'), {
      type: 'line',
      data: {
        labels: [],
        datasets: [
          lineDataset('Agency', COLOURS.agency, [], 'circle'),
          lineDataset('Vacancy', COLOURS.vacancy, [12, 6], 'rect'),
          lineDataset('Turnover', COLOURS.turnover, [3, 5], 'triangle')
        ]
      },
      options: {
        responsive: hasRO,
        maintainAspectRatio: false,
        animation: false,
        events: [],
        layout: { padding: { top: 10, right: 80, bottom: 0, left: 0 } },
        plugins: { legend: { display: false }, tooltip: { enabled: false }, title: { display: false } },
        scales: {
          x: {
            grid: { display: false, drawBorder: false },
            border: { display: false },
            ticks: { color: COLOURS.tick, maxRotation: 0, autoSkip: true, maxTicksLimit: 6, autoSkipPadding: 12 }
          },
          y: {
            beginAtZero: true,
            suggestedMax: 20,
            grid: { color: COLOURS.grid, drawBorder: false, tickLength: 4 },
            border: { display: false },
            ticks: { color: COLOURS.tick, maxTicksLimit: 5, precision: 0, callback: function (v) { return v + '%'; } }
          }
        }
      },
      plugins: [endLabelPlugin]
    });
  }

  function initTrendChart() {
    try {
      trendChart = makeTrendChart();
    } catch (e) {
      trendChart = null;
      if (window.console) window.console.error('steady: trend chart unavailable', e);
    }
    if (!trendChart) return;
    trendFonts(remPx());
    if (!trendChart.options.responsive) trendChart.resize();
    trendChart.update('none');
  }

  /* copies src (numbers or null) into the array dst in place */
  function fillSeries(dst, src, n) {
    dst.length = n;
    for (var i = 0; i < n; i++) {
      var v = src && src[i];
      dst[i] = typeof v === 'number' && isFinite(v) ? v : null;
    }
  }

  function renderTrend(trend) {
    var months = trend && Array.isArray(trend.months) ? trend.months : [];
    var svc = (trend && trend.service) || {};
    var n = months.length;
    var have = 0;   /* months with an agency rate */
    for (var i = 0; i < n; i++) if (svc.agency_rate_fte && typeof svc.agency_rate_fte[i] === 'number') have++;

    setText(el.trendRange, n > 1 ? monthLabel(months[0]) + ' \u2013 ' + monthLabel(months[n - 1]) : '');
    var note = n === 0 ? 'No trend yet: upload a roster'
      : have < 2 ? 'Trend lines appear after two months of data' : '';
    setText(el.trendNote, note);
    setHidden(el.trendNote, !note);

    if (!trendChart) return;
    var labels = trendChart.data.labels;
    labels.length = n;
    for (i = 0; i < n; i++) labels[i] = monthLabel(months[i]);
    var ds = trendChart.data.datasets;
    fillSeries(ds[0].data, svc.agency_rate_fte, n);
    fillSeries(ds[1].data, svc.vacancy_rate, n);
    fillSeries(ds[2].data, svc.turnover_rate, n);
    /* fewer points: bigger markers; one point is a clear dot */
    setTrendRadius();
    trendChart.options.scales.x.offset = n <= 1;   /* a single month: the dot in the middle */
    trendChart.update('none');
  }

  /* ---- per-team sparklines (plain canvas: one small drawing per row) ---- */

  var sparkMax = 20;   /* shared y scale of every team's sparkline, in % */

  function drawSpark(canvas, values) {
    var w = canvas.clientWidth;
    var h = canvas.clientHeight;
    if (!(w > 0 && h > 0) || !canvas.getContext) return;
    var dpr = window.devicePixelRatio || 1;
    var cw = Math.round(w * dpr);
    var ch = Math.round(h * dpr);
    if (canvas.width !== cw) canvas.width = cw;
    if (canvas.height !== ch) canvas.height = ch;
    var g = canvas.getContext('2d');
    if (!g) return;
    g.setTransform(dpr, 0, 0, dpr, 0, 0);
    g.clearRect(0, 0, w, h);
    var n = values ? values.length : 0;
    var pad = Math.max(3, h * 0.12);
    var x0 = pad;
    var x1 = w - pad;
    var y0 = h - pad;          /* 0% */
    var y1 = pad;              /* sparkMax */
    /* baseline at 0% */
    g.strokeStyle = 'rgba(255,255,255,0.22)';
    g.lineWidth = 1;
    g.beginPath();
    g.moveTo(x0, y0 + 0.5);
    g.lineTo(x1, y0 + 0.5);
    g.stroke();
    if (!n) return;
    function X(i) { return n === 1 ? x1 : x0 + (x1 - x0) * i / (n - 1); }
    function Y(v) { return y0 - (y0 - y1) * Math.min(v, sparkMax) / sparkMax; }
    g.strokeStyle = COLOURS.agency;
    g.lineWidth = Math.max(2, h * 0.06);
    g.lineJoin = 'round';
    g.beginPath();
    var pen = false;
    var last = -1;
    for (var i = 0; i < n; i++) {
      var v = values[i];
      if (typeof v !== 'number') { pen = false; continue; }
      if (pen) g.lineTo(X(i), Y(v)); else g.moveTo(X(i), Y(v));
      pen = true;
      last = i;
    }
    g.stroke();
    if (last >= 0) {
      g.fillStyle = COLOURS.agency;
      g.beginPath();
      g.arc(X(last), Y(values[last]), Math.max(3, h * 0.09), 0, 2 * Math.PI);
      g.fill();
    }
  }

  var lastTrendTeams = {};
  function drawSparks() {
    for (var code in teamRows) {
      var t = lastTrendTeams[code];
      drawSpark(teamRows[code].spark, t && Array.isArray(t.agency_rate_fte) ? t.agency_rate_fte : null);
    }
  }

  function renderSparks(trend) {
    lastTrendTeams = (trend && trend.teams && typeof trend.teams === 'object') ? trend.teams : {};
    var max = 0;
    for (var code in lastTrendTeams) {
      var a = lastTrendTeams[code] && lastTrendTeams[code].agency_rate_fte;
      if (!Array.isArray(a)) continue;
      for (var i = 0; i < a.length; i++) if (typeof a[i] === 'number' && a[i] > max) max = a[i];
    }
    sparkMax = Math.max(20, Math.ceil(max / 10) * 10);
    drawSparks();
  }

  /* Row density from the measured row height, so that any number of teams
     fits any screen: "dense" drops the area line, "tight" puts names on one line. */
  function density(list, rem, inner, denseBelow) {
    var n = list.children.length;
    if (!n) return;
    var per = inner / n / rem;
    setClass(list, 'dense', per < denseBelow);
    setClass(list, 'tight', per < 2.6);
  }
  function updateDensity() {
    var rem = remPx();
    var cs = window.getComputedStyle(el.rows);
    density(el.rows, rem, el.rows.clientHeight - (parseFloat(cs.paddingTop) || 0) - (parseFloat(cs.paddingBottom) || 0), 3.6);
    /* tight rows put the counts beside the rate: a wider rates column */
    var tight = el.rows.classList.contains('tight');
    if (el.teamsBody.classList.contains('tight') !== tight) {
      setClass(el.teamsBody, 'tight', tight);
      if (chart && !chart.options.responsive) chart.resize();
    }
    density(el.table, rem, el.table.clientHeight, 5);
  }

  var resizeTimer = null;
  function onResize() {
    if (resizeTimer !== null) clearTimeout(resizeTimer);
    resizeTimer = setTimeout(function () {
      resizeTimer = null;
      var px = remPx();
      if (chart) {
        if (px !== chartFontPx) chartFonts(px);
        if (!chart.options.responsive) chart.resize();
        chart.update('none');
      }
      if (trendChart) {
        if (px !== trendFontPx) trendFonts(px);
        if (!trendChart.options.responsive) trendChart.resize();
        trendChart.update('none');
      }
      updateDensity();
      drawSparks();
    }, 150);
  }
  window.addEventListener('resize', onResize);

  /* ------------------------------------------------------------------ */
  /* rendering                                                           */

  var teamRows = Object.create(null);   /* code -> {li, name, area, rate, counts, small} */
  var previous = null;                  /* {value, asOf} of the service rate last shown */

  /* an element of tag with class cls */
  function elem(tag, cls) {
    var e = document.createElement(tag);
    e.className = cls;
    return e;
  }

  /* a team row's first cell: the team's name over its area (both rows' kinds) */
  function makeNameBox() {
    var box = elem('div', 'team-name');
    var name = box.appendChild(span('name'));
    var area = box.appendChild(span('area'));
    return { box: box, name: name, area: area };
  }

  /* the "small" tag shown next to a rate over a small denominator */
  function makeSmallFlag() {
    var small = span('small-flag');
    small.textContent = 'small';
    small.hidden = true;
    return small;
  }

  function makeRow(code) {
    var li = elem('li', 'team-row');
    li.setAttribute('data-team', code);
    var nb = makeNameBox();

    var rateBox = elem('div', 'team-rate');
    var line1 = rateBox.appendChild(elem('div', 'line1'));
    var rag = line1.appendChild(makeRag());
    var rate = line1.appendChild(span('agency-rate'));
    var line2 = rateBox.appendChild(elem('div', 'line2'));
    var small = line2.appendChild(makeSmallFlag());
    var counts = line2.appendChild(span('rate-counts'));

    var spark = elem('canvas', 'spark');
    spark.setAttribute('aria-hidden', 'true');

    li.appendChild(nb.box);
    li.appendChild(spark);
    li.appendChild(rateBox);
    li.setAttribute('data-alert', 'none');
    return { li: li, name: nb.name, area: nb.area, rate: rate, counts: counts, small: small, spark: spark, rag: rag };
  }

  /* ---- the stability view: one row per team, figures as text ---- */

  var TABLE_COLS = ['vacancy', 'turnover', 'stability', 'caseload', 'churn', 'absence'];
  var tableRows = Object.create(null);   /* code -> {li, name, area, cells: {col: {v, c, small}}} */

  function makeTableRow(code) {
    var li = elem('li', 'stab-row');
    li.setAttribute('data-team', code);
    var nb = makeNameBox();
    li.appendChild(nb.box);
    var cells = {};
    for (var i = 0; i < TABLE_COLS.length; i++) {
      var cell = li.appendChild(elem('div', 'stab-cell cell-' + TABLE_COLS[i]));
      cell.setAttribute('data-alert', 'none');
      var crag = cell.appendChild(makeRag());
      var v = cell.appendChild(span('v'));
      var val = v.appendChild(span('n'));
      var line = cell.appendChild(span('c'));
      var small = line.appendChild(makeSmallFlag());
      var c = line.appendChild(document.createElement('span'));
      cells[TABLE_COLS[i]] = { cell: cell, rag: crag, v: v, n: val, c: c, small: small };
    }
    return { li: li, name: nb.name, area: nb.area, cells: cells };
  }

  function setCell(cell, r, counts) {
    var ok = isRate(r);
    setText(cell.n, figText(r));
    setClass(cell.v, 'missing', !ok);
    setHidden(cell.small, !(ok && r.small === true));
    setText(cell.c, ok ? counts : '');
  }

  function renderTable(teams) {
    var seen = Object.create(null);
    var anyChurn = false;
    var i, t, row, code;
    for (i = 0; i < teams.length; i++) {
      t = teams[i] || {};
      code = String(t.code || t.id || i);
      seen[code] = true;
      row = tableRows[code];
      if (!row) row = tableRows[code] = makeTableRow(code);
      if (el.table.children[i] !== row.li) el.table.insertBefore(row.li, el.table.children[i] || null);
      setText(row.name, String(t.name || code));
      setText(row.area, String(t.area || ''));
      var c = row.cells;
      var vr = t.vacancy_rate;
      setCell(c.vacancy, vr, vr ? fte(vr.num) + ' of ' + fte(vr.den) + ' FTE' : '');
      var tr = t.turnover_rate;
      setCell(c.turnover, tr, tr ? fte(tr.num) + ' of ' + fte(tr.den) + ' FTE' : '');
      var si = t.stability_index;
      setCell(c.stability, si, si ? heads(si.num) + ' of ' + heads(si.den) + ' stayed' : '');
      var cl = t.average_caseload;
      setCell(c.caseload, cl, cl ? heads(cl.num) + ' / ' + fte(cl.den) + ' FTE' : '');
      var ch = t.caseload_churn;
      if (isRate(ch)) anyChurn = true;
      setCell(c.churn, ch, ch ? heads(ch.num) + ' / ' + heads(ch.den) + ' cases' : '');
      var ab = t.absence_rate;
      setCell(c.absence, ab, ab ? heads(ab.num) + ' days' : '');
      for (var col in CELL_FIGURES) showAlert(c[col].cell, c[col].rag, alertLevel(code, [CELL_FIGURES[col]]), false);
    }
    for (code in tableRows) {
      if (!seen[code]) {
        if (tableRows[code].li.parentNode) tableRows[code].li.parentNode.removeChild(tableRows[code].li);
        delete tableRows[code];
      }
    }
    /* the churn column only once case allocations have been uploaded */
    setClass(el.stab, 'no-churn', !anyChurn);
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
      showAlert(row.li, row.rag, alertLevel(code, ROW_FIGURES), false);
    }
    for (code in teamRows) {
      if (!seen[code]) {
        if (teamRows[code].li.parentNode) teamRows[code].li.parentNode.removeChild(teamRows[code].li);
        delete teamRows[code];
      }
    }
    renderHighest(teams);
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
          (previous.asOf && previous.asOf !== asOf ? ' on ' + shortDate(previous.asOf, asOf) : ''));
        setClass(el.delta, 'up', up);
        setClass(el.delta, 'down', !up);
      }
      if (!previous || previous.value !== r.value || previous.asOf !== asOf) {
        previous = { value: r.value, asOf: asOf };
      }
    }
  }


  /* ------------------------------------------------------------------ */
  /* alerts: the banner, and red/amber on the tiles, rows and cells       */

  var alerts = null;                    /* the last known active alerts (null: never received) */
  var alertSlots = [];                  /* the banner's lines, created once */
  var alertMore = null;

  function span(cls) {
    var s = document.createElement('span');
    s.className = cls;
    return s;
  }

  /* a level tag: a shape (square for red, triangle for amber) and the word */
  function makeRag() {
    var rag = span('rag');
    var icon = span('rag-icon');
    icon.setAttribute('aria-hidden', 'true');
    rag.appendChild(icon);
    rag.appendChild(span('rag-word'));
    rag.hidden = true;
    return rag;
  }

  function setAttr(node, name, value) {
    if (node.getAttribute(name) !== value) node.setAttribute(name, value);
  }

  /* level: {level: 'red'|'amber', acked, teams} or null */
  function setRag(rag, level, words) {
    setHidden(rag, !level);
    if (!level) return;
    setAttr(rag, 'data-level', level.level);
    setAttr(rag, 'data-acked', level.acked ? 'true' : 'false');
    setText(rag.lastChild, words);
  }

  function showAlert(box, rag, level, withTeams) {
    setAttr(box, 'data-alert', level ? level.level : 'none');
    setAttr(box, 'data-acked', level && level.acked ? 'true' : 'false');
    setRag(rag, level, level ? level.level.toUpperCase() +
      (withTeams && level.teams > 1 ? ' \u00B7 ' + level.teams + ' teams' : '') : '');
  }

  function rank(level) { return level === 'red' ? 2 : level === 'amber' ? 1 : 0; }

  /* the worst active level among the figures, for one team (or any team when
     code is null); acked only when every alert at that level is acknowledged */
  function alertLevel(code, figures) {
    var best = null;
    if (!alerts) return null;
    for (var i = 0; i < alerts.length; i++) {
      var a = alerts[i];
      if (!a || figures.indexOf(a.figure) < 0 || (code !== null && String(a.team) !== code)) continue;
      var r = rank(a.level);
      if (!r) continue;
      if (!best || r > rank(best.level)) best = { level: a.level, acked: a.acknowledged === true, teams: 0, seen: {} };
      if (r === rank(best.level)) {
        if (a.acknowledged !== true) best.acked = false;
        if (!best.seen[a.team]) { best.seen[a.team] = true; best.teams++; }
      }
    }
    return best;
  }

  function indexAlerts(list) {
    alerts = [];
    for (var i = 0; i < list.length; i++) {
      var a = list[i];
      if (!a || typeof a !== 'object' || !rank(a.level)) continue;
      alerts.push({ i: i, a: a });
    }
    /* red before amber, not yet acknowledged first, then as the API sends them (oldest first) */
    alerts.sort(function (x, y) {
      return (rank(y.a.level) - rank(x.a.level)) ||
        ((x.a.acknowledged === true ? 1 : 0) - (y.a.acknowledged === true ? 1 : 0)) || (x.i - y.i);
    });
    for (i = 0; i < alerts.length; i++) {
      alerts[i] = alerts[i].a;
    }
  }

  function alertValue(a) {
    var v = a.value;
    if (typeof v !== 'number' || !isFinite(v)) return '';
    if (a.figure === 'caseload_churn') return v.toFixed(2);
    if (a.figure === 'average_caseload') return v.toFixed(1);
    return v.toFixed(1) + '%';
  }

  function makeSlot() {
    var li = document.createElement('li');
    li.className = 'alert-item';
    li.hidden = true;
    var rag = makeRag();
    rag.hidden = false;
    var team = span('alert-team');
    var what = span('alert-what');
    var since = span('alert-since');
    var ack = span('alert-ack');
    li.appendChild(rag);
    li.appendChild(team);
    li.appendChild(what);
    li.appendChild(since);
    li.appendChild(ack);
    el.alertList.appendChild(li);
    return { li: li, rag: rag, team: team, what: what, since: since, ack: ack };
  }

  function initAlerts() {
    for (var i = 0; i < ALERT_LINES; i++) alertSlots.push(makeSlot());
    alertMore = document.createElement('li');
    alertMore.className = 'alert-more';
    alertMore.hidden = true;
    el.alertList.appendChild(alertMore);
  }

  function levelCounts(list, from) {
    var red = 0, amber = 0;
    for (var i = from; i < list.length; i++) {
      if (list[i].level === 'red') red++; else amber++;
    }
    var parts = [];
    if (red) parts.push(red + ' red');
    if (amber) parts.push(amber + ' amber');
    return parts.join(', ');
  }

  function renderAlerts(asOf) {
    var known = alerts !== null;
    var n = known ? alerts.length : 0;
    setHidden(el.alertsNone, !(known && n === 0));
    setHidden(el.alerts, n === 0);
    if (!n) {
      for (var j = 0; j < alertSlots.length; j++) setHidden(alertSlots[j].li, true);
      setHidden(alertMore, true);
      return;
    }
    var acked = 0;
    for (var i = 0; i < n; i++) if (alerts[i].acknowledged === true) acked++;
    setText(el.alertsTitle, n + ' ' + plural(n, 'alert', 'alerts'));
    setText(el.alertsCounts, levelCounts(alerts, 0) + (acked ? ' \u00B7 ' + acked + ' acknowledged' : ''));
    var worst = alerts[0];   /* sorted: the worst, not yet acknowledged first */
    setAttr(el.alerts, 'data-level', worst.level);
    setAttr(el.alerts, 'data-acked', acked === n ? 'true' : 'false');

    var shown = n <= ALERT_LINES ? n : ALERT_LINES - 1;
    for (i = 0; i < alertSlots.length; i++) {
      var s = alertSlots[i];
      var a = alerts[i];
      setHidden(s.li, i >= shown);
      if (i >= shown) continue;
      var isAcked = a.acknowledged === true;
      setAttr(s.li, 'data-team', String(a.team));
      setAttr(s.li, 'data-figure', String(a.figure));
      setAttr(s.li, 'data-level', a.level);
      setAttr(s.li, 'data-acked', isAcked ? 'true' : 'false');
      setRag(s.rag, { level: a.level, acked: isAcked }, a.level.toUpperCase());
      setText(s.team, String(a.team_name || a.team));
      setText(s.what, (FIGURE_LABELS[a.figure] || String(a.figure)) + ' ' + alertValue(a));
      setText(s.since, a.as_of ? 'since ' + shortDate(a.as_of, asOf) : '');
      setText(s.ack, isAcked
        ? '\u2713 Acknowledged' + (a.acked_by ? ' by ' + a.acked_by : '') +
          (a.ack_comment ? ': \u201C' + a.ack_comment + '\u201D' : '')
        : 'Not acknowledged');
    }
    setHidden(alertMore, n <= ALERT_LINES);
    if (n > ALERT_LINES) {
      setText(alertMore, '+' + (n - shown) + ' more: ' + levelCounts(alerts, shown) +
        ' (steadyctl alerts list, or the admin page)');
    }
  }

  /* ---- figure tiles ---- */

  var prevFig = Object.create(null);   /* tile key -> {value, asOf, shown} */

  /* "30 Sep" (the year only when it is not the current data's year) */
  function shortDate(iso, asOf) {
    var d = ukDate(iso);
    return asOf && String(iso).slice(0, 4) === String(asOf).slice(0, 4) ? d.replace(/ \d{4}$/, '') : d;
  }

  function changeText(diff, r, since) {
    var pts = r.unit === 'percent' || !r.unit;
    var digits = r.unit === 'per_case' ? 2 : 1;
    var scale = Math.pow(10, digits);
    diff = Math.round(diff * scale) / scale;
    if (diff === 0) return 'No change since ' + since;
    return (diff > 0 ? '\u25B2 Up ' : '\u25BC Down ') + Math.abs(diff).toFixed(digits) +
      (pts ? ' pts' : '') + ' since ' + since;
  }

  /* The change since the figures before: between two messages when the value
     changed while the page was open (kept until it changes again), else from
     the previous month of the trend, when the trend has it. */
  function renderDelta(node, key, r, asOf, series, months) {
    var p = prevFig[key];
    if (!isRate(r)) {
      setText(node, '\u00A0');
      return;
    }
    if (p && p.value !== r.value) {
      p.shown = changeText(r.value - p.value, r,
        p.asOf && p.asOf !== asOf ? shortDate(p.asOf, asOf) : hhmm(p.at));
    }
    if (!p || p.value !== r.value || p.asOf !== asOf) {
      prevFig[key] = p = { value: r.value, asOf: asOf, at: Date.now(), shown: p ? p.shown : null };
    }
    if (p.shown) { setText(node, p.shown); return; }
    var n = Array.isArray(series) && Array.isArray(months) ? Math.min(series.length, months.length) : 0;
    if (n >= 2 && typeof series[n - 2] === 'number') {
      setText(node, changeText(r.value - series[n - 2], r, shortDate(months[n - 2], asOf)));
    } else {
      setText(node, '\u00A0');
    }
  }

  function renderTile(t, r, counts, extra) {
    var ok = isRate(r);
    setText(t.value, figText(r));
    setClass(t.value, 'missing', !ok);
    setHidden(t.small, !(ok && r.small === true));
    setText(t.counts, ok && counts ? counts : '\u00A0');
    setText(t.extra, extra || '\u00A0');
  }

  function warning(s, code) {
    var w = s && Array.isArray(s.warnings) ? s.warnings : [];
    for (var i = 0; i < w.length; i++) if (w[i] && w[i].code === code) return String(w[i].message || '');
    return '';
  }

  function renderTiles(summary, asOf) {
    var s = summary.service || {};
    var teams = Array.isArray(summary.teams) ? summary.teams : [];
    var trend = summary.trend || {};
    var ts = trend.service || {};
    var months = trend.months;
    var win = summary.window || {};
    var T = el.tiles;

    /* vacancy: teams with an establishment only */
    var vr = s.vacancy_rate;
    var withEst = 0;
    for (var i = 0; i < teams.length; i++) if (teams[i] && typeof teams[i].establishment_fte === 'number') withEst++;
    var ac = s.agency_cover;
    renderTile(T.vacancy, vr,
      vr ? fte(vr.num) + ' of ' + fte(vr.den) + ' FTE vacant' : '',
      !isRate(vr) ? 'Funded FTE per team not recorded yet'
        : (isRate(ac) ? 'Agency covers ' + figText(ac) + '.' : 'Agency cover: ' + missingText(ac).toLowerCase() + '.') +
          (withEst < teams.length ? ' Posts set for ' + withEst + ' of ' + teams.length + ' teams.' : ''));
    renderDelta(T.vacancy.delta, 'vacancy', vr, asOf, ts.vacancy_rate, months);

    var tr = s.turnover_rate;
    var lv = s.leavers || {};
    var st = s.starters || {};
    var tx = s.team_exits || {};
    renderTile(T.turnover, tr,
      tr ? fte(tr.num) + ' FTE left of ' + fte(tr.den) : '',
      '12 months: ' + heads(lv.headcount) + ' left, ' + heads(st.headcount) + ' started' +
        (heads(tx.headcount) ? ', ' + heads(tx.headcount) + ' moved team' : ''));
    renderDelta(T.turnover.delta, 'turnover', tr, asOf, ts.turnover_rate, months);

    var si = s.stability_index;
    renderTile(T.stability, si,
      si ? heads(si.num) + ' of ' + heads(si.den) + ' people stayed' : '',
      isRate(si) ? 'of those employed a year before' : '');
    renderDelta(T.stability.delta, 'stability', si, asOf, ts.stability_index, months);

    var cl = s.average_caseload;
    var ch = s.caseload_churn;
    var c3 = s.children_3plus_workers;
    var churn = '';
    if (isRate(ch)) churn = 'Churn ' + figText(ch) + ' worker changes per case';
    if (isRate(c3)) churn += (churn ? '; ' : '') + figText(c3) + ' of children had 3+ workers';
    renderTile(T.caseload, cl,
      cl ? heads(cl.num) + ' cases, ' + fte(cl.den) + ' FTE' : '',
      churn || warning(s, 'caseload_missing'));
    renderDelta(T.caseload.delta, 'caseload', cl, asOf, ts.average_caseload, months);

    showAlert(el.headline, el.headlineRag, alertLevel(null, TILE_FIGURES.headline), true);
    for (var k in T) showAlert(T[k].tile, T[k].rag, alertLevel(null, TILE_FIGURES[k]), true);
  }

  function render(summary) {
    var asOf = summary.as_of || null;
    var teams = Array.isArray(summary.teams) ? summary.teams : [];
    setText(el.asOf, asOf ? 'Data as at ' + ukDate(asOf) : 'No roster uploaded yet');
    /* absent only when the alert evaluation could not run: keep the last known */
    if (Array.isArray(summary.alerts)) indexAlerts(summary.alerts);
    renderAlerts(asOf);
    renderService(summary.service, asOf);
    renderTiles(summary, asOf);
    renderTeams(teams);
    renderTable(teams);
    renderTrend(summary.trend);
    updateDensity();
    renderSparks(summary.trend);
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

  /* ------------------------------------------------------------------ */
  /* views: ?view=stability pins one; ?rotate=N alternates every N s      */

  var view = 'agency';
  function showView(v) {
    view = v;
    if (el.board.getAttribute('data-view') !== v) el.board.setAttribute('data-view', v);
    var dots = el.viewsNav.children;
    for (var i = 0; i < dots.length; i++) setClass(dots[i], 'on', dots[i].getAttribute('data-view') === v);
    if (v === 'agency') drawSparks();
  }
  (function applyViews() {
    var v = queryParam('view');
    if (v && VIEWS.indexOf(v) >= 0) view = v;
    var secs = parseFloat(queryParam('rotate') || '');
    if (secs > 0) {
      secs = Math.max(5, secs);
      setHidden(el.viewsNav, false);
      setInterval(function () {
        showView(VIEWS[(VIEWS.indexOf(view) + 1) % VIEWS.length]);
      }, secs * 1000);
    }
    showView(view);
  })();

  initAlerts();
  initChart();
  initTrendChart();
  connect();
  setInterval(tick, 1000);
  setInterval(shift, SHIFT_EVERY_MS);

  window.steady = {
    chart: chart,
    trendChart: trendChart,
    view: function () { return view; },
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
