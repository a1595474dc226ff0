// `npm run mime-diff -- <folder> [--sources | --board <id>] [--verbose]`: parses every mail of a folder with the
// board's MIME reader (its Storage module s9mime, from build/<id>/, in the host sandbox; default linux; --sources the
// TypeScript sources) and with
// mailparser's simpleParser, compares what a user sees, prints one line per file (--verbose: one block per file,
// every accepted difference and every differing field with both values) and ends with "N/M messages agree".
//
// Compared: subject (unfolded per RFC 5322: a fold's line end goes, the white space after it stays); from, to, cc
// and reply-to as lists of {name, address} (mailparser's groups flattened); the Date as an instant; the Message-ID
// (mailparser keeps its angle brackets, the reader does not); the text body; the HTML body; each attachment's name,
// type, size and sha256 (in order).
//
// Text normalisation, applied to both sides: line ends become "\n", white space at the end of each line is
// removed, and blank lines at the start and end are dropped. Reason: quoted-printable encoders and decoders
// disagree on trailing white space (RFC 2045 6.7 says to drop it, mailparser keeps it), and the CRLF before a
// delimiter belongs to the delimiter, which decoders treat differently at the last line.
// mailparser runs with skipHtmlToText, so an HTML part counts as "" in its text (the README's "mailparser
// leaves text empty for HTML-only mails"); the board reader has no HTML-to-text either, and the text the
// reader gives is built with mailparser's rule (text/plain and delivery-status parts in order; an HTML
// part adds "" where mailparser would have converted it), joined with "\n". The HTML body is built with
// mailparser's rule too (see boardHtml), with skipTextToHtml: a plain part beside HTML adds "".
//
// Known differences are accepted only with a stated reason, printed as "agree* path: field (reason) ...", and
// counted as agreeing; any other mismatch is a DIFFER. The reasons are the ACCEPTED list of mime-compare.ts; each
// excuses only the field or part it names, and only when the reader's own flag is there and the values bear it out.
// The readings themselves are in mime-read.ts.
import { existsSync, readdirSync, readFileSync, statSync } from 'node:fs';
import { basename, join, relative } from 'node:path';
import { hostDecode } from './mime-decode';
import { readWith, reference, type MimeLib, type ParsedMail, type RefMail } from './mime-read';
import { compare, show, type Note } from './mime-compare';

export { hostDecode };
export * from './mime-read';
export * from './mime-compare';

/** The mails of a folder: the files INDEX.tsv lists, or every regular file but LICENSE*, README*, INDEX.tsv. */
export function listMails(folder: string): string[] {
  const index = join(folder, 'INDEX.tsv');
  if (existsSync(index)) {
    const lines = readFileSync(index, 'utf8').split('\n').slice(1);
    return lines.filter((l) => l.trim()).map((l) => join(folder, l.split('\t')[0]));
  }
  const out: string[] = [];
  const walk = (dir: string) => {
    for (const e of readdirSync(dir).sort()) {
      const p = join(dir, e);
      const st = statSync(p);
      if (st.isDirectory()) walk(p);
      else if (st.isFile() && !/^(LICENSE|README)/i.test(e) && e !== 'INDEX.tsv' && !e.startsWith('.')) out.push(p);
    }
  };
  walk(folder);
  return out;
}

/**
 * The board reader: the s9mime Storage module of a built board (default linux) in the host sandbox, or with
 * useSources the TypeScript sources in Node.
 */
export async function boardMime(useSources: boolean, board = 'linux'): Promise<{ mime: MimeLib; close(): void; bytes: number }> {
  if (useSources) {
    // (the sources read the charset tables from require("Storage"))
    await import('./espruino-node');
    return { mime: (await import('../src/mime')) as any, close() {}, bytes: 0 };
  }
  const { boardIds } = await import('./boards');
  if (!boardIds().includes(board)) throw new Error(`unknown board "${board}"; boards: ${boardIds().join(', ')}`);
  const { boardDir } = await import('./build');
  if (!existsSync(boardDir(board))) throw new Error(`the ${board} board is not built (no ${relative(process.cwd(), boardDir(board))}): npm run build`);
  const { bootSandbox } = await import('./sandbox');
  const sb = bootSandbox({ board });
  const code = sb.storage.read('s9mime');
  if (code === undefined) {
    sb.close();
    throw new Error(`the ${board} board carries no MIME reader (s9mime): choose another board, or npm run build`);
  }
  return { mime: sb.require('s9mime'), close: () => sb.close(), bytes: Buffer.byteLength(code, 'latin1') };
}

export interface DiffResult {
  file: string;
  agree: boolean;
  differ: string[];
  accepted: string[];
  /** every difference, accepted or not, with both values */
  notes?: Note[];
  error?: string;
}

export async function diffFolder(folder: string, mime: MimeLib, sizes: number[], verbose = false): Promise<DiffResult[]> {
  const out: DiffResult[] = [];
  for (const file of listMails(folder)) {
    const raw = readFileSync(file);
    const rel = relative(folder, file) || basename(file);
    let ours: ParsedMail;
    try {
      ours = readWith(mime, raw, sizes);
    } catch (e: any) {
      out.push({ file: rel, agree: false, differ: [], accepted: [], error: 'board reader threw: ' + (e && e.message) });
      continue;
    }
    let ref: RefMail;
    try {
      ref = await reference(raw);
    } catch (e: any) {
      out.push({ file: rel, agree: false, differ: [], accepted: [], error: 'mailparser threw: ' + (e && e.message) });
      continue;
    }
    const c = compare(ours, ref, verbose);
    out.push({ file: rel, agree: c.differ.length === 0, differ: c.differ, accepted: c.accepted, notes: c.notes });
  }
  return out;
}

export const USAGE = 'usage: npm run mime-diff -- <folder> [--sources | --board <id>] [--verbose]';

export interface Args {
  folder: string;
  sources: boolean;
  board?: string;
  verbose: boolean;
}

/** The command line; throws an Error with a one-line message for a wrong one. */
export function parseArgs(args: string[]): Args {
  const out: Args = { folder: '', sources: false, verbose: false };
  for (let i = 0; i < args.length; i++) {
    const a = args[i];
    if (a === '--sources') out.sources = true;
    else if (a === '--verbose') out.verbose = true;
    else if (a === '--board') {
      out.board = args[++i];
      if (!out.board || out.board.startsWith('--')) throw new Error('--board needs a board id');
    } else if (a.startsWith('-')) throw new Error(`unknown option ${a}`);
    else if (out.folder) throw new Error(`one folder only (got ${out.folder} and ${a})`);
    else out.folder = a;
  }
  if (out.sources && out.board) throw new Error('--sources and --board exclude each other');
  if (!out.folder) throw new Error('no folder given');
  if (!existsSync(out.folder)) throw new Error(`no such folder: ${out.folder}`);
  if (!statSync(out.folder).isDirectory()) throw new Error(`not a folder: ${out.folder}`);
  return out;
}

/** The report of one mail: one line, or with verbose a block (a line per difference, both values). */
export function report(r: DiffResult, verbose: boolean): string {
  const head = r.error || !r.agree ? 'DIFFER' : r.accepted.length ? 'agree*' : 'agree ';
  if (r.error) return `${head} ${r.file}: ${r.error}`;
  if (!verbose) {
    if (!r.agree) return `${head} ${r.file}: ${r.differ.join('; ')}${r.accepted.length ? ' | accepted: ' + r.accepted.join('; ') : ''}`;
    return r.accepted.length ? `${head} ${r.file}: ${r.accepted.join('; ')}` : `${head} ${r.file}`;
  }
  const lines = [`${head} ${r.file}`];
  for (const n of r.notes || []) {
    lines.push(`  ${n.reasons ? 'accepted' : 'differs '} ${n.field}${n.reasons ? ' (' + n.reasons.join('; ') + ')' : ''}`);
    lines.push(`           board:      ${show(n.board, n.mailparser)}`);
    lines.push(`           mailparser: ${show(n.mailparser, n.board)}`);
  }
  return lines.join('\n');
}

async function main(): Promise<void> {
  let args: Args;
  try {
    args = parseArgs(process.argv.slice(2));
  } catch (e: any) {
    console.error(`mime-diff: ${e.message} (${USAGE})`);
    process.exit(2);
  }
  const board = await boardMime(args.sources, args.board);
  // pieces of at most 1460 bytes, as the POP3 client delivers them, in varied sizes
  const sizes = [1460, 977, 1, 1460, 333, 1024, 2, 1459];
  try {
    const results = await diffFolder(args.folder, board.mime, sizes, false);
    for (const r of results) console.log(report(r, args.verbose) + (args.verbose ? '\n' : ''));
    console.log(`${results.filter((r) => r.agree).length}/${results.length} messages agree`);
  } finally {
    board.close();
  }
}

if (/mime-diff\.ts$/.test(process.argv[1] || '')) {
  main().catch((e) => {
    console.error(`mime-diff: ${(e && e.message) || e}`);
    process.exit(1);
  });
}
