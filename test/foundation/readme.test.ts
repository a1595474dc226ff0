// The README stands alone: what it links to is in the repository, the scripts it names exist, no document outside
// the repository is cited, and no path of a developer's machine is in any file the repository carries.
import { test } from 'uvu';
import * as assert from 'uvu/assert';
import { existsSync, readdirSync, readFileSync, statSync } from 'node:fs';
import { dirname, join, relative } from 'node:path';

const ROOT = join(__dirname, '..', '..');
const DOCS = ['README.md', 'host/emulator/README.md', 'docs/README.md', 'docs/module-facts.md'];

/** Every file the repository carries (not node_modules, build output or git's own). */
function files(dir = ROOT): string[] {
  const out: string[] = [];
  for (const e of readdirSync(dir)) {
    if (e === 'node_modules' || e === '.git' || (dir === ROOT && e === 'build')) continue;
    const p = join(dir, e);
    if (statSync(p).isDirectory()) out.push(...files(p));
    else out.push(p);
  }
  return out;
}

test('relative links of the documents point at files of the repository', () => {
  for (const doc of DOCS) {
    const text = readFileSync(join(ROOT, doc), 'utf8');
    for (const m of text.matchAll(/\]\(([^)#\s]+)(#[^)]*)?\)/g)) {
      const target = m[1];
      if (/^[a-z]+:/.test(target)) continue;
      const p = join(ROOT, dirname(doc), target);
      assert.ok(existsSync(p), `${doc} links to ${target}, which is not in the repository`);
      assert.ok(!relative(ROOT, p).startsWith('..'), `${doc} links outside the repository: ${target}`);
    }
  }
});

test('no document cites a file outside the repository', () => {
  for (const doc of DOCS) {
    const text = readFileSync(join(ROOT, doc), 'utf8');
    assert.not.match(text, /\.\.\/shared|FACTS\.md|\bFACTS [0-9§]/, doc);
  }
});

test('every npm script the README names exists, and the licence it states is in LICENSE', () => {
  const pkg = JSON.parse(readFileSync(join(ROOT, 'package.json'), 'utf8'));
  const readme = readFileSync(join(ROOT, 'README.md'), 'utf8');
  const named = new Set([...readme.matchAll(/npm run (?:-s )?([a-z][\w-]*)/g)].map((m) => m[1]));
  assert.ok(named.size > 5);
  for (const s of named) assert.ok(pkg.scripts[s], `README names npm run ${s}, package.json has no such script`);
  assert.ok(/MIT License/.test(readFileSync(join(ROOT, 'LICENSE'), 'utf8')) && pkg.license === 'MIT');
});

test('no path of a developer machine in the repository', () => {
  for (const f of files()) {
    if (/\.(png|jpg|eml|pem)$|test\/mime\/mails\//.test(f)) continue;
    const text = readFileSync(f, 'latin1');
    assert.not.match(text, /\/work\/|\/root\/|\/home\/[a-z]/, relative(ROOT, f));
  }
});

test.run();
