// Builds one minified, Espruino-guarded bundle per board with esbuild.
import * as esbuild from 'esbuild';
import { mkdirSync, writeFileSync } from 'node:fs';
import { join, relative } from 'node:path';
import { checkEspruino, formatViolations, type SourceMap } from './guard';
import { ROOT, boardIds, bundlePath, loadBoard } from './boards';

export const GLOBAL_NAME = 'SIM900MAIL';

export interface BundleResult {
  board: string;
  file: string;
  bytes: number;
  budget: number;
  ok: boolean;
  problems: string[];
}

/** esbuild options shared by board bundles, the bench bundle and the guard's own tests. */
export function espruinoBuildOptions(entry: { contents: string; resolveDir: string }, minify = true): esbuild.BuildOptions {
  return {
    stdin: { contents: entry.contents, resolveDir: entry.resolveDir, loader: 'ts', sourcefile: 'entry.ts' },
    bundle: true,
    format: 'iife',
    platform: 'neutral',
    target: 'es2015',
    minify,
    legalComments: 'none',
    charset: 'utf8',
    sourcemap: 'external',
    outfile: 'out.js',
    write: false,
    logLevel: 'silent',
    tsconfig: join(ROOT, 'tsconfig.json'),
    // Espruino's require("Storage") is a built-in: keep it a plain call. Left alone, esbuild would wrap it in a
    // __require helper that reaches for Proxy.
    define: { require: '__espruino_require' },
    banner: { js: 'var __espruino_require=require;' },
  };
}

/** Builds `entry` and returns the code, or the esbuild/guard problems. */
export async function buildGuarded(entry: { contents: string; resolveDir: string }, name: string, minify = true): Promise<{ code: string; problems: string[] }> {
  let result: esbuild.BuildResult;
  try {
    result = await esbuild.build(espruinoBuildOptions(entry, minify));
  } catch (e: any) {
    const errors: esbuild.Message[] = e.errors || [];
    return { code: '', problems: errors.length ? errors.map((m) => `  ${m.location ? `${m.location.file}:${m.location.line}:${m.location.column}: ` : ''}${m.text}`) : [String(e)] };
  }
  const files = result.outputFiles || [];
  const js = files.find((f) => f.path.endsWith('.js'))!;
  const mapFile = files.find((f) => f.path.endsWith('.map'));
  const code = js.text;
  const violations = checkEspruino(code);
  if (!violations.length) return { code, problems: [] };
  // Minified names hide esbuild's helpers (__spreadValues, ...): report from a readable build when there is one.
  if (minify) {
    const readable = await buildGuarded(entry, name.replace(/\.js$/, '') + ' (unminified)', false);
    if (readable.problems.length) return { code, problems: readable.problems };
  }
  const map: SourceMap | undefined = mapFile ? JSON.parse(mapFile.text) : undefined;
  return { code, problems: [`Espruino guard refused ${name} (${violations.length} construct${violations.length > 1 ? 's' : ''}):`, formatViolations(name, violations, map)] };
}

/**
 * The entry of a bundle: the library's exports copied into a plain object on the global SIM900MAIL (esbuild's
 * own export wrapper captures a `let` loop variable in getters, which Espruino gets wrong), plus the board.
 */
export function libraryEntry(modules: string, extra = ''): { contents: string; resolveDir: string } {
  return {
    contents:
      `import * as lib from ${JSON.stringify(modules)};\n${extra}\n` +
      `declare var global: any;\nvar out: any = {};\nfor (var k in lib) out[k] = (lib as any)[k];\n` +
      `global.${GLOBAL_NAME} = out;\n`,
    resolveDir: ROOT,
  };
}

export function boardEntry(id: string): { contents: string; resolveDir: string } {
  const withMime = loadBoard(id).mime !== false;
  const e = libraryEntry('./src/core', `import board from './boards/${id}';\n` + (withMime ? `import * as mime from './src/mime';\n` : ''));
  e.contents += `out.board = board;\n` + (withMime ? `out.mime = mime;\n` : '');
  // the example app starts at power-up from Storage's mail.json (src/app/example.ts)
  e.contents += `declare var E: any;\nE.on('init', function () { global.app = out.startApp(board, undefined, out.mime); });\n`;
  return e;
}

export async function buildBoard(id: string): Promise<BundleResult> {
  const board = loadBoard(id);
  const file = bundlePath(id);
  const { code, problems } = await buildGuarded(boardEntry(id), relative(ROOT, file));
  const bytes = Buffer.byteLength(code);
  if (!problems.length && bytes > board.budget.codeBytes) problems.push(`  ${relative(ROOT, file)}: ${bytes} bytes is over the ${board.name} budget of ${board.budget.codeBytes} bytes`);
  if (!problems.length) {
    mkdirSync(join(ROOT, 'build'), { recursive: true });
    writeFileSync(file, code);
  }
  return { board: id, file, bytes, budget: board.budget.codeBytes, ok: problems.length === 0, problems };
}

export async function buildAll(ids = boardIds()): Promise<BundleResult[]> {
  const out: BundleResult[] = [];
  for (const id of ids) out.push(await buildBoard(id));
  return out;
}
