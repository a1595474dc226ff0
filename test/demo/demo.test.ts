// README's first command: the main job runs end to end and ends with its success line.
import { test } from 'uvu';
import * as assert from 'uvu/assert';
import { spawnSync } from 'node:child_process';

test('npm run demo: an alert with a 48 KB picture goes out and comes back with the same sha256', () => {
  const r = spawnSync(process.execPath, ['--import', 'tsx', 'host/demo.ts'], { encoding: 'utf8', timeout: 240000, env: { ...process.env } });
  const out = (r.stdout || '') + (r.stderr || '');
  assert.is(r.status, 0, out.slice(-3000));
  const lines = (r.stdout || '').trim().split('\n');
  assert.match(lines[lines.length - 1], /^demo ok: sent 49152 bytes, retrieved 49152 bytes, sha256 match$/);
  assert.match(out, /upload +\[#{30}\] 100%/);
  assert.match(out, /retrieve +\[#{30}\] 100%/);
});

for (const mode of ['implicit', 'starttls']) {
  test(`npm run demo -- --tls ${mode}: the same job against servers that refuse plaintext, TLS seen by both servers`, () => {
    const r = spawnSync(process.execPath, ['--import', 'tsx', 'host/demo.ts', '--tls', mode], { encoding: 'utf8', timeout: 240000, env: { ...process.env } });
    const out = (r.stdout || '') + (r.stderr || '');
    assert.is(r.status, 0, out.slice(-3000));
    const lines = (r.stdout || '').trim().split('\n');
    assert.is(lines[lines.length - 2], `tls: ${mode}, smtp TLSv1.2, pop3 TLSv1.2`);
    assert.match(lines[lines.length - 1], /^demo ok: sent 49152 bytes, retrieved 49152 bytes, sha256 match$/);
  });
}

test('npm run demo with ESPRUINO naming no file: one clear line, non-zero exit (not the sandbox instead)', () => {
  const r = spawnSync(process.execPath, ['--import', 'tsx', 'host/demo.ts'], { encoding: 'utf8', timeout: 60000, env: { ...process.env, ESPRUINO: '/no/such/espruino' } });
  assert.is(r.status, 1);
  assert.equal(r.stderr.trim().split('\n'), ["demo failed: ESPRUINO=/no/such/espruino: no such file (the Espruino interpreter's Linux port, built with make BOARD=LINUX)"]);
  assert.not.match(r.stdout, /sandbox/);
});

test('npm run demo -- --tls with a wrong mode: one clear line, non-zero exit', () => {
  const r = spawnSync(process.execPath, ['--import', 'tsx', 'host/demo.ts', '--tls', 'ssl'], { encoding: 'utf8', timeout: 60000 });
  assert.is(r.status, 1);
  assert.match(r.stderr, /--tls is implicit or starttls/);
});

test.run();
