// The watchdog: kicked while the worker makes progress, no longer kicked when it hangs, so that the board resets
// (and the outbox, in Storage, survives the reset).
import { test } from 'uvu';
import * as assert from 'uvu/assert';
import { bootSandbox } from '../../host/sandbox';
import { runtimeBoard } from '../../host/build';
import { loadBoard } from '../../host/boards';

test('a hung worker stops kicking the watchdog; an idle one keeps kicking it', async () => {
  const sb = bootSandbox({ board: 'linux' });
  // a module that never answers: the worker stays inside the bring-up of the first alert
  sb.run(`var app = require("s9app").start(${JSON.stringify(runtimeBoard(loadBoard('linux')))}, {to: "a@example.org", smtp: {host: "h"},
    from: {address: "b@example.org"}, watchdog: 0.3, stallLimit: 250});`);
  const E = (sb.context as any).E;
  assert.is(E.watchdogTimeout, 0.3, 'E.enableWatchdog was called');
  await new Promise((r) => setTimeout(r, 400));
  const idleKicks = E.watchdogKicks || 0;
  assert.ok(idleKicks >= 2, `an idle worker kicks (${idleKicks})`);
  sb.run('app.send({subject: "s", body: "b"})');
  await new Promise((r) => setTimeout(r, 150));
  assert.ok(sb.run('app.busy'), 'the worker is stuck on the silent module');
  const before = E.watchdogKicks;
  await new Promise((r) => setTimeout(r, 800));
  const after = E.watchdogKicks;
  assert.ok(after - before <= 1, `no kicks once the worker hung past stallLimit (${before} -> ${after})`);
  assert.is(sb.storage.list().filter((n) => /^ob\d/.test(n)).length, 1, 'the alert waits in Storage for after the reset');
  sb.close();
});

test('a board without the inbox (the Original): a poll answers E_UNSUPPORTED, the timer logs it, nothing throws', async () => {
  const logs: string[] = [];
  const sb = bootSandbox({ board: 'original', log: (...a: any[]) => logs.push(a.join(' ')) });
  assert.is(sb.storage.read('s9inbox'), undefined, 'the Original carries no s9inbox');
  sb.run(`var app = require("s9app").start(${JSON.stringify(runtimeBoard(loadBoard('original')))}, {to: "a@example.org", smtp: {host: "h"},
    pop3: {host: "h", user: "u", password: "p"}, inbox: {every: 50}, from: {address: "b@example.org"}, watchdog: 0});
    var got; app.poll(function (e) { got = e; });`);
  assert.is(sb.run('got && got.code'), 'E_UNSUPPORTED');
  await new Promise((r) => setTimeout(r, 130));
  assert.ok(logs.some((l) => /no s9inbox on this board/.test(l)), logs.join('\n'));
  sb.close();
});

test.run();
