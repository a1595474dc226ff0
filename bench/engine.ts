// `npm run bench` part for the AT engine:
//  - the engine's size: bytes of s9at, and on the interpreter (ESPRUINO) the JsVars its require() from Storage
//    costs (code stays in flash) and the JsVars one connect() costs (the goals: 7 KB, 50, 200);
//  - receive throughput on ~100 KB of POP3READ frames and ~60 KB of URC lines, fed in 64-byte chunks, in Node (the
//    sources) and on the interpreter (the same module code with this benchmark as a second module). There the
//    modules are evaluated from RAM (Modules.addCached): the Linux port keeps Storage in a file and reads code
//    that stays in "flash" through file reads, about 10x slower than from RAM (measured), where a board's flash is
//    memory-mapped. Absolute speeds depend on the build and machine; issue 12 compares against an anchor.
import '../host/espruino-node';
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { buildModules } from '../host/build';
import { runOnInterpreter, writeStorage } from '../host/interpreter';
import { runBench, type BenchFigures } from './engine-board';

export interface EngineBench {
  engineBytes: number;
  rxCountedBytesPerSecNode: number;
  rxLinesBytesPerSecNode: number;
  rxCountedBytesPerSecEspruino: number | null;
  rxLinesBytesPerSecEspruino: number | null;
  /** JsVars: require("s9at") from Storage, and one connect() */
  engineJsVarsLoaded: number | null;
  engineJsVarsInstance: number | null;
  jsVarsBefore: number | null;
  jsVarsAfter: number | null;
  espruinoError?: string;
}

const RX = 2048; // boards/linux.ts rxBufferSize, for the speed figures
const RX_BOARD = 640; // the other boards' rxBufferSize, for the instance's JsVars

function nodeNow(): number {
  return Number(process.hrtime.bigint()) / 1e9;
}

// the variables exist before the first reading, so the differences are only what require() and connect() keep
const driver = (s9at: string, s9bench: string): string =>
  'var at, e, m0, m1, m2, ser = {on: function () {}, write: function () {}};\n' +
  'm0 = process.memory().usage; at = require("s9at"); m1 = process.memory().usage;\n' +
  'e = at.connect(ser, {rxBufferSize: ' + RX_BOARD + ', syncOnStart: false}); m2 = process.memory().usage;\n' +
  'e.close(); e = at = undefined; Modules.removeCached("s9at");\n' +
  'report({loaded: m1 - m0, instance: m2 - m1});\n' +
  'Modules.addCached("s9at", atob("' + Buffer.from(s9at, 'latin1').toString('base64') + '"));\n' +
  'Modules.addCached("s9bench", atob("' + Buffer.from(s9bench, 'latin1').toString('base64') + '"));\n' +
  'report({bench: require("s9bench").runBench(getTime, 100, 60, ' + RX + ')});\n' +
  'finish();\n';

async function espruinoFigures(bin: string, s9at: string, s9bench: string): Promise<{ loaded: number; instance: number; bench: BenchFigures }> {
  const cwd = mkdtempSync(join(tmpdir(), 'bench-engine-'));
  try {
    writeStorage(bin, cwd, { s9at, s9bench });
    const out: any = {};
    await runOnInterpreter(bin, driver(s9at, s9bench), (r) => Object.assign(out, r), 600000, cwd);
    if (!out.bench) throw new Error('the benchmark reported nothing');
    return out;
  } finally {
    rmSync(cwd, { recursive: true, force: true });
  }
}

export async function benchEngine(log: (s: string) => void): Promise<EngineBench> {
  const built = await buildModules({ s9at: 'src/at/engine.ts', s9bench: 'bench/engine-board.ts' });
  if (built.problems.length) throw new Error(built.problems.join('\n'));
  runBench(nodeNow, 100, 60, RX); // warm up the JIT
  const n = runBench(nodeNow, 100, 60, RX);
  const out: EngineBench = {
    engineBytes: Buffer.byteLength(built.code.s9at, 'latin1'),
    rxCountedBytesPerSecNode: Math.round(n.countedBytes / n.countedSeconds),
    rxLinesBytesPerSecNode: Math.round(n.linesBytes / n.linesSeconds),
    rxCountedBytesPerSecEspruino: null,
    rxLinesBytesPerSecEspruino: null,
    engineJsVarsLoaded: null,
    engineJsVarsInstance: null,
    jsVarsBefore: null,
    jsVarsAfter: null,
  };
  log(`engine: s9at ${out.engineBytes} bytes (goal 7168)`);
  log(`engine/node: counted ${(out.rxCountedBytesPerSecNode / 1e6).toFixed(1)} MB/s (${n.countedBytes} B), lines ${(out.rxLinesBytesPerSecNode / 1e3).toFixed(0)} KB/s (${n.linesBytes} B, ${n.urcs} URCs)`);
  const bin = process.env.ESPRUINO;
  if (!bin) {
    log('engine/espruino: skipped (set ESPRUINO to the interpreter, e.g. a Linux port built with make BOARD=LINUX)');
    return out;
  }
  try {
    const f = await espruinoFigures(bin, built.code.s9at, built.code.s9bench);
    const b = f.bench;
    out.rxCountedBytesPerSecEspruino = Math.round(b.countedBytes / b.countedSeconds);
    out.rxLinesBytesPerSecEspruino = Math.round(b.linesBytes / b.linesSeconds);
    out.engineJsVarsLoaded = f.loaded;
    out.engineJsVarsInstance = f.instance;
    out.jsVarsBefore = b.memBefore;
    out.jsVarsAfter = b.memAfter;
    log(`engine/espruino: require("s9at") ${f.loaded} JsVars (goal 50), connect() with a ${RX_BOARD}-byte receive buffer ${f.instance} JsVars (goal 200)`);
    log(
      `engine/espruino: counted ${(out.rxCountedBytesPerSecEspruino / 1e6).toFixed(2)} MB/s, lines ${(out.rxLinesBytesPerSecEspruino / 1e3).toFixed(0)} KB/s, ` +
        `JsVars before ${b.memBefore} after ${b.memAfter}; data ${b.countedData} B, URCs ${b.urcs}`,
    );
  } catch (e: any) {
    out.espruinoError = String(e.message || e);
    log('engine/espruino: FAILED ' + out.espruinoError);
  }
  return out;
}
