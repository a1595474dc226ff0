// `npm run bench` part for the boards (issue 7): bundle bytes per board (a fresh build of every board, as
// `npm run build` does), the Pico's code budget and the room left in it for a user's app, and, when ESPRUINO
// names the interpreter's Linux port, the JsVars in use after loading build/linux.js on it.
//
// jsVarsAfterLoad is the brief's figure: process.memory().usage after build/linux.js ran as the interpreter's
// script (every function's text then sits in RAM). A board runs saved code from Storage instead, where Espruino
// can leave function text in flash; jsVarsAfterLoadFromStorage evaluates the bundle from a Storage file.
//
// JsVars per board (jsVarsAfterLoadPerBoard, an estimate, not a measurement on a board): each board's own bundle
// is loaded both ways on the Linux port. Its JsVars are larger (process.memory().blocksize, 27 bytes on the 64-bit
// build: 20-21 string characters or 8-character names per block) than a board's (12-16 bytes: 8-12 characters,
// 4-character names; the width Espruino picks for the board's variable count, see its src/jsutils.h). So the
// Linux count is a lower bound for a board, and the Linux count times the ratio of the block sizes an upper bound
// (reached only if every block were string storage). Both are reported beside the board's library budget.
import { buildAll } from '../host/bundle';
import { bundlePath, loadBoard, boardIds } from '../host/boards';
import { readFileSync, existsSync } from 'node:fs';
import { runOnInterpreter } from '../host/interpreter';

export interface BoardJsVars {
  /** loaded from Storage (code left in flash): the Linux count as it is, and scaled by the block sizes */
  lower: number;
  upper: number;
  /** loaded as plain text into RAM (e.g. sent to the REPL without saving to flash) */
  fromFileLower: number;
  fromFileUpper: number;
  budget: number;
  total: number;
}

export interface BundleBench {
  bundleBytes: Record<string, number>;
  bundleBudgetBytes: Record<string, number>;
  picoBudgetBytes: number;
  picoRoomBytes: number;
  jsVarsBaseline: number | null;
  jsVarsAfterLoad: number | null;
  /** jsVarsAfterLoad - jsVarsBaseline: what loading the bundle costs on the Linux interpreter */
  jsVarsLoad: number | null;
  jsVarsBlockBytesLinux: number | null;
  /** usage after evaluating the bundle from a Storage file, and what that load cost */
  jsVarsAfterLoadFromStorage: number | null;
  jsVarsLoadFromStorage: number | null;
  jsVarsAfterLoadPerBoard: Record<string, BoardJsVars> | null;
  /** the Pico's JsVar budget for the library, and what is left of it by the estimate's lower bound (negative: over) */
  picoJsVarsBudget: number;
  picoJsVarsRoomEstimate: number | null;
  bundleError?: string;
  jsVarsError?: string;
}

/** Bytes of one JsVar on a board with `vars` variables (Espruino's src/jsutils.h, 32-bit boards, packed refs). */
export function jsVarBytes(vars: number): number {
  if (vars <= 2047) return 12;
  if (vars <= 8191) return 13;
  if (vars <= 16383) return 14;
  return 16;
}

/**
 * Runs `setup` as the script, then in a timer measures process.memory().usage, runs `load`, and measures again
 * (in a later timer, so that the script's own text is gone and nothing of the load is on the stack).
 */
async function usageOnInterpreter(bin: string, setup: string, load: string): Promise<{ before: number; after: number; blocksize: number }> {
  let got: any = null;
  const run = await runOnInterpreter(
    bin,
    setup +
      '\n;setTimeout(function () { var m0 = process.memory().usage;\n' +
      load +
      '\n;setTimeout(function () { var m = process.memory(); report({before: m0, after: m.usage, blocksize: m.blocksize}); finish(); }, 10); }, 10);\n',
    (r) => {
      if (r && typeof r.after === 'number') got = r;
    },
    60000,
  );
  if (!got) throw new Error('no memory report from the interpreter; its output:\n' + run.output.slice(-2000));
  if (/Uncaught|Error/.test(run.output)) throw new Error('the interpreter reported an error:\n' + run.output.slice(-2000));
  return got;
}

const CHECK = '\nif (typeof SIM900MAIL !== "object") throw new Error("SIM900MAIL missing");\n';

export async function benchBundle(log: (s: string) => void): Promise<BundleBench> {
  const out: BundleBench = {
    bundleBytes: {},
    bundleBudgetBytes: {},
    picoBudgetBytes: loadBoard('pico').budget.codeBytes,
    picoRoomBytes: 0,
    jsVarsBaseline: null,
    jsVarsAfterLoad: null,
    jsVarsLoad: null,
    jsVarsBlockBytesLinux: null,
    jsVarsAfterLoadFromStorage: null,
    jsVarsLoadFromStorage: null,
    jsVarsAfterLoadPerBoard: null,
    picoJsVarsBudget: loadBoard('pico').budget.jsVars,
    picoJsVarsRoomEstimate: null,
  };
  const results = await buildAll();
  const failed = results.filter((r) => !r.ok);
  if (failed.length) out.bundleError = failed.map((r) => r.problems.join('\n')).join('\n');
  for (const r of results) {
    out.bundleBytes[r.board] = r.bytes;
    out.bundleBudgetBytes[r.board] = r.budget;
  }
  out.picoRoomBytes = out.picoBudgetBytes - (out.bundleBytes.pico ?? NaN);
  log(
    'bundle: ' + results.map((r) => `${r.board} ${r.bytes} B of ${r.budget}${r.ok ? '' : ' FAILED'}`).join(', ') +
      `; Pico room for a user's app ${out.picoRoomBytes} B of ${out.picoBudgetBytes}`,
  );
  const bin = process.env.ESPRUINO;
  if (!bin) {
    log('bundle/espruino: skipped (set ESPRUINO to the Linux interpreter, e.g. /work/espruino-bin/espruino)');
    return out;
  }
  try {
    if (!existsSync(bin)) throw new Error('ESPRUINO=' + bin + ' does not exist');
    const file = bundlePath('linux');
    if (!results.some((r) => r.board === 'linux' && r.ok)) throw new Error('build/linux.js was not built');
    const code = readFileSync(file, 'utf8');
    // (a) the brief's figure: build/linux.js run as the interpreter's script file (all function text in RAM)
    const base = await usageOnInterpreter(bin, '', '');
    const loaded = await usageOnInterpreter(bin, code + CHECK, '');
    out.jsVarsBaseline = base.after;
    out.jsVarsAfterLoad = loaded.after;
    out.jsVarsLoad = loaded.after - base.after;
    out.jsVarsBlockBytesLinux = loaded.blocksize;
    // (b) as a board runs saved code: the bundle written to Storage and evaluated from there, so that function
    // text can stay in (memory-mapped) flash and only the objects, names and scopes take JsVars
    const st = await usageOnInterpreter(
      bin,
      'require("Storage").write("sim900mail.js", ' + JSON.stringify(code) + ');',
      'eval(require("Storage").read("sim900mail.js"));' + CHECK,
    );
    out.jsVarsAfterLoadFromStorage = st.after;
    out.jsVarsLoadFromStorage = st.after - st.before;
    const per: Record<string, BoardJsVars> = {};
    for (const id of boardIds()) {
      if (id === 'linux') continue;
      const b = loadBoard(id);
      const r = results.find((x) => x.board === id);
      if (!r || !r.ok) continue;
      // each board's own bundle (the Original's leaves the MIME reader out), loaded both ways on the Linux port
      const bcode = readFileSync(bundlePath(id), 'utf8');
      const fromFile = (await usageOnInterpreter(bin, bcode + CHECK, '')).after - base.after;
      const s2 = await usageOnInterpreter(bin, 'require("Storage").write("sim900mail.js", ' + JSON.stringify(bcode) + ');', 'eval(require("Storage").read("sim900mail.js"));' + CHECK);
      const fromStorage = s2.after - s2.before;
      const scale = loaded.blocksize / jsVarBytes(b.totalJsVars);
      per[id] = {
        lower: fromStorage,
        upper: Math.ceil(fromStorage * scale),
        fromFileLower: fromFile,
        fromFileUpper: Math.ceil(fromFile * scale),
        budget: b.budget.jsVars,
        total: b.totalJsVars,
      };
    }
    out.jsVarsAfterLoadPerBoard = per;
    if (per.pico) out.picoJsVarsRoomEstimate = per.pico.budget - per.pico.lower;
    log(
      `bundle/espruino: JsVars ${base.after} before, ${loaded.after} after loading build/linux.js as the script (+${out.jsVarsLoad}, ${loaded.blocksize}-byte blocks); ` +
        `evaluated from Storage +${out.jsVarsLoadFromStorage} (${st.before} -> ${st.after})`,
    );
    log(
      'bundle/espruino: estimate per board, loaded from Storage (lower-upper JsVars / library budget / board total): ' +
        Object.keys(per).map((k) => `${k} ${per[k].lower}-${per[k].upper} / ${per[k].budget} / ${per[k].total}`).join(', '),
    );
  } catch (e: any) {
    out.jsVarsError = String(e.message || e);
    log('bundle/espruino: FAILED ' + out.jsVarsError);
  }
  return out;
}
