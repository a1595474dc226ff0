// The published modules in build/modules: what the repository holds is what the build makes (a GitHub URL serves the
// committed file), in a form the Espruino tools pass on unchanged, and the rewriting that lets a module carry its
// per-job modules.
import { test } from 'uvu';
import * as assert from 'uvu/assert';
import { execFileSync } from 'node:child_process';
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { ROOT } from '../../host/boards';
import { MODULES_DIR, PUBLIC, buildPublished, rewrite } from '../../host/publish';
import { moduleDeclarations } from '../../host/module-types';
import { bootSandbox } from '../../host/sandbox';
import { TABLE } from '../../src/mail/table';
import { charsetTables } from '../../host/charset-tables';

test('build/modules in the repository is what the build makes now (run `npm run build` and commit build/modules when this fails)', async () => {
  const files = await buildPublished();
  for (const p of PUBLIC) files[`${p.name}.d.ts`] = moduleDeclarations(p.name);
  const listed = execFileSync('git', ['ls-files', 'build/modules'], { cwd: ROOT, encoding: 'utf8' }).split('\n').filter(Boolean).sort();
  assert.equal(listed, Object.keys(files).map((f) => `build/modules/${f}`).sort());
  for (const f of Object.keys(files)) {
    const committed = execFileSync('git', ['show', `HEAD:build/modules/${f}`], { cwd: ROOT, encoding: 'utf8', maxBuffer: 1 << 24 });
    assert.ok(committed === files[f], `build/modules/${f} in the last commit differs from a fresh build`);
    assert.ok(readFileSync(join(MODULES_DIR, f), 'utf8') === files[f], `build/modules/${f} on disk differs from a fresh build`);
  }
});

test('published modules: printable ASCII (the tools turn CR LF into LF and other control bytes into "?"), one header, and no carried module visible to the tools', async () => {
  const files = await buildPublished();
  for (const f of Object.keys(files)) {
    assert.not.match(files[f], /[^\t\n\x20-\x7e]/, f);
    assert.match(files[f], /^\/\* s9\w+ \d+\.\d+\.\d+: /, f);
    // what the tools would upload: only public modules and built-ins
    const named = [...files[f].matchAll(/require\("([^"]+)"\)/g)].map((m) => m[1]);
    for (const n of named) assert.ok(['Storage', 's9mail', 's9app', 's9mime'].includes(n), `${f} requires ${n} where the tools see it`);
  }
  assert.not.match(files['s9app.min.js'], /require\("s9mime"\)/, 's9app carries the MIME reader: the tools must not upload it as well');
});

test('rewrite: a carried module, a computed name and removeCached go through $c; public modules and Storage stay plain require()', () => {
  const code = 'var a=require("s9at"),m=require("s9mail"),S=require("Storage");function j(n){var x=require(n);Modules.removeCached(n);return x}';
  assert.is(rewrite(code, ['s9at', 's9smtp']), 'var a=$c("s9at",1),m=require("s9mail"),S=require("Storage");function j(n){var x=$c(n,1);$c(n,2);return x}');
  // without carried modules only removeCached changes (to $d: drop only what can be loaded again)
  assert.is(rewrite(code, []), 'var a=require("s9at"),m=require("s9mail"),S=require("Storage");function j(n){var x=require(n);$d(n);return x}');
});

test('s9mail published, in a board with an empty Storage: writes the command table once, loads sendMail per job and drops it, keeps itself', async () => {
  const sb = bootSandbox({});
  try {
    const src = readFileSync(join(MODULES_DIR, 's9mail.min.js'), 'latin1');
    sb.context.Modules.addCached('s9mail', src);
    assert.is(sb.storage.read('s9cmd'), TABLE);
    assert.equal(sb.cached(), ['s9mail']);
    // loaded a second time (a new upload): Storage already holds the same table, nothing is written
    const writes: string[] = [];
    const api = sb.storage.api;
    const write = api.write;
    api.write = (...a: any[]) => (writes.push(a[0]), write.apply(api, a));
    sb.context.Modules.removeCached('s9mail');
    sb.context.Modules.addCached('s9mail', src);
    assert.equal(writes, []);
    // a job's module comes from s9mail's own copy, and goes after it; a public module is never dropped
    const r = sb.run('(function(){var m=require("s9mail");var at=Modules.getCached().slice();var c=m.connect({on:function(){},write:function(){}},{});var after=Modules.getCached().slice();c.close();return [at,after];})()');
    assert.equal(JSON.parse(JSON.stringify(r)), [['s9mail'], ['s9mail', 's9at']]);
    // known by its own name when cached under another (a GitHub URL): what it carries finds it
    const sb2 = bootSandbox({});
    sb2.context.Modules.addCached('https://github.com/o/r/blob/x/build/modules/s9mail.min.js', src);
    assert.equal(sb2.cached().sort(), ['https://github.com/o/r/blob/x/build/modules/s9mail.min.js', 's9mail'].sort());
    assert.ok(sb2.require('s9mail') === sb2.require('https://github.com/o/r/blob/x/build/modules/s9mail.min.js'));
    sb2.close();
  } finally {
    sb.close();
  }
});

test('s9mime and s9app published write the charset tables Storage lacks, byte for byte', () => {
  for (const f of ['s9mime.min.js', 's9app.min.js']) {
    const sb = bootSandbox({});
    try {
      sb.context.Modules.addCached(f.replace('.min.js', ''), readFileSync(join(MODULES_DIR, f), 'latin1'));
      assert.ok(sb.storage.read('s9cs') === charsetTables(), f);
    } finally {
      sb.close();
    }
  }
});

test.run();
