// The board's MIME reader (the linux board's s9mime module) on the real Espruino interpreter (the Linux port named
// by ESPRUINO): small corpus and composed mails are read there and in the host sandbox with the same script, and
// the results must match. Strings that
// the sandbox holds as Unicode may come back as their UTF-8 bytes: that Linux build has no wide strings, and
// the reader then gives text as UTF-8 (see WIDE_STRINGS in src/mime/charset.ts).
// (the sources read the charset tables from the Storage the shim provides, as a board reads its own)
import '../../host/espruino-node';
import { test } from 'uvu';
import * as assert from 'uvu/assert';
import { existsSync, mkdtempSync, readFileSync, rmSync, statSync, writeFileSync } from 'node:fs';
import { spawnSync } from 'node:child_process';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { bootSandbox } from '../../host/sandbox';
import { builtFiles } from '../../host/build';
import { charsetTables } from '../../host/charset-tables';
import { listMails } from '../../host/mime-diff';
import { composeOne } from './gen';

// the interpreter's Linux port, named by ESPRUINO (as for npm run bench and npm run demo)
const ESPRUINO = process.env.ESPRUINO || '';
const MAX_SIZE = 6000; // the mail, the module and the results must fit that build's memory

/**
 * The mail as an expression giving its exact bytes. Not a "\\xNN" literal: that Espruino build's lexer turns
 * "\\xfc" into the two UTF-8 bytes of U+00FC. atob gives a binary string on both sides.
 */
function literal(s: string): string {
  return 'atob("' + Buffer.from(s, 'latin1').toString('base64') + '")';
}

const SCRIPT = `var res={t:[],a:[],h:[]};var cur=null;
var r=new (require("s9mime").MimeReader)({onHeaders:function(h){res.h.push(h);},onText:function(t){res.t.push(t);},
onAttachmentStart:function(a){cur={i:a,n:0,x:0};},onAttachmentData:function(c){cur.n+=c.length;for(var j=0;j<c.length;j+=97)cur.x=(cur.x*31+c.charCodeAt(j))%1000003;},
onAttachmentEnd:function(e){cur.e=e;res.a.push(cur);}});
for(var p=0;p<M.length;p+=PIECE)r.write(M.substr(p,PIECE));r.end();res.f=r.flags;print("RESULT"+JSON.stringify(res));`;

/** Equal, or the Espruino side holds the UTF-8 bytes of the sandbox's string. */
function same(esp: any, host: any, path: string): string | null {
  if (typeof host === 'string') {
    if (esp === host || esp === Buffer.from(host, 'utf8').toString('latin1')) return null;
    return `${path}: espruino ${JSON.stringify(esp).slice(0, 120)} sandbox ${JSON.stringify(host).slice(0, 120)}`;
  }
  if (host && typeof host === 'object') {
    if (!esp || typeof esp !== 'object') return `${path}: espruino ${JSON.stringify(esp)}`;
    const keys = Object.keys(host);
    if (keys.length !== Object.keys(esp).length) return `${path}: keys ${Object.keys(esp)} vs ${keys}`;
    for (const k of keys) {
      const d = same(esp[k], host[k], path + '.' + k);
      if (d) return d;
    }
    return null;
  }
  return esp === host ? null : `${path}: espruino ${esp} sandbox ${host}`;
}

if (!existsSync(ESPRUINO)) {
  test.skip('the MIME reader on the real Espruino interpreter (no binary at ' + ESPRUINO + ')', () => {});
} else {
  test('small corpus mails read on the real Espruino interpreter match the sandbox', async () => {
    const mod = 'Modules.addCached("s9mime", ' + literal(builtFiles('linux').s9mime) + ');';
    const dir = mkdtempSync(join(tmpdir(), 'mime-esp-'));
    let checked = 0;
    try {
      // the charset tables in the interpreter's Storage (espruino.flash in its working folder), written in pieces
      const tables = charsetTables();
      let tcode = '';
      for (let o = 0; o < tables.length; o += 1024) tcode += `require("Storage").write("s9cs",${literal(tables.slice(o, o + 1024))},${o},${tables.length});\n`;
      writeFileSync(join(dir, 'tables.js'), tcode, 'latin1');
      spawnSync(ESPRUINO, [join(dir, 'tables.js')], { cwd: dir, timeout: 60000 });
      // the shared corpus and this repository's own test mails
      const files = listMails(join(__dirname, '..', '..', '..', 'shared', 'corpus'))
        .concat(listMails(join(__dirname, 'mails')))
        .filter((f) => statSync(f).size <= MAX_SIZE);
      const mails: [string, string][] = files.map((f) => [f, readFileSync(f).toString('latin1')]);
      // and small composed mails (UTF-8, Latin-1 and Windows-1252 parts, QP and base64, attachments)
      for (let seed = 1, n = 0; seed < 400 && n < 15; seed++) {
        const raw = (await composeOne(seed)).raw;
        if (raw.length <= MAX_SIZE) {
          mails.push([`composed seed ${seed}`, raw.toString('latin1')]);
          n++;
        }
      }
      for (const [file, raw] of mails) {
        const piece = 1 + (checked * 389) % 1460;
        const code = `${mod}\nvar M=${literal(raw)};var PIECE=${piece};\n${SCRIPT}`;
        const js = join(dir, 'run.js');
        writeFileSync(js, code, 'latin1');
        const out = spawnSync(ESPRUINO, [js], { cwd: dir, encoding: 'latin1', timeout: 60000 });
        const line = (out.stdout || '').split('\n').find((l) => l.startsWith('RESULT'));
        assert.ok(line, `${file}: no result from Espruino:\n${(out.stdout || '').slice(-800)}\n${out.stderr}`);
        const esp = JSON.parse(line!.slice(6));
        let hostLine = '';
        const sb = bootSandbox({ log: (s: any) => (hostLine = String(s)) });
        sb.storage.write('s9cs', tables);
        sb.run(code);
        sb.close();
        const host = JSON.parse(hostLine.slice(6));
        const d = same(esp, host, file);
        assert.is(d, null, d || '');
        checked++;
      }
    } finally {
      rmSync(dir, { recursive: true, force: true });
    }
    assert.ok(checked >= 90, `only ${checked} mails were small enough`);
    console.log(`    ${checked} corpus, own and composed mails read identically on Espruino 2v29 (Linux) and in the sandbox`);
  });
}

test.run();
