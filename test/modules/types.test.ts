// The declarations of the public modules (host/module-types.ts, written by the build as build/modules/<name>.d.ts):
// an example user script type-checks against them alone, a wrong option type fails, and they expose every export of
// the modules' entry files and no internal member.
import { test } from 'uvu';
import * as assert from 'uvu/assert';
import ts from 'typescript';
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { entryFile, moduleDeclarations, PUBLIC_MODULES } from '../../host/module-types';
import { declaredExports, program, problems } from './espruino';

const example = readFileSync(join(__dirname, 'example-user.ts'), 'utf8').replace(/^\/\/ @ts-nocheck.*\n/, '');
const mustFail = example.split('\n').findIndex((l) => /^\/\/ must fail/.test(l)) + 2;

test('the example user script type-checks against the declarations alone; its wrong option type fails', () => {
  const p = program({ '/example-user.ts': example });
  assert.ok(mustFail > 1, 'the example marks its failing line');
  assert.equal(problems(p), [`/example-user.ts:${mustFail}: TS2322 Type 'number' is not assignable to type 'string'.`]);
  const files = p.getSourceFiles().map((f) => f.fileName);
  assert.ok(!files.some((f) => f.includes('/src/')), 'no source file of the library in the program');
  // the example is a script (no import or export): what it compiles to is what Espruino runs
  assert.not.ok(ts.isExternalModule(p.getSourceFile('/example-user.ts')!));
});

test('without the failing line, the example is clean under strict settings', () => {
  const lines = example.split('\n');
  lines[mustFail - 1] = '';
  assert.equal(problems(program({ '/example-user.ts': lines.join('\n') })), []);
});

test('each module is typed by its require overload, also beside a require(string): any', () => {
  for (const m of PUBLIC_MODULES) {
    assert.ok(moduleDeclarations(m).includes(`declare function require(moduleName: "${m}"): typeof import("${m}");`), m);
    const p = program({ '/probe.ts': `const x: number = require("${m}");\n` });
    assert.equal(problems(p).length, 1, `${m}: require("${m}") is typed`);
  }
});

/** The exports of a module's source entry file (value: not only a type). */
function sourceExports(m: string): { name: string; value: boolean }[] {
  const p = ts.createProgram([entryFile(m)], { types: [], lib: ['lib.es2019.d.ts'], noEmit: true, skipLibCheck: true });
  const c = p.getTypeChecker();
  return c.getExportsOfModule(c.getSymbolAtLocation(p.getSourceFile(entryFile(m))!)!).map((s) => {
    const t = s.flags & ts.SymbolFlags.Alias ? c.getAliasedSymbol(s) : s;
    return { name: s.name, value: !!(t.flags & ts.SymbolFlags.Value) };
  });
}

test('the declarations expose every export of the entry files, and claim no value the module lacks', () => {
  for (const m of PUBLIC_MODULES) {
    const src = sourceExports(m);
    const decl = declaredExports(m);
    assert.ok(src.length > 3, m);
    for (const e of src) assert.ok(decl.some((d) => d.name == e.name && d.value == e.value), `${m}: ${e.name} declared${e.value ? ' as a value' : ''}`);
    for (const d of decl.filter((d) => d.value)) assert.ok(src.some((e) => e.name == d.name), `${m}: ${d.name} is not exported by ${entryFile(m)}`);
  }
});

test('no internal member (a name ending in _) is declared; no machine path', () => {
  for (const m of PUBLIC_MODULES) {
    const text = moduleDeclarations(m);
    const sf = ts.createSourceFile(m + '.d.ts', text, ts.ScriptTarget.ES2019, true);
    (function walk(n: ts.Node): void {
      const name = (n as any).name;
      if (name && ts.isIdentifier(name)) assert.not.match(name.text, /_$/, `${m}: ${name.text}`);
      n.forEachChild(walk);
    })(sf);
    assert.not.match(text, /\/work\/|\/root\/|\/home\/|\/tmp\//, m);
  }
});

test.run();
