// Dovecot alone: users, Maildirs, configuration isolation, bad input, start-up failures.
import { test } from 'uvu';
import * as assert from 'uvu/assert';
import * as net from 'node:net';
import { spawn, type ChildProcess } from 'node:child_process';
import { join } from 'node:path';
import { existsSync, readFileSync, readdirSync, rmSync, statSync } from 'node:fs';
import { startDovecot, deliverToMaildir, pidAlive } from '../../host/servers';
import { Pop3Client } from '../../host/servers/pop3-client';

test('several users, each with its own Maildir; files dropped into new/ are served', async () => {
  const d = await startDovecot({ users: [{ user: 'alice', password: 'a-pass' }, { user: 'bob@example.com', password: 'b.pass!' }] });
  try {
    assert.equal(d.user, 'alice');
    assert.equal(d.users.length, 2);
    assert.is.not(d.users[0].maildir, d.users[1].maildir);
    const msg = Buffer.from('Subject: for bob\r\n\r\nhello bob\r\n');
    deliverToMaildir(d.users[1].maildir, msg, d.mailOwner);

    const a = await Pop3Client.connect(d.port);
    await a.login('alice', 'a-pass');
    assert.equal(await a.stat(), { count: 0, size: 0 });
    await a.quit();

    const b = await Pop3Client.connect(d.port);
    await b.login('bob@example.com', 'b.pass!');
    assert.equal(await b.stat(), { count: 1, size: msg.length });
    assert.ok((await b.retr(1)).equals(msg));
    // TOP 1 0: headers and the blank line only
    const top = await b.command('TOP 1 0', true);
    assert.equal(top.data!.toString(), 'Subject: for bob\r\n\r\n');
    await b.quit();

    // Dovecot moved the message from new/ to cur/ when it opened the mailbox (mail_location is really used)
    assert.equal(readdirSync(d.users[1].maildir + '/new'), []);
    assert.equal(readdirSync(d.users[1].maildir + '/cur').length, 1);
    const cfg = readFileSync(`${d.dir}/dovecot.conf`, 'utf8');
    assert.match(cfg, /listen = 127\.0\.0\.1/);
    assert.match(cfg, new RegExp(`port = ${d.port}`));
    assert.ok(statSync(d.dir).isDirectory());
  } finally {
    await d.stop();
  }
  assert.not.ok(existsSync(d.dir), 'the temporary folder is removed');
  assert.not.ok(pidAlive(d.pid));
});

test('only loopback: the listener is bound to 127.0.0.1', async () => {
  const d = await startDovecot();
  try {
    const addrs = readFileSync('/proc/net/tcp', 'utf8')
      .split('\n')
      .slice(1)
      .map((l) => l.trim().split(/\s+/))
      .filter((f) => f.length > 3 && f[3] === '0A') // LISTEN
      .map((f) => f[1]);
    const hex = d.port.toString(16).toUpperCase().padStart(4, '0');
    const mine = addrs.filter((a) => a.endsWith(':' + hex));
    assert.equal(mine, ['0100007F:' + hex]);
  } finally {
    await d.stop();
  }
});

test('bad users and passwords are refused before anything starts', async () => {
  const bad: [any, RegExp][] = [
    [{ users: [] }, /at least one user/],
    [{ users: [{ user: 'a:b', password: 'x' }] }, /user name/],
    [{ users: [{ user: 'a\nb', password: 'x' }] }, /user name/],
    [{ users: [{ user: 'a', password: 'has:colon' }] }, /password/],
    [{ users: [{ user: 'a', password: 'has space' }] }, /password/],
    [{ users: [{ user: 'a', password: '' }] }, /password/],
    [{ authFailureDelay: 1.5 }, /authFailureDelay/],
  ];
  for (const [opts, re] of bad) {
    try {
      const d = await startDovecot(opts);
      await d.stop();
      assert.unreachable('accepted ' + JSON.stringify(opts));
    } catch (e) {
      assert.match((e as Error).message, re);
    }
  }
});

test('a port already taken gives a clear error (explicit port) and no leftover process', async () => {
  const blocker = net.createServer();
  await new Promise<void>((r) => blocker.listen(0, '127.0.0.1', () => r()));
  const port = (blocker.address() as net.AddressInfo).port;
  try {
    await startDovecot({ port, startTimeoutMs: 5000 });
    assert.unreachable('started on a taken port');
  } catch (e) {
    assert.match((e as Error).message, /did not start on 127\.0\.0\.1:\d+[\s\S]*in use/);
  } finally {
    await new Promise((r) => blocker.close(r));
  }
});

test('with the default failure delay off, a wrong password does not slow the next login', async () => {
  const d = await startDovecot();
  try {
    const c = await Pop3Client.connect(d.port);
    await c.command('USER ' + d.user);
    assert.not.ok((await c.command('PASS nope')).ok);
    await c.quit();
    const t0 = Date.now();
    const c2 = await Pop3Client.connect(d.port);
    await c2.login(d.user, d.password);
    await c2.quit();
    // Dovecot's own penalty would be 2 s or more; allow a loaded machine plenty below that
    assert.ok(Date.now() - t0 < 1500, `login took ${Date.now() - t0} ms`);
  } finally {
    await d.stop();
  }
});

/** Runs fixtures/orphan.ts in its own process and returns the Dovecot it started. */
function orphan(mode: 'exit' | 'kill'): Promise<{ proc: ChildProcess; pid: number; dir: string }> {
  return new Promise((resolve, reject) => {
    const proc = spawn(process.execPath, ['--import', 'tsx', join(__dirname, 'fixtures', 'orphan.ts'), mode], { stdio: ['ignore', 'pipe', 'inherit'] });
    let out = '';
    proc.stdout!.on('data', (d) => {
      out += d;
      const nl = out.indexOf('\n');
      if (nl >= 0) resolve(Object.assign({ proc }, JSON.parse(out.slice(0, nl))));
    });
    proc.on('error', reject);
  });
}

async function gone(pid: number, ms: number): Promise<boolean> {
  const end = Date.now() + ms;
  while (Date.now() < end) {
    if (!pidAlive(pid)) return true;
    await new Promise((r) => setTimeout(r, 50));
  }
  return !pidAlive(pid);
}

test('a test process that exits without stop() takes its Dovecot with it', async () => {
  const o = await orphan('exit');
  assert.ok(pidAlive(o.pid));
  await new Promise((r) => o.proc.once('exit', r));
  assert.ok(await gone(o.pid, 5000), 'dovecot ended with the process');
  assert.not.ok(existsSync(o.dir), 'and its folder was removed');
});

test('a test process killed with SIGKILL still takes its Dovecot with it (parent-death signal)', async () => {
  const o = await orphan('kill');
  assert.ok(pidAlive(o.pid));
  o.proc.kill('SIGKILL');
  await new Promise((r) => o.proc.once('exit', r));
  assert.ok(await gone(o.pid, 5000), 'dovecot ended with the process');
  rmSync(o.dir, { recursive: true, force: true }); // nobody was left to remove it
});

test.run();
