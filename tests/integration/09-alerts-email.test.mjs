// 9. Alerting by email (docs/alerts.md, "Email"): an email receiver's
//    notifications go through the same outbox as webhooks and are handed to
//    the configured sendmail (here tests/integration/fake-sendmail, which
//    records every call).  An upload that pushes a team over red sends
//    exactly one message with the right To and Subject; a sendmail that
//    fails twice (exit 75) is retried with backoff, across a daemon killed
//    in between, and the message goes out once; one that always fails is
//    given up on after alert_give_up_seconds, visibly through the receivers
//    API the admin page uses and steadyctl; one that hangs is killed after
//    the receiver's timeout.  Invalid recipient lists are refused.
import assert from 'node:assert/strict';
import path from 'node:path';
import os from 'node:os';
import { mkdtempSync, writeFileSync, readFileSync, existsSync, rmSync, symlinkSync, statSync } from 'node:fs';
import { setTimeout as sleep } from 'node:timers/promises';
import { test, setup, startDaemon, steadyctl, steadyctlOk, psql, ROOT, until, uploadCtl } from './lib.mjs';
import { ALERT_TEAMS as TEAMS, rosterHr, rosterAgency } from './alert-data.mjs';

/** A directory with a `sendmail` link to the fake; mode: "ok", "fail N", "always", "hang". */
function fakeSendmail(t, mode = 'ok') {
  const dir = mkdtempSync(path.join(os.tmpdir(), 'steady-mail-'));
  t.after(() => rmSync(dir, { recursive: true, force: true }));
  symlinkSync(path.join(ROOT, 'tests/integration/fake-sendmail'), path.join(dir, 'sendmail'));
  writeFileSync(path.join(dir, 'mode'), `${mode}\n`);
  return {
    program: path.join(dir, 'sendmail'),
    count: () => (existsSync(path.join(dir, 'count')) ? Number(readFileSync(path.join(dir, 'count'), 'utf8')) : 0),
    /** The n-th call (1-based), once its message is complete. */
    call(n) {
      const eml = path.join(dir, `call-${n}.eml`);
      if (!existsSync(eml)) return null;
      return {
        args: readFileSync(path.join(dir, `call-${n}.args`), 'utf8').split('\n').filter(Boolean),
        message: readFileSync(eml, 'utf8'),
        pid: Number(readFileSync(path.join(dir, `call-${n}.pid`), 'utf8')),
        at: statSync(eml).mtimeMs,
      };
    },
  };
}

/** Header `name` of an RFC 5322 message (unfolded), or undefined. */
function header(message, name) {
  const head = message.slice(0, message.indexOf('\n\n')).replace(/\n[ \t]/g, ' ');
  const line = head.split('\n').find((l) => l.toLowerCase().startsWith(`${name.toLowerCase()}:`));
  return line?.slice(name.length + 1).trim();
}

const delivered = (db) => psql(db, 'SELECT count(*) FROM alert_outbox WHERE delivered_at IS NOT NULL').then(Number);

test('email receiver: one upload over red sends exactly one message; bad recipient lists are refused', { timeout: 90_000 }, async (t) => {
  const env = await setup(t, { teams: TEAMS });
  const mail = fakeSendmail(t, 'ok');
  const d = await env.startDaemon({ config: {
    sendmail: mail.program, mail_from: 'steady@wall.council.example',
    dashboard_url: 'https://wall.council.example/alerts.html',
  } });

  const post = (body) => fetch(`${d.url}/api/v1/receivers`, {
    method: 'POST', headers: { 'Content-Type': 'application/json' }, body: JSON.stringify(body),
  });
  for (const url of ['', 'Directors <dir@council.example>', 'ops@council.example\r\nBcc: leak@evil.example',
    'ops@council.example;dir@council.example', 'https://council.example/', 'a..b@council.example']) {
    const r = await post({ name: 'bad', kind: 'email', url });
    assert.equal(r.status, 422, `${JSON.stringify(url)}: ${await r.text()}`);
  }
  // psql cannot store a header injection either (the CHECK of sql/008)
  await assert.rejects(psql(env.db, "INSERT INTO alert_receiver (name, kind, url) VALUES ('x', 'email', E'a@b.example\\nBcc: c@d.example')"));
  const add = await post({ name: 'directors', kind: 'email', url: ' ops@council.example ,head.of.service@council.example', timeout_ms: 3000 });
  const addText = await add.text();
  assert.equal(add.status, 201, addText);
  const rcv = JSON.parse(addText);
  assert.equal(rcv.kind, 'email');
  assert.equal(rcv.url, 'ops@council.example, head.of.service@council.example', 'stored normalised');

  await uploadCtl(env.db, 'hr', rosterHr());
  await uploadCtl(env.db, 'agency', rosterAgency());
  await until(async () => (await delivered(env.db)) === 1, 20_000, 'the email delivered');
  await sleep(2500); // nothing more may be sent
  assert.equal(mail.count(), 1);
  const c = mail.call(1);
  assert.deepEqual(c.args, ['-i', '-t']);
  const m = c.message;
  assert.equal(header(m, 'From'), 'Steady <steady@wall.council.example>');
  assert.equal(header(m, 'To'), 'ops@council.example, head.of.service@council.example');
  assert.equal(header(m, 'Subject'), '[Steady] RED: Agency rate (FTE) in Assessment is 33.3% (red at 30.0%)');
  assert.equal(header(m, 'Content-Type'), 'text/plain; charset=utf-8');
  assert.equal(header(m, 'MIME-Version'), '1.0');
  assert.match(header(m, 'Date'), /^\w{3}, \d\d \w{3} \d{4} \d\d:\d\d:\d\d \+0000$/);
  const [outboxId, eventId] = (await psql(env.db, 'SELECT id, event_id FROM alert_outbox')).split('|');
  assert.equal(header(m, 'Message-ID'), `<steady.${outboxId}.${eventId}@wall.council.example>`);
  assert.equal(header(m, 'X-Steady-Delivery'), outboxId);
  assert.equal(header(m, 'Bcc'), undefined);
  assert.match(m, /\nTeam: +Assessment \(ASSESS\), Front door\n/);
  assert.match(m, /\nValue: +33\.3% \(denominator 15\)\n/);
  assert.match(m, /\nDashboard: +https:\/\/wall\.council\.example\/alerts\.html\n/);
  assert.equal(await psql(env.db, 'SELECT attempts, last_status, last_error IS NULL FROM alert_outbox'), '1|0|t');
  assert.equal(await psql(env.db, 'SELECT status, error IS NULL FROM alert_delivery_attempt'), '0|t');
  const list = await (await fetch(`${d.url}/api/v1/receivers`)).json();
  assert.equal(list.receivers[0].delivered, 1);
  assert.equal(list.receivers[0].failed, 0);
});

test('email: sendmail fails twice (exit 75), the daemon is killed in between, the message goes out once', { timeout: 90_000 }, async (t) => {
  const env = await setup(t, { teams: TEAMS });
  const mail = fakeSendmail(t, 'fail 2');
  const config = { sendmail: mail.program, mail_from: 'steady@wall.council.example' };
  await steadyctlOk(env.db, ['receivers', 'add', 'ops', 'email', 'ops@council.example', '--timeout-ms', '3000']);
  const d1 = await startDaemon(env.db, { config }); // killed below: not stopped by setup()
  t.after(() => { try { d1.proc.kill('SIGKILL'); } catch { /* gone */ } });
  await uploadCtl(env.db, 'hr', rosterHr());
  await uploadCtl(env.db, 'agency', rosterAgency());
  // the first attempt fails and is recorded; then the daemon dies
  await until(async () => Number(await psql(env.db, 'SELECT count(*) FROM alert_delivery_attempt')) === 1, 15_000,
    'the first failed attempt recorded');
  d1.proc.kill('SIGKILL');
  await d1.exited;
  assert.equal(mail.count(), 1);
  assert.equal(await psql(env.db, 'SELECT last_status, last_error FROM alert_outbox'),
    '75|sendmail exit 75 (EX_TEMPFAIL): fake-sendmail: mail queue locked (call 1)');

  await env.startDaemon({ config });
  await until(async () => (await delivered(env.db)) === 1, 30_000, 'the email delivered after the restart');
  await sleep(2500);
  assert.equal(mail.count(), 3, 'two failures and one success, nothing more');
  const calls = [1, 2, 3].map((n) => mail.call(n));
  // the same message each time (a retry is recognisable by its Message-ID)
  assert.equal(calls[1].message, calls[0].message);
  assert.equal(calls[2].message, calls[0].message);
  assert.ok(calls[1].at - calls[0].at >= 900, `first retry after about 1 s (${calls[1].at - calls[0].at} ms)`);
  assert.ok(calls[2].at - calls[1].at >= 1900, `second retry after about 2 s (${calls[2].at - calls[1].at} ms)`);
  assert.equal(await psql(env.db, 'SELECT status FROM alert_delivery_attempt ORDER BY id'), '75\n75\n0');
  assert.equal(await psql(env.db, 'SELECT attempts, last_status, last_error IS NULL FROM alert_outbox'), '3|0|t');
});

test('email: a sendmail that always fails is given up on, visibly; one that hangs is killed', { timeout: 90_000 }, async (t) => {
  const env = await setup(t, { teams: TEAMS });
  const mail = fakeSendmail(t, 'always');
  await steadyctlOk(env.db, ['receivers', 'add', 'ops', 'email', 'ops@council.example', '--timeout-ms', '3000']);
  const bad = await steadyctl(env.db, ['receivers', 'add', 'x', 'email', 'Ops <ops@council.example>']);
  assert.equal(bad.code, 1, bad.stderr);
  assert.match(bad.stderr, /display names/);
  const d = await env.startDaemon({ config: { sendmail: mail.program, alert_give_up_seconds: 5 } });
  await uploadCtl(env.db, 'hr', rosterHr());
  await uploadCtl(env.db, 'agency', rosterAgency());
  await until(async () => Number(await psql(env.db, 'SELECT count(*) FROM alert_outbox WHERE failed_at IS NOT NULL')) === 1,
    20_000, 'the row given up');
  await sleep(2000);
  // attempts at about 0, 1 and 3 s; the next would come after 7 s > 5 s: given up
  assert.equal(mail.count(), 3);
  const rc = await (await fetch(`${d.url}/api/v1/receivers`)).json();
  const r = rc.receivers[0];
  assert.equal(r.kind, 'email');
  assert.equal(r.url, 'ops@council.example');
  assert.equal(r.failed, 1);
  assert.equal(r.delivered, 0);
  assert.equal(r.pending, 0);
  assert.equal(r.failures[0].last_error, 'sendmail exit 75 (EX_TEMPFAIL): fake-sendmail: mail queue locked (call 3)');
  assert.equal(r.failures[0].last_status, 75);
  assert.ok(r.failures[0].failed_at);
  // the default sender is steady@<host name>
  assert.match(header(mail.call(1).message, 'From'), /^Steady <steady@[A-Za-z0-9.-]+>$/);
  const list = await steadyctlOk(env.db, ['receivers', 'list']);
  assert.match(list.stdout, /ops +email .* 0 +0 +1 +ops@council\.example +sendmail exit 75/);
  await d.stop();

  // a sendmail that never finishes: killed after the receiver's timeout, the attempt fails
  await psql(env.db, 'UPDATE alert_receiver SET timeout_ms = 500');
  await psql(env.db, 'UPDATE alert_outbox SET failed_at = NULL, next_attempt_at = now(), created_at = now()');
  writeFileSync(path.join(path.dirname(mail.program), 'mode'), 'hang\n');
  const d2 = await env.startDaemon({ config: { sendmail: mail.program, alert_give_up_seconds: 5 } });
  await until(async () => /did not finish/.test(await psql(env.db, "SELECT coalesce(last_error, '') FROM alert_outbox")),
    15_000, 'the hanging sendmail killed');
  assert.equal(await psql(env.db, 'SELECT last_status IS NULL, last_error FROM alert_outbox'),
    't|sendmail did not finish within 500 ms (killed)');
  const pid = mail.call(4).pid;
  assert.throws(() => process.kill(pid, 0), /ESRCH/, 'the killed sendmail was reaped');
  void d2;
});
