// The published Espruino modules (build/modules/<name>.js and .min.js): what an Espruino user loads by name with the
// Web IDE or the espruino CLI (a project's modules/ folder, a module URL, a GitHub URL), beside the flashed build's
// Storage modules.
//
// The tools find every `require("X")` in the code they send and upload X as Modules.addCached("X", function(){...}),
// evaluated at once. The library loads its per-job modules (s9smtp for a send, s9pop3 for a log-in, ...) only while a
// job needs them and drops them after; uploaded that way they would all be alive from the start and, once dropped,
// gone. So a public module carries its private modules in one function that makes the one asked for (code kept in
// flash when the upload is saved to flash), and the data files it reads from Storage as string literals:
//   * require() of a carried module goes through $c(name, 1), which adds it to the module cache from the carried
//     function when it is not there (the tools never see the name, so they do not upload it);
//   * Modules.removeCached goes through $c(name, 2) ($d without carried modules), which drops only what can be loaded
//     again (carried, or a Storage file): a public module the tools uploaded stays;
//   * the data files it reads from Storage (the command table, the charset tables) are written there when it loads,
//     if Storage does not hold them already: a literal evaluated costs a JsVar per dozen characters for as long as
//     it is held, a Storage file read in place costs one. Then it runs as the flashed build does.
// Public modules require each other by name, so the tools upload what a user's require() needs and no more.
import * as acorn from 'acorn';
import { mkdirSync, readdirSync, rmSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { ROOT } from './boards';
import { MODULES, PUBLIC, buildModules, type PublicModule } from './build';

export { PUBLIC };
import { checkEspruino, formatViolations } from './guard';
import { moduleDeclarations } from './module-types';

export const MODULES_DIR = join(ROOT, 'build', 'modules');

const VERSION: string = require('../package.json').version;

/** A JavaScript string literal of `s` (chars 0-255) in printable ASCII. */
export function jsString(s: string): string {
  let out = '"';
  for (let i = 0; i < s.length; i++) {
    const c = s.charCodeAt(i);
    if (c > 255) throw new Error('a carried literal holds a character above 255');
    const ch = s[i];
    out += ch == '"' ? '\\"' : ch == '\\' ? '\\\\' : ch == '\n' ? '\\n' : c >= 0x20 && c < 0x7f ? ch : '\\x' + c.toString(16).padStart(2, '0');
  }
  return out + '"';
}

/** Rewrites one module's code (see the top of this file): require() of a carried module or of a computed name, removeCached. */
export function rewrite(code: string, carried: string[]): string {
  const ast: any = acorn.parse(code, { ecmaVersion: 'latest', sourceType: 'script' });
  const edits: { start: number; end: number; text: string }[] = [];
  (function walk(n: any): void {
    if (!n || typeof n.type != 'string') return;
    if (n.type == 'CallExpression') {
      const c = n.callee;
      const a0 = n.arguments[0];
      const lit = a0 && a0.type == 'Literal' && typeof a0.value == 'string' ? a0.value : null;
      const one = n.arguments.length == 1 ? n.arguments[0] : null;
      if (one && c.type == 'Identifier' && c.name == 'require' && ((lit === null && carried.length) || carried.includes(lit!))) edits.push({ start: n.start, end: n.end, text: `$c(${code.slice(one.start, one.end)},1)` });
      else if (one && c.type == 'MemberExpression' && !c.computed && c.object.type == 'Identifier' && c.object.name == 'Modules' && c.property.name == 'removeCached')
        edits.push({ start: n.start, end: n.end, text: carried.length ? `$c(${code.slice(one.start, one.end)},2)` : `$d(${code.slice(one.start, one.end)})` });
    }
    for (const k of Object.keys(n)) {
      const v = n[k];
      if (Array.isArray(v)) v.forEach(walk);
      else if (v && typeof v.type == 'string') walk(v);
    }
  })(ast);
  let out = code;
  for (const e of edits.sort((x, y) => y.start - x.start)) out = out.slice(0, e.start) + e.text + out.slice(e.end);
  return out;
}

/** The published file of `p` from the plain module code of every module (name -> code). */
export function publishedSource(p: PublicModule, code: { [name: string]: string }, minified: boolean): string {
  const nl = minified ? '' : '\n';
  const parts: string[] = [];
  parts.push(`/* ${p.name} ${VERSION}: ${p.what}. sim900-mail, MIT licence. Page: docs/modules/${p.name}.md${p.carries.length ? `; carries ${p.carries.join(', ')}` : ''} */\n`);
  // (the readable build: the same code, with a comment above each part the library did not write)
  const note = (text: string): string => (minified ? '' : `// ${text}\n`);
  for (const f of Object.keys(p.data)) {
    // (in a function: the literal is in RAM only while it is compared or written)
    parts.push(note(`the ${f} data file, written to Storage when it is not there (or differs)`));
    parts.push(`(function(){var S=require("Storage"),t=${jsString(p.data[f]())};if(S.read("${f}")!==t&&!S.write("${f}",t))throw new Error("${p.name}: Storage is full, ${f} needs "+t.length+" bytes")})();\n`);
  }
  const own = rewrite(code[p.name], p.carries).trim() + '\n';
  if (p.carries.length) {
    // $c(name): the carried module's function, made when asked (closures alive from the start would cost about nine
    // JsVars each, the whole time); $c(name, 1): require() it, added to the module cache from that function first when
    // it is not there (and before it, a carried module it requires); $c(name, 2): drop it from the cache. One function,
    // not three: each costs its JsVars for as long as the module lives.
    // A carried module that requires another one carried with it has the name hidden from the tools' search
    // (require(("x")) is not the require("x") they look for).
    const deps: string[] = [];
    const fns = p.carries.map((c) => {
      let body = code[c];
      for (const o of p.carries) {
        const re = new RegExp(`require\\("${o}"\\)`, 'g');
        if (re.test(body)) deps.push(`if(n=="${c}")$c("${o}",1);`), (body = body.replace(re, `require(("${o}"))`));
      }
      return `n=="${c}"?function(){${nl}${body.trim()}${nl}}`;
    });
    parts.push(note('$c(name): the carried module\'s function; $c(name, 1): require() it, added to the module cache first; $c(name, 2): drop it'));
    parts.push(
      `function $c(n,o){var f=${fns.join(':' + nl)}:0;${nl}` +
        `if(o==2){if(f||require("Storage").read(n)!==undefined)Modules.removeCached(n);return}${nl}` +
        `if(o&&f&&Modules.getCached().indexOf(n)<0){${deps.join('')}Modules.addCached(n,f)}${nl}` +
        `return o?require(n):f}\n`,
    );
  } else if (/\$d\(/.test(own)) {
    parts.push(note('only what can be loaded again is dropped (a module the tools uploaded stays)'));
    parts.push(`function $d(n){if(require("Storage").read(n)!==undefined)Modules.removeCached(n)}\n`);
  }
  parts.push(own);
  parts.push(note('known by its own name too when the tools cached it under another (a URL): what it carries requires it by name'));
  parts.push(`if(Modules.getCached().indexOf("${p.name}")<0){global.$x=exports;Modules.addCached("${p.name}","module.exports=$x");delete global.$x}\n`);
  return parts.join('');
}

/** Builds every public module, readable (.js) and minified (.min.js): file name -> contents, or throws. */
export async function buildPublished(): Promise<{ [file: string]: string }> {
  const entries: { [name: string]: string } = {};
  for (const m of MODULES) entries[m.name] = m.entry;
  const out: { [file: string]: string } = {};
  for (const minified of [false, true]) {
    // (printable ASCII only: the tools turn CR LF into LF and other control characters into '?')
    const { code, problems } = await buildModules(entries, minified, true, true);
    if (problems.length) throw new Error(problems.join('\n'));
    // esbuild leaves control characters raw in string literals (in a literal, \xNN is the same character)
    // and the readable build keeps doc comments, some with characters beyond ASCII (strings have them escaped)
    const plain: { [c: string]: string } = { '\u00a7': 'section ', '\u2014': '-', '\u2013': '-', '\u2018': "'", '\u2019': "'", '\u201c': '"', '\u201d': '"', '\u2026': '...', '\u00d7': 'x', '\u2192': '->' };
    for (const n of Object.keys(code)) code[n] = code[n].replace(/[\x00-\x08\x0b-\x1f\x7f]/g, (c) => '\\x' + c.charCodeAt(0).toString(16).padStart(2, '0')).replace(/[^\x00-\x7f]/g, (c) => plain[c] || '?');
    for (const p of PUBLIC) {
      const text = publishedSource(p, code, minified);
      const odd = /[^\t\n\x20-\x7e]/.exec(text);
      if (odd) throw new Error(`the published ${p.name} holds the character code ${odd[0].charCodeAt(0)} at ${odd.index}: the tools would change it`);
      const v = checkEspruino(text);
      if (v.length) throw new Error(`Espruino guard refused the published ${p.name}:\n${formatViolations(p.name, v)}`);
      out[p.name + (minified ? '.min.js' : '.js')] = text;
    }
  }
  return out;
}

/** Writes build/modules/ (the published modules and their declarations; a file of an older build is removed). */
export function writePublished(files: { [file: string]: string }): void {
  mkdirSync(MODULES_DIR, { recursive: true });
  for (const f of readdirSync(MODULES_DIR)) if (!(f in files)) rmSync(join(MODULES_DIR, f));
  for (const f of Object.keys(files)) writeFileSync(join(MODULES_DIR, f), files[f]);
}

/** `npm run build`'s part: the published modules and their declarations written to build/modules/. */
export async function publishAll(): Promise<{ [file: string]: string }> {
  const files = await buildPublished();
  // with their TypeScript declarations (require("s9mail") typed, in the form of Espruino's own typings)
  for (const p of PUBLIC) files[`${p.name}.d.ts`] = moduleDeclarations(p.name);
  writePublished(files);
  return files;
}
