// `npm run bench` part for the AT engine:
//  - the engine's size: bytes of s9at, and on the interpreter (ESPRUINO) the JsVars its require() from Storage
//    costs (code stays in flash) and the JsVars one connect() costs (the goals: 7 KB, 50, 200);
//  - receive throughput (engine-board.ts: counted POP3READ frames, URC lines; at least a second each) in Node (the
//    sources) and on the interpreter (the module as Storage holds it, with the benchmark as a second module);
//  - with `--anchor <AT.js>`, the same streams through Espruino's own modules/AT.js, minified and pretokenised as
//    this project's modules are, both in each of three fresh interpreter processes, fed in alternating slices: the
//    medians of the rates and of the processes' ratios. Only a same-run ratio means something: absolute speeds
//    depend on build and machine (and this machine's speed drifts from one second to the next).
// On the interpreter the modules are evaluated from RAM (Modules.addCached): the Linux port keeps Storage in a file
// and reads code that stays in "flash" through file reads, about 10x slower than from RAM (measured), where a
// board's flash is memory-mapped.
import '../host/espruino-node';
import { mkdtempSync, readFileSync, rmSync, existsSync, statSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import * as esbuild from 'esbuild';
import { buildModules } from '../host/build';
import { pretokenise } from '../host/pretokenise';
import { espruinoBinary, runOnInterpreter, writeStorage } from '../host/interpreter';
import * as engine from '../src/at/engine';
import { runOurs, type BenchFigures, type PairFigures, type Workload } from './engine-board';

export interface InterpreterInfo {
  version: string;
  commit: string;
  jsVars: number;
  /** the C compiler's flags as the binary's debug information records them (null when it has none) */
  buildFlags: string | null;
}

export interface EngineBench {
  engineBytes: number;
  rxCountedBytesPerSecNode: number;
  rxLinesBytesPerSecNode: number;
  rxCountedBytesPerSecEspruino: number | null;
  rxLinesBytesPerSecEspruino: number | null;
  /** JsVars: require("s9at") from Storage, and one connect() */
  engineJsVarsLoaded: number | null;
  engineJsVarsInstance: number | null;
  /** process.memory().usage before and after each timed workload (ours, on the interpreter) */
  jsVarsCountedBefore: number | null;
  jsVarsCountedAfter: number | null;
  jsVarsLinesBefore: number | null;
  jsVarsLinesAfter: number | null;
  interpreter: InterpreterInfo | null;
  anchor: string | null;
  rxCountedBytesPerSecAnchor: number | null;
  rxLinesBytesPerSecAnchor: number | null;
  rxCountedRatioVsAnchor: number | null;
  rxLinesRatioVsAnchor: number | null;
  /** each turn's ratios (with --anchor) */
  turnRatios?: { counted: number; lines: number }[];
  espruinoError?: string;
}

const RX = 2048; // boards/linux.ts rxBufferSize, for the speed figures
const RX_BOARD = 640; // the other boards' rxBufferSize, for the instance's JsVars
const MIN_SECONDS = 1;
const TURNS = 3;

function nodeNow(): number {
  return Number(process.hrtime.bigint()) / 1e9;
}

const b64 = (s: string): string => Buffer.from(s, 'latin1').toString('base64');

// the variables exist before the first reading, so the differences are only what require() and connect() keep
const sizeDriver =
  'var at, e, m0, m1, m2, ser = {on: function () {}, write: function () {}};\n' +
  'm0 = process.memory().usage; at = require("s9at"); m1 = process.memory().usage;\n' +
  'e = at.connect(ser, {rxBufferSize: ' + RX_BOARD + ', syncOnStart: false}); m2 = process.memory().usage;\n' +
  'e.close(); e = at = undefined; Modules.removeCached("s9at");\n' +
  'report({loaded: m1 - m0, instance: m2 - m1});\n';

const infoDriver = 'report({info: {version: process.env.VERSION, commit: process.env.GIT_COMMIT, jsVars: process.memory().total}});\n';

function oursDriver(s9at: string, s9bench: string): string {
  return (
    'Modules.addCached("s9at", atob("' + b64(s9at) + '"));\n' +
    'Modules.addCached("s9bench", atob("' + b64(s9bench) + '"));\n' +
    'report({bench: require("s9bench").runOurs(getTime, ' + MIN_SECONDS + ', require("s9at"), ' + RX + ')});\n'
  );
}

function pairDriver(s9at: string, anchor: string, s9bench: string): string {
  return (
    'Modules.addCached("s9at", atob("' + b64(s9at) + '"));\n' +
    'Modules.addCached("AT", atob("' + b64(anchor) + '"));\n' +
    'Modules.addCached("s9bench", atob("' + b64(s9bench) + '"));\n' +
    'report({pair: require("s9bench").runPair(getTime, ' + MIN_SECONDS + ', require("s9at"), ' + RX + ', require("AT"))});\n'
  );
}

/** The compiler flags the binary's DWARF producer string records, e.g. "GNU C99 12.2.0 ... -Os ...". */
export function buildFlags(bin: string): string | null {
  const m = /GNU C(?:99|11|17|89)? [0-9.]+ ([ -~]*)/.exec(readFileSync(bin).toString('latin1'));
  return m ? m[1].trim() : null;
}

async function interpreterRun(bin: string, code: string, storage?: Record<string, string>): Promise<any> {
  const cwd = mkdtempSync(join(tmpdir(), 'bench-engine-'));
  try {
    if (storage) writeStorage(bin, cwd, storage);
    const out: any = {};
    await runOnInterpreter(bin, code + 'finish();\n', (r) => Object.assign(out, r), 600000, cwd);
    return out;
  } finally {
    rmSync(cwd, { recursive: true, force: true });
  }
}

/** Throws when an engine delivered other than what the streams carried. */
function checkDelivered(who: string, f: BenchFigures): void {
  const c = f.counted;
  if (c.delivered !== c.rounds * f.cycleData || c.frames !== c.rounds * f.cycleFrames) throw new Error(`${who}: the counted workload delivered ${c.delivered} data bytes in ${c.frames} frames, not ${c.rounds * f.cycleData} in ${c.rounds * f.cycleFrames}`);
  if (f.lines.delivered !== f.lines.rounds * f.cycleUrcs) throw new Error(`${who}: the lines workload delivered ${f.lines.delivered} URCs, not ${f.lines.rounds * f.cycleUrcs}`);
}

const median = (xs: number[]): number => xs.slice().sort((a, b) => a - b)[Math.floor(xs.length / 2)];
const rate = (w: Workload): number => w.bytes / w.seconds;

/** Minified and pretokenised like this project's modules, so both are read by the interpreter the same way. */
export async function prepareAnchor(path: string): Promise<string> {
  if (!existsSync(path) || !statSync(path).isFile()) throw new Error(`--anchor ${path}: no such file (Espruino's modules/AT.js)`);
  const src = readFileSync(path, 'utf8');
  if (!/exports\.connect\s*=/.test(src)) throw new Error(`--anchor ${path}: not an AT.js module (no exports.connect)`);
  const min = await esbuild.transform(src, { minify: true, target: 'es2015', legalComments: 'none' });
  return pretokenise(min.code);
}

export async function benchEngine(log: (s: string) => void, anchorPath?: string): Promise<EngineBench> {
  const built = await buildModules({ s9at: 'src/at/engine.ts', s9bench: 'bench/engine-board.ts' });
  if (built.problems.length) throw new Error(built.problems.join('\n'));
  const anchor = anchorPath ? await prepareAnchor(anchorPath) : null;
  runOurs(nodeNow, 0.2, engine, RX); // warm up the JIT
  const n = runOurs(nodeNow, MIN_SECONDS, engine, RX);
  checkDelivered('engine/node', n);
  const out: EngineBench = {
    engineBytes: Buffer.byteLength(built.code.s9at, 'latin1'),
    rxCountedBytesPerSecNode: Math.round(rate(n.counted)),
    rxLinesBytesPerSecNode: Math.round(rate(n.lines)),
    rxCountedBytesPerSecEspruino: null,
    rxLinesBytesPerSecEspruino: null,
    engineJsVarsLoaded: null,
    engineJsVarsInstance: null,
    jsVarsCountedBefore: null,
    jsVarsCountedAfter: null,
    jsVarsLinesBefore: null,
    jsVarsLinesAfter: null,
    interpreter: null,
    anchor: anchorPath || null,
    rxCountedBytesPerSecAnchor: null,
    rxLinesBytesPerSecAnchor: null,
    rxCountedRatioVsAnchor: null,
    rxLinesRatioVsAnchor: null,
  };
  log(`engine: s9at ${out.engineBytes} bytes (goal 7168)`);
  log(`engine/node: counted ${(out.rxCountedBytesPerSecNode / 1e6).toFixed(1)} MB/s (${n.counted.bytes} B), lines ${(out.rxLinesBytesPerSecNode / 1e3).toFixed(0)} KB/s (${n.lines.bytes} B)`);
  const bin = espruinoBinary();
  if (!bin) {
    if (anchor) throw new Error('--anchor needs ESPRUINO: the anchor is measured on the interpreter');
    log('engine/espruino: skipped (set ESPRUINO to the interpreter, e.g. a Linux port built with make BOARD=LINUX)');
    return out;
  }
  try {
    const info = (await interpreterRun(bin, infoDriver)).info;
    out.interpreter = { version: info.version, commit: info.commit, jsVars: info.jsVars, buildFlags: buildFlags(bin) };
    const flags = out.interpreter.buildFlags ? (out.interpreter.buildFlags.match(/-O\w*/g) || ['no -O flag']).join(' ') : 'build flags unknown (no debug information)';
    log(`engine/espruino: interpreter ${info.version} (${info.commit}), ${flags}, ${info.jsVars} JsVars`);
    const size = await interpreterRun(bin, sizeDriver, { s9at: built.code.s9at });
    out.engineJsVarsLoaded = size.loaded;
    out.engineJsVarsInstance = size.instance;
    log(`engine/espruino: require("s9at") ${size.loaded} JsVars (goal 50), connect() with a ${RX_BOARD}-byte receive buffer ${size.instance} JsVars (goal 200)`);
    // ours alone: the memory readings, and the rates when there is no anchor
    const alone = (await interpreterRun(bin, oursDriver(built.code.s9at, built.code.s9bench))).bench as BenchFigures;
    if (!alone) throw new Error('the benchmark reported nothing');
    checkDelivered('engine/espruino', alone);
    const ours: BenchFigures[] = anchor ? [] : [alone];
    const anchors: BenchFigures[] = [];
    // with the anchor: both engines in each of TURNS fresh processes, fed in alternating slices of about 50 ms until
    // each has had a second of every workload (a machine that speeds up or slows down favours neither); the ratio
    // is taken within each process, and the median of the turns is reported
    const ratios: { counted: number; lines: number }[] = [];
    for (let t = 0; anchor && t < TURNS; t++) {
      const pr = (await interpreterRun(bin, pairDriver(built.code.s9at, anchor, built.code.s9bench))).pair as PairFigures;
      if (!pr) throw new Error('the paired benchmark reported nothing');
      checkDelivered('engine/espruino', pr.ours);
      checkDelivered('anchor', pr.anchor);
      ours.push(pr.ours);
      anchors.push(pr.anchor);
      ratios.push({ counted: rate(pr.ours.counted) / rate(pr.anchor.counted), lines: rate(pr.ours.lines) / rate(pr.anchor.lines) });
    }
    out.rxCountedBytesPerSecEspruino = Math.round(median(ours.map((f) => rate(f.counted))));
    out.rxLinesBytesPerSecEspruino = Math.round(median(ours.map((f) => rate(f.lines))));
    out.jsVarsCountedBefore = alone.counted.memBefore;
    out.jsVarsCountedAfter = alone.counted.memAfter;
    out.jsVarsLinesBefore = alone.lines.memBefore;
    out.jsVarsLinesAfter = alone.lines.memAfter;
    log(
      `engine/espruino: counted ${(out.rxCountedBytesPerSecEspruino / 1e6).toFixed(2)} MB/s (${alone.counted.bytes} B), lines ${(out.rxLinesBytesPerSecEspruino / 1e3).toFixed(0)} KB/s (${alone.lines.bytes} B)` +
        (anchor ? ` (medians of ${TURNS})` : '') +
        `; JsVars before/after: counted ${alone.counted.memBefore}/${alone.counted.memAfter}, lines ${alone.lines.memBefore}/${alone.lines.memAfter}`,
    );
    if (anchor) {
      out.rxCountedBytesPerSecAnchor = Math.round(median(anchors.map((f) => rate(f.counted))));
      out.rxLinesBytesPerSecAnchor = Math.round(median(anchors.map((f) => rate(f.lines))));
      out.rxCountedRatioVsAnchor = +median(ratios.map((r) => r.counted)).toFixed(2);
      out.rxLinesRatioVsAnchor = +median(ratios.map((r) => r.lines)).toFixed(2);
      out.turnRatios = ratios.map((r) => ({ counted: +r.counted.toFixed(2), lines: +r.lines.toFixed(2) }));
      log(
        `engine/anchor: AT.js counted ${(out.rxCountedBytesPerSecAnchor / 1e6).toFixed(2)} MB/s, lines ${(out.rxLinesBytesPerSecAnchor / 1e3).toFixed(0)} KB/s (medians of ${TURNS}); ` +
          `ours vs AT.js (median of ${TURNS} processes' ratios: ${ratios.map((r) => r.counted.toFixed(2) + '/' + r.lines.toFixed(2)).join(', ')}): counted ${out.rxCountedRatioVsAnchor}x, lines ${out.rxLinesRatioVsAnchor}x (goal 1.5)`,
      );
    }
  } catch (e: any) {
    out.espruinoError = String(e.message || e);
    log('engine/espruino: FAILED ' + out.espruinoError);
  }
  return out;
}
