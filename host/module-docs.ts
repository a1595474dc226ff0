// The documentation page of each public module, docs/modules/<name>.md, in the form of Espruino's own module pages
// (EspruinoDocs devices/*.md: copyright line, title, KEYWORDS and USES, wiring, usage, reference). The prose is the
// page's template, docs/modules/templates/<name>.md; this fills in what comes from the code:
//   {{name}}, {{<board>.<field>}}   the module's name; a field of boards/<board>.ts ({{<board>.wiring}}: the board
//                                   object .bootcde passes to s9app's start)
//   <!-- include: <file> -->        a template part the pages share
//   <!-- generated: wiring -->      the wiring table, from the board files
//   <!-- generated: reference -->   the reference, from the module's declarations (host/module-types.ts): what src/
//                                   exports, with its signatures and doc comments
// `node --import tsx host/module-docs.ts --write` writes the pages (`--check`: exit 1 when one is not current).
import ts from 'typescript';
import { readFileSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { ROOT, boardIds, loadBoard } from './boards';
import { runtimeBoard } from './build';
import { moduleDeclarations, PUBLIC_MODULES } from './module-types';
import type { Board } from '../boards/types';

export const DOCS_DIR = join(ROOT, 'docs', 'modules');
const TEMPLATES = join(DOCS_DIR, 'templates');

/** The boards of the wiring table: those with UART pins, the Pico and the Original first. */
function wiredBoards(): Board[] {
  const rank = (id: string) => ['pico', 'original'].indexOf(id) + 1 || 9;
  return boardIds()
    .sort((a, b) => rank(a) - rank(b) || a.localeCompare(b))
    .map(loadBoard)
    .filter((b) => b.tx && b.rx);
}

function wiringTable(): string {
  const boards = wiredBoards();
  const rows: [string, (b: Board) => string, string][] = [
    ['TXD', (b) => `${b.rx} (${b.serial} RX)`, 'module to board'],
    ['RXD', (b) => `${b.tx} (${b.serial} TX)`, 'board to module: at most 2.8 V on the module (see below)'],
    ['PWRKEY', (b) => b.pwrkey || 'not wired', 'through an NPN transistor (optional with s9mail)'],
    ['STATUS', (b) => b.status || 'not wired (an AT probe instead)', 'high while the module runs (optional)'],
    ['GND', () => 'GND', 'common with the SIM900 supply'],
    ['VBAT', () => '-', 'its own 3.4 to 4.5 V supply, 2 A peaks'],
  ];
  const line = (cells: string[]) => `| ${cells.join(' | ')} |`;
  return [
    line(['SIM900', ...boards.map((b) => b.name), 'Notes']),
    line(['---', ...boards.map(() => '---'), '---']),
    ...rows.map(([pin, cell, note]) => line([pin, ...boards.map(cell), note])),
    line(['baud', ...boards.map((b) => String(b.baud)), 'the rate the board file sets up']),
  ].join('\n');
}

/** The board object .bootcde passes to s9app's start(), as a JavaScript literal wrapped to the page. */
function wiringLiteral(b: Board): string {
  const o = runtimeBoard(b);
  const parts = Object.keys(o).map((k) => `${k}: ${JSON.stringify(o[k])}`);
  const lines: string[] = [];
  for (const p of parts) {
    if (lines.length && lines[lines.length - 1].length + p.length < 100) lines[lines.length - 1] += ' ' + p + ',';
    else lines.push('  ' + p + ',');
  }
  return '{\n' + lines.join('\n').replace(/,$/, '') + '\n}';
}

function fill(text: string, name: string): string {
  return text
    .replace(/^<!-- include: (\S+) -->$/gm, (_m, f: string) => fill(readFileSync(join(TEMPLATES, f), 'utf8').trimEnd(), name))
    .replace(/^<!-- generated: wiring -->$/m, () => wiringTable())
    .replace(/^<!-- generated: reference -->$/m, () => renderReference(name, moduleDeclarations(name)))
    .replace(/\{\{(\w+)(?:\.(\w+))?\}\}/g, (m, a: string, field?: string) => {
      if (a == 'name' && !field) return name;
      if (!field || !boardIds().includes(a)) throw new Error(`docs template of ${name}: unknown ${m}`);
      const b: any = loadBoard(a);
      if (field == 'wiring') return wiringLiteral(b);
      if (b[field] == null || typeof b[field] == 'object') throw new Error(`docs template of ${name}: ${m} is not a board field`);
      return String(b[field]);
    });
}

// ---- the reference: the module's declarations, its functions, classes, constants and types with their doc comments

/** How the methods of a class are shown called: `mail.sendMail(...)`. */
const RECEIVER: { [cls: string]: string } = { Mailbox: 'box', Engine: 'mail.at', MimeReader: 'reader' };

/**
 * Markdown text of a doc comment: one paragraph; outside code spans, what Markdown would read as markup escaped
 * (`<`, `\\`, `*`, an `_` not inside a word), and `|` in a table cell.
 */
function md(text: string, cell = false): string {
  return text
    .replace(/\s*\n\s*/g, ' ')
    .split('`')
    .map((p, i) => (i % 2 ? p : p.replace(/</g, '&lt;').replace(/[\\*]/g, '\\$&').replace(/_(?!\w)|(^|\W)_/g, (m) => m.replace('_', '\\_'))))
    .join('`')
    .replace(/\|/g, cell ? '\\|' : '|');
}

function docOf(n: ts.Node): string {
  return ts
    .getJSDocCommentsAndTags(n)
    .filter(ts.isJSDoc)
    .map((d) => ts.getTextOfJSDocComment(d.comment) || '')
    .join(' ')
    .trim();
}

function renderReference(name: string, decl: string): string {
  const sf = ts.createSourceFile(name + '.d.ts', decl, ts.ScriptTarget.ES2019, true);
  const mod = sf.statements.find((s) => ts.isModuleDeclaration(s) && (s.name as ts.StringLiteral).text == name) as ts.ModuleDeclaration;
  const stmts = (mod.body as ts.ModuleBlock).statements;
  const printer = ts.createPrinter({ removeComments: true });
  const type = (t: ts.Node | undefined): string => (t ? printer.printNode(ts.EmitHint.Unspecified, t, sf).replace(/\s+/g, ' ') : 'any');
  const params = (ps: ts.NodeArray<ts.ParameterDeclaration>, typed: boolean): string =>
    ps.map((p) => (p.dotDotDotToken ? '...' : '') + p.name.getText(sf) + (typed ? (p.questionToken ? '?' : '') + ': ' + type(p.type) : '')).join(', ');
  const signature = (n: ts.SignatureDeclarationBase, as: string): string => `${as}(${params(n.parameters, true)})${n.type ? ': ' + type(n.type) : ''}`;
  const code = (lines: string[]) => '```ts\n' + lines.join('\n') + '\n```';
  const para = (t: string) => (t ? [md(t)] : []);

  const groups = new Map<string, ts.Statement[]>();
  const aliases = new Map<string, string[]>();
  const imported: string[] = [];
  for (const s of stmts) {
    if (ts.isImportDeclaration(s)) {
      const from = (s.moduleSpecifier as ts.StringLiteral).text;
      for (const e of (s.importClause!.namedBindings as ts.NamedImports).elements) imported.push(`\`${e.name.text}\` is [${from}](${from}.md)'s \`${(e.propertyName || e.name).text}\`.`);
    } else if (ts.isExportDeclaration(s)) {
      for (const e of s.exportClause && ts.isNamedExports(s.exportClause) ? s.exportClause.elements : []) {
        const local = (e.propertyName || e.name).text;
        if (local != e.name.text) aliases.set(local, (aliases.get(local) || []).concat(e.name.text));
      }
    } else {
      const n = ts.isVariableStatement(s) ? (s.declarationList.declarations[0].name as ts.Identifier).text : (s as any).name.text;
      groups.set(n, (groups.get(n) || []).concat(s));
    }
  }
  const also = (n: string) => (aliases.has(n) ? [`Also exported as ${aliases.get(n)!.map((a) => '`' + a + '`').join(', ')}.`] : []);
  const members = (ms: readonly ts.Node[]) => ms.filter((m) => (m as any).name && !/_$/.test((m as any).name.getText(sf)));
  const isMethod = (m: ts.Node) => ts.isMethodDeclaration(m) || ts.isMethodSignature(m);
  const isCtor = (n: string) => {
    const g = groups.get(n)!;
    const v = g.find(ts.isVariableStatement);
    return ts.isClassDeclaration(g[0]) || (v && v.declarationList.declarations[0].type && ts.isConstructorTypeNode(v.declarationList.declarations[0].type!)) || g.some((s) => ts.isInterfaceDeclaration(s) && s.members.some(isMethod));
  };

  const functions: string[] = [];
  const classes: string[] = [];
  const constants: string[] = [];
  const types: string[] = [];
  const first = (n: string) => (/^(connect|start)$/.test(n) ? 0 : 1);
  const names = [...groups.keys()];
  for (const n of names.filter((n) => groups.get(n)!.every(ts.isFunctionDeclaration)).sort((a, b) => first(a) - first(b))) {
    const fs = groups.get(n) as ts.FunctionDeclaration[];
    functions.push([`#### \`require("${name}").${n}(${params(fs[0].parameters, false)})\``, code(fs.map((f) => signature(f, 'function ' + n) + ';')), ...para(fs.map(docOf).find((d) => d) || ''), ...also(n)].join('\n\n'));
  }
  for (const n of names.filter(isCtor)) {
    const g = groups.get(n)!;
    const body: ts.Node[] = [];
    const out: string[] = [`### \`${n}\``];
    const doc = g.map(docOf).filter((d) => d);
    out.push(...doc.map((d) => md(d)));
    for (const s of g) {
      if (ts.isClassDeclaration(s)) {
        const c = s.members.find(ts.isConstructorDeclaration);
        if (c) out.push(code([signature(c, 'new ' + n) + ';']));
        body.push(...s.members);
      } else if (ts.isInterfaceDeclaration(s)) body.push(...s.members);
      else if (ts.isVariableStatement(s)) {
        const t = s.declarationList.declarations[0].type as ts.ConstructorTypeNode;
        out.push(code([`new (require("${name}").${n})(${params(t.parameters, true)}): ${type(t.type)};`]));
      }
    }
    const props = members(body).filter((m) => ts.isPropertyDeclaration(m) || ts.isPropertySignature(m)) as (ts.PropertyDeclaration | ts.PropertySignature)[];
    if (props.length) out.push(['| property | type | meaning |', '|---|---|---|', ...props.map((p) => `| \`${p.name.getText(sf)}${p.questionToken ? '?' : ''}\` | \`${md(type(p.type), true)}\` | ${md(docOf(p), true)} |`)].join('\n'));
    const recv = RECEIVER[n] || n.charAt(0).toLowerCase() + n.slice(1);
    for (const m of members(body).filter(isMethod) as (ts.MethodDeclaration | ts.MethodSignature)[])
      out.push([`#### \`${recv}.${m.name.getText(sf)}(${params(m.parameters, false)})\``, code([signature(m, m.name.getText(sf)) + ';']), ...para(docOf(m))].join('\n\n'));
    classes.push(out.join('\n\n'));
  }
  for (const n of names.filter((n) => !isCtor(n) && groups.get(n)!.every(ts.isVariableStatement))) {
    const d = (groups.get(n)![0] as ts.VariableStatement).declarationList.declarations[0];
    constants.push(`| \`${n}\` | \`${md(d.type ? type(d.type) : type(d.initializer), true)}\` | ${md(docOf(groups.get(n)![0]), true)} |`);
  }
  for (const n of names.filter((n) => !isCtor(n) && groups.get(n)!.every((s) => ts.isInterfaceDeclaration(s) || ts.isTypeAliasDeclaration(s)))) {
    for (const s of groups.get(n)!) {
      const out = [`#### \`${n}\``, ...para(docOf(s))];
      if (ts.isTypeAliasDeclaration(s)) out.push(code([`type ${n}${s.typeParameters ? '<' + s.typeParameters.map((p) => p.getText(sf)).join(', ') + '>' : ''} = ${type(s.type)};`]));
      else if (ts.isInterfaceDeclaration(s)) {
        if (s.heritageClauses) out.push(`Extends ${s.heritageClauses.flatMap((h) => h.types.map((t) => '`' + t.getText(sf) + '`')).join(', ')}.`);
        const props = members(s.members) as ts.PropertySignature[];
        out.push(['| field | type | meaning |', '|---|---|---|', ...props.map((p) => `| \`${p.name.getText(sf)}${p.questionToken ? '?' : ''}\` | \`${md(type(p.type), true)}\` | ${md(docOf(p), true)} |`)].join('\n'));
      }
      types.push(out.join('\n\n'));
    }
  }
  const sections = [
    `Generated from the module's declarations (\`build/modules/${name}.d.ts\`, made from the doc comments and types of \`src/\`).`,
    ...imported,
    ...(functions.length ? ['### Functions', ...functions] : []),
    ...classes,
    ...(constants.length ? ['### Constants', ['| name | type | meaning |', '|---|---|---|', ...constants].join('\n')] : []),
    ...(types.length ? ['### Types', ...types] : []),
  ];
  return sections.join('\n\n');
}

/** The page of public module `name`, as docs/modules/<name>.md holds it. */
export function modulePage(name: string): string {
  if (!PUBLIC_MODULES.includes(name)) throw new Error(`${name} is not a public module (${PUBLIC_MODULES.join(', ')})`);
  return fill(readFileSync(join(TEMPLATES, name + '.md'), 'utf8'), name).trimEnd() + '\n';
}

export const pagePath = (name: string): string => join(DOCS_DIR, name + '.md');

if (require.main === module) {
  const write = process.argv.includes('--write');
  let stale = 0;
  for (const n of PUBLIC_MODULES) {
    const page = modulePage(n);
    let old = '';
    try {
      old = readFileSync(pagePath(n), 'utf8');
    } catch (e) {
      // (not written yet)
    }
    if (old == page) continue;
    if (write) writeFileSync(pagePath(n), page), console.log(`wrote docs/modules/${n}.md`);
    else stale++, console.log(`docs/modules/${n}.md is not current (write it with --write)`);
  }
  process.exit(stale ? 1 : 0);
}
