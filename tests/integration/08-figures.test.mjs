// 8. Every roster figure through the real stack: the worked example of
//    docs/metrics.md (tests/data/figures/) uploaded as HR and agency extracts at
//    two dates, establishment set through the API and steadyctl, then the
//    summary, the window and date parameters, the trend and a team's history.
import assert from 'node:assert/strict';
import { test, setup, upload, getJson, readData, teamOf, steadyctlOk } from './lib.mjs';

const TEAMS = [
  { code: 'A', name: 'Team A', area: 'Front door' },
  { code: 'B', name: 'Team B', area: 'Front door' },
  { code: 'C', name: 'Team C' },
];

const v = (fig) => fig.value;

async function loadScenario(t) {
  const env = await setup(t, { teams: TEAMS });
  const d = await env.startDaemon();
  for (const [source, date] of [['hr', '2025-09-30'], ['agency', '2025-09-30'], ['hr', '2026-09-30'], ['agency', '2026-09-30']]) {
    const r = await upload(d.url, { source, as_of: date }, readData(`figures/${source}-${date}.csv`));
    assert.equal(r.status, 201, `${source} ${date}: ${JSON.stringify(r.body)}`);
  }
  const put = async (body) => {
    const r = await fetch(`${d.url}/api/v1/establishment`, { method: 'PUT', body: JSON.stringify(body) });
    assert.equal(r.status, 200, await r.text());
  };
  await put({ team: 'A', fte: 3, effective_from: '2025-01-01' });
  await put({ team: 'a', fte: 4, effective_from: '01/04/2026' });
  await steadyctlOk(env.db, ['establishment', 'set', 'C', '1', '--from', '2026-01-01']);
  return { env, d };
}

test('every roster figure at the DfE year end, hand-computed', { timeout: 120_000 }, async (t) => {
  const { d } = await loadScenario(t);
  const { status, body } = await getJson(`${d.url}/api/v1/summary`);
  assert.equal(status, 200);
  assert.equal(body.as_of, '2026-09-30');
  assert.deepEqual(body.window, { from: '2025-10-01', to: '2026-09-30' });
  const A = teamOf(body, 'A'), B = teamOf(body, 'B'), C = teamOf(body, 'C'), S = body.service;

  // in post: A s1 s6 + agency s10; B s2 s4 + agency s9 (s5 leaves on the day); C s8
  assert.equal(v(A.agency_rate_fte), 33.3);
  assert.equal(v(S.agency_rate_fte), 28.6);
  assert.equal(S.headcount.total, 7);
  // leavers s3 (0.5) and s7 (0.8) in A, s5 in B; turnover = leavers FTE / employed FTE
  assert.deepEqual(A.leavers, { fte: 1.3, headcount: 2 });
  assert.equal(v(A.turnover_rate), 65);
  assert.equal(v(B.turnover_rate), 50);
  assert.equal(v(C.turnover_rate), 0);
  assert.equal(v(S.turnover_rate), 46);
  // starters s6 (agency -> permanent) and s7 in A, s8 in C; s2's move is a team exit of A
  assert.deepEqual(A.starters, { fte: 1.8, headcount: 2 });
  assert.deepEqual(C.starters, { fte: 1, headcount: 1 });
  assert.deepEqual(B.starters, { fte: 0, headcount: 0 });
  assert.deepEqual(A.team_exits, { fte: 1, headcount: 1 });
  // stability: A keeps s1 of s1 s2 s3; B keeps s4 of s4 s5; the area and service keep 3 of 5
  assert.equal(v(A.stability_index), 33.3);
  assert.equal(v(B.stability_index), 50);
  assert.equal(v(S.stability_index), 60);
  const area = body.areas.find((a) => a.name === 'Front door');
  assert.equal(v(area.stability_index), 60);
  // vacancy: A 4.0 funded (April's value), 2.0 employed; B none; C full
  assert.equal(A.establishment_fte, 4);
  assert.equal(v(A.vacancy_rate), 50);
  assert.equal(v(A.agency_cover), 50);
  assert.equal(B.vacancy_rate.value, null);
  assert.equal(B.vacancy_rate.missing, 'no establishment set');
  assert.equal(v(C.vacancy_rate), 0);
  assert.equal(C.agency_cover.missing, 'no vacancies');
  assert.equal(v(S.vacancy_rate), 40);
  assert.ok(S.warnings.some((w) => w.code === 'partial_establishment'), JSON.stringify(S.warnings));
  // caseload per case-holding FTE, agency included; absence over employed FTE x 253
  assert.equal(v(A.average_caseload), 16.7);
  assert.equal(A.average_caseload.unit, 'per_fte');
  assert.equal(v(B.average_caseload), 12.5);
  assert.equal(C.average_caseload.missing, 'no caseloads in the roster');
  assert.equal(v(S.average_caseload), 15);
  assert.equal(v(A.absence_rate), 3);
  assert.equal(v(B.absence_rate), 0.4);
  // no allocations uploaded: churn is missing, never 0
  assert.equal(S.caseload_churn.value, null);
  // small denominators are flagged
  assert.equal(A.turnover_rate.small, true);
});

test('reference date, window and trend', { timeout: 120_000 }, async (t) => {
  const { d } = await loadScenario(t);
  // on 31 March 2026 the 2025 extracts are in force and A's older establishment applies
  let r = await getJson(`${d.url}/api/v1/summary?date=31/03/2026`);
  assert.equal(r.status, 200);
  assert.equal(r.body.as_of, '2026-03-31');
  assert.equal(teamOf(r.body, 'A').establishment_fte, 3);
  // agency 2.0 of 6.5 FTE (s1 s2 s3 s4 s5 employed, s6 s9 agency)
  assert.equal(v(r.body.service.agency_rate_fte), 30.8);

  // the trend: one point per month end from the first data (Sep 2025) to Sep 2026
  r = await getJson(`${d.url}/api/v1/summary`);
  const tr = r.body.trend;
  assert.equal(tr.months.length, 13);
  assert.equal(tr.months[0], '2025-09-30');
  assert.equal(tr.months[12], '2026-09-30');
  assert.equal(tr.service.agency_rate_fte[0], 30.8);
  assert.equal(tr.service.agency_rate_fte[12], 28.6);
  assert.equal(tr.teams.A.agency_rate_fte[12], 33.3);

  // a team's history: the same months, each with every figure
  r = await getJson(`${d.url}/api/v1/teams/a/history?months=6`);
  assert.equal(r.status, 200);
  assert.equal(r.body.team.code, 'A');
  assert.equal(r.body.points.length, 6);
  assert.equal(r.body.points[5].month, '2026-09-30');
  assert.equal(v(r.body.points[5].turnover_rate), 65);

  // bad parameters name the parameter; an unknown team is a 404
  r = await getJson(`${d.url}/api/v1/summary?date=2026-09-30&from=2026-10-01`);
  assert.equal(r.status, 400);
  assert.equal(r.body.errors[0].column, 'from');
  r = await getJson(`${d.url}/api/v1/summary?date=09/30/2026`);
  assert.equal(r.status, 400);
  assert.equal(r.body.errors[0].column, 'date');
  r = await getJson(`${d.url}/api/v1/teams/NOPE/history`);
  assert.equal(r.status, 404);
});
