// 1. Schema migrations from an empty database: `steadyctl migrate` applies every
//    numbered file in sql/ and records it in steady_schema_version; a second run
//    is a no-op; steadyd started on an empty database migrates it as well; an
//    applied migration whose file has changed since is refused by name.
import assert from 'node:assert/strict';
import { createHash } from 'node:crypto';
import { readFileSync, readdirSync } from 'node:fs';
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import { test, setup, steadyctl, psql, migrationVersions, schemaDump, assertSameText } from './lib.mjs';

const SQL_DIR = path.join(path.dirname(fileURLToPath(import.meta.url)), '..', '..', 'sql');


test('steadyctl migrate on an empty database, then again', { timeout: 120_000 }, async (t) => {
  const env = await setup(t, { migrate: false });
  const want = migrationVersions();
  assert.ok(want.length >= 1, 'sql/ holds at least one NNN_*.sql migration');

  const tablesBefore = await psql(env.db, "SELECT count(*) FROM pg_tables WHERE schemaname = 'public'");
  assert.equal(tablesBefore, '0', 'the database starts empty');

  const first = await steadyctl(env.db, ['migrate']);
  assert.equal(first.code, 0, `first migrate: exit ${first.code}\n${first.stderr}`);

  const versions = (await psql(env.db, 'SELECT version FROM steady_schema_version ORDER BY version'))
    .split('\n').filter(Boolean).map(Number);
  assert.deepEqual(versions, want, 'steady_schema_version lists every migration in sql/');

  for (const table of ['team', 'service_area', 'upload_batch', 'roster_row']) {
    assert.equal(await psql(env.db, `SELECT to_regclass('public.${table}') IS NOT NULL`), 't', `table ${table} exists`);
  }

  const recordBefore = await psql(env.db, 'SELECT version, applied_at FROM steady_schema_version ORDER BY version');
  const schemaBefore = await schemaDump(env.db);

  const second = await steadyctl(env.db, ['migrate']);
  assert.equal(second.code, 0, `second migrate: exit ${second.code}\n${second.stderr}`);
  assert.equal(await psql(env.db, 'SELECT version, applied_at FROM steady_schema_version ORDER BY version'),
    recordBefore, 'the second run records nothing new');
  assertSameText(await schemaDump(env.db), schemaBefore, 'the second run changes no schema object');
});

test('steadyd migrates an empty database at start', { timeout: 120_000 }, async (t) => {
  const env = await setup(t, { migrate: false });
  const d = await env.startDaemon();
  const versions = (await psql(env.db, 'SELECT version FROM steady_schema_version ORDER BY version'))
    .split('\n').filter(Boolean).map(Number);
  assert.deepEqual(versions, migrationVersions());
  const r = await fetch(`${d.url}/api/v1/summary`);
  assert.equal(r.status, 200);
  const s = await r.json();
  assert.equal(s.as_of, null, 'nothing uploaded: as_of is null');
  assert.deepEqual(s.teams, [], 'no teams yet');
});

test('steadyctl team add and team list', { timeout: 60_000 }, async (t) => {
  const env = await setup(t);
  const add = await steadyctl(env.db, ['team', 'add', 'ALPHA', 'Alpha Team', '--area', 'Front door']);
  assert.equal(add.code, 0, `team add with --area: exit ${add.code}\n${add.stderr}`);
  const add2 = await steadyctl(env.db, ['team', 'add', 'BRAVO', 'Bravo Team']);
  assert.equal(add2.code, 0, `team add without --area: exit ${add2.code}\n${add2.stderr}`);
  const dup = await steadyctl(env.db, ['team', 'add', 'alpha', 'Another name']);
  assert.notEqual(dup.code, 0, 'a second team with the same code (any case) is refused');
  const list = await steadyctl(env.db, ['team', 'list']);
  assert.equal(list.code, 0, list.stderr);
  assert.match(list.stdout, /^ALPHA\tAlpha Team\tFront door$/m);
  assert.match(list.stdout, /^BRAVO\tBravo Team\t?$/m);
});

test('an applied migration that differs from the build is refused, naming it', { timeout: 120_000 }, async (t) => {
  const env = await setup(t);
  // each applied migration is recorded with the SHA-256 of its file in sql/
  const files = readdirSync(SQL_DIR).filter((f) => /^\d{3}_.*\.sql$/.test(f)).sort();
  const want = files.map((f) => `${Number(f.slice(0, 3))}|${createHash('sha256').update(readFileSync(path.join(SQL_DIR, f))).digest('hex')}`);
  assert.deepEqual((await psql(env.db, 'SELECT version, sha256 FROM steady_schema_version ORDER BY version')).split('\n'), want);

  // a database migrated from another 002_figures.sql than this build's
  await psql(env.db, `UPDATE steady_schema_version SET sha256 = repeat('ab', 32) WHERE version = 2`);
  const bad = await steadyctl(env.db, ['migrate']);
  assert.notEqual(bad.code, 0, 'migrate refuses the database');
  assert.match(bad.stderr, /migration 002_figures was applied to this database on \d{4}-\d\d-\d\d from a different file \(SHA-256 abababababab\.\.\., this build has [0-9a-f]{12}\.\.\.\)/);
  await assert.rejects(env.startDaemon(), /exited during start-up[\s\S]*migration 002_figures was applied[\s\S]*not starting/,
    'steadyd does not start on it either');

  // a row recorded before checksums were kept (NULL) gets this build's checksum
  await psql(env.db, 'UPDATE steady_schema_version SET sha256 = NULL WHERE version = 2');
  const ok = await steadyctl(env.db, ['migrate']);
  assert.equal(ok.code, 0, ok.stderr);
  assert.equal(await psql(env.db, 'SELECT sha256 FROM steady_schema_version WHERE version = 2'), want[1].split('|')[1]);
});

test('a migration missing below the newest applied one is applied, not skipped', { timeout: 120_000 }, async (t) => {
  const env = await setup(t);
  // as if 005 had been added to sql/ after 006+ were applied: its record is missing, its objects are
  // there, so applying it again fails on the first CREATE TABLE: migrate says so (before, it skipped it)
  await psql(env.db, 'DELETE FROM steady_schema_version WHERE version = 5');
  const r = await steadyctl(env.db, ['migrate']);
  assert.notEqual(r.code, 0);
  assert.match(r.stderr, /005_alerts is applied after version \d+/);
  assert.match(r.stderr, /migrate: 005_alerts failed: .*already exists/);
});
