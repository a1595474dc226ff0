// The documentation pages of the public modules (docs/modules/<name>.md, written by host/module-docs.ts): each is
// what the generator makes from its template, the board files and the code, has the sections of an Espruino module
// page, and its usage snippets use only what the modules export (type-checked as JavaScript against the declarations).
import { test } from 'uvu';
import * as assert from 'uvu/assert';
import ts from 'typescript';
import { existsSync, readdirSync, readFileSync } from 'node:fs';
import { join, relative } from 'node:path';
import { DOCS_DIR, modulePage, pagePath } from '../../host/module-docs';
import { moduleDeclarations, PUBLIC_MODULES } from '../../host/module-types';
import { PUBLIC } from '../../host/publish';
import { ROOT } from '../../host/boards';
import { declaredExports, OPTIONS, program, problems } from './espruino';

const page = (m: string): string => readFileSync(pagePath(m), 'utf8');

/** The text of a page's section: from its `Title\n---` heading to the next one. */
function section(text: string, title: string): string {
  const i = text.indexOf(`\n${title}\n---`);
  if (i < 0) return '';
  const rest = text.slice(i + 1).replace(/^.*\n-+\n/, '');
  const next = rest.search(/\n[^\n]+\n-{3,}\n/);
  return next < 0 ? rest : rest.slice(0, next);
}

const snippets = (text: string): string[] => [...text.matchAll(/```js\n([\s\S]*?)```/g)].map((m) => m[1]);

test('a page for each public module, the modules the build publishes', () => {
  assert.equal(PUBLIC_MODULES, PUBLIC.map((p) => p.name));
  for (const m of PUBLIC_MODULES) assert.ok(existsSync(pagePath(m)), `docs/modules/${m}.md`);
});

for (const m of PUBLIC_MODULES) {
  test(`${m}: the committed page is the generated one (write it with node --import tsx host/module-docs.ts --write)`, () => {
    assert.fixture(page(m), modulePage(m));
  });

  test(`${m}: the sections of an Espruino module page`, () => {
    const text = page(m);
    const lines = text.split('\n');
    assert.match(lines[0], /^<!--- Copyright \(c\) \d{4} .+\. See the file LICENSE for copying permission\. -->$/);
    assert.ok(lines[1].startsWith(m) && /^=+$/.test(lines[2]) && lines[2].length >= lines[1].length, 'title underlined with =');
    assert.match(text, /^\* KEYWORDS: Module,\S.*$/m);
    assert.match(text, /^\* USES: [^\s].*$/m);
    for (const s of ['Wiring', 'Usage', 'Loading the module', 'Power and the console', 'Reference']) assert.ok(section(text, s).trim(), `section ${s}`);
    const wiring = section(text, 'Wiring');
    assert.match(wiring, /^\| SIM900 \| Espruino Pico \| Espruino Original \|/m);
    for (const pin of ['TXD', 'RXD', 'PWRKEY', 'STATUS', 'GND']) assert.match(wiring, new RegExp(`^\\| ${pin} \\|`, 'm'), pin);
    assert.match(wiring, /2\.8 V/);
    assert.match(section(text, 'Power and the console'), /2 A[\s\S]*common|common[\s\S]*2 A/);
    assert.match(section(text, 'Power and the console'), /USB\.setConsole\(1\)/);
    assert.match(section(text, 'Loading the module'), /<!-- figures -->/);
    assert.ok(snippets(section(text, 'Usage')).some((s) => s.includes(`require("${m}")`)), 'a usage snippet requires the module');
    assert.match(section(text, 'Reference'), /^### /m);
    assert.not.match(text, /<!-- (include|generated):|\{\{/, 'no template marker left');
  });

  test(`${m}: the usage snippets use only what the modules export`, () => {
    const code = snippets(section(page(m), 'Usage'));
    const files: { [f: string]: string } = {};
    code.forEach((c, i) => (files[`/usage${i}.js`] = c + '\nexport {};\n'));
    // (loosely typed, as JavaScript is: what is checked is that every module member and method used exists)
    const p = program(files, { ...OPTIONS, allowJs: true, checkJs: true, strict: false });
    const missing = problems(p).filter((d) => /TS(2339|2551|2305|2614|2724|2694) /.test(d));
    assert.equal(missing, []);
    // (a `var X = require("m").name` is an import binding in JavaScript, which a misspelt name does not fail)
    for (const c of code)
      for (const [, mod, name] of c.matchAll(/require\("(s9\w+)"\)\.(\w+)/g)) assert.ok(declaredExports(mod).some((e) => e.name == name && e.value), `${mod} exports ${name}`);
    // a mailbox comes untyped from pop3Login's callback: its methods are checked against the declared Mailbox
    const box = /interface Mailbox \{([\s\S]*?)\n {4}\}/.exec(moduleDeclarations('s9mail'))![1];
    for (const c of code) for (const [, method] of c.matchAll(/\bbox\.(\w+)/g)) assert.match(box, new RegExp(`^ +${method}\\(`, 'm'), `box.${method}`);
  });
}

test('s9mail: the usage is a script of about ten lines that sends one mail on Serial1', () => {
  const first = snippets(section(page('s9mail'), 'Usage'))[0];
  const lines = first.trim().split('\n');
  assert.ok(lines.length >= 8 && lines.length <= 14, `${lines.length} lines`);
  assert.match(lines[0], /^Serial1\.setup\(\d+, \{tx: \w+, rx: \w+\}\);$/);
  assert.match(first, /require\("s9mail"\)\.connect\(Serial1, \{[\s\S]*apn:[\s\S]*smtp: \{[\s\S]*from:[\s\S]*\}, function \(err, mail\) \{/);
  assert.match(first, /mail\.sendMail\(\{[^}]*\}, function \(err, res\) \{/);
});

test('pages and templates: links stay in the repository or go to the web; no machine path', () => {
  const files = readdirSync(DOCS_DIR).filter((f) => f.endsWith('.md')).map((f) => join(DOCS_DIR, f)).concat(readdirSync(join(DOCS_DIR, 'templates')).map((f) => join(DOCS_DIR, 'templates', f)));
  for (const f of files) {
    const text = readFileSync(f, 'utf8');
    const at = relative(ROOT, f);
    assert.not.match(text, /\/work\/|\/root\/|\/home\/|\/tmp\//, at);
    for (const [, target] of text.matchAll(/\]\(([^)#\s]+)(?:#[^)]*)?\)/g)) {
      if (/^https:\/\//.test(target)) continue;
      assert.ok(!/^[a-z]+:/.test(target), `${at}: ${target}`);
      assert.ok(existsSync(join(DOCS_DIR, target)) && !relative(ROOT, join(DOCS_DIR, target)).startsWith('..'), `${at} links to ${target}`);
    }
  }
});

test.run();
