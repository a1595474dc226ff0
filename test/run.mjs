// `npm test`: builds every board bundle (the bundle tests need them), runs every uvu test file under test/
// through tsx, and ends with the line "N passed, N failed".
import { spawnSync } from 'node:child_process';
import { fileURLToPath } from 'node:url';
import { dirname, join } from 'node:path';

const root = join(dirname(fileURLToPath(import.meta.url)), '..');
const pattern = process.argv[2] ?? '\\.test\\.ts$';

/** The environment without colours (a key set to undefined would reach the child as the string "undefined"). */
function plainEnv() {
  const env = Object.assign({}, process.env, { NO_COLOR: '1' });
  delete env.FORCE_COLOR;
  return env;
}

function finish(passed, failed, skipped = 0) {
  // (the last line is exactly "N passed, N failed"; skipped tests, e.g. those needing ESPRUINO, are told before it)
  if (skipped) console.log(`${skipped} skipped`);
  console.log(`${passed} passed, ${failed} failed`);
  process.exit(failed ? 1 : 0);
}

const build = spawnSync(process.execPath, ['--import', 'tsx', 'esbuild.config.mjs'], { cwd: root, stdio: 'inherit', env: plainEnv() });
if (build.status !== 0) {
  console.log('the build failed, so no test ran');
  finish(0, 1);
}

const uvu = spawnSync(process.execPath, ['--import', 'tsx', join('node_modules', 'uvu', 'bin.js'), 'test', pattern, '--no-color'], {
  cwd: root,
  stdio: ['ignore', 'pipe', 'inherit'],
  encoding: 'utf8',
  maxBuffer: 256 * 1024 * 1024,
  env: plainEnv(),
});
const out = uvu.stdout ?? '';
process.stdout.write(out);
const total = /Total:\s+(\d+)/.exec(out);
const passed = /Passed:\s+(\d+)/.exec(out);
const skipped = /Skipped:\s+(\d+)/.exec(out);
if (!total || !passed) {
  console.log(`uvu ended without a summary (exit ${uvu.status}${uvu.signal ? ', ' + uvu.signal : ''})`);
  finish(0, 1);
}
const p = Number(passed[1]);
// uvu's Total leaves skipped tests out
const f = Math.max(0, Number(total[1]) - p);
// a crashed file can leave uvu's counts clean while the exit code says otherwise
finish(p, f || (uvu.status !== 0 ? 1 : 0), skipped ? Number(skipped[1]) : 0);
