// `npm run bench` part for the AT engine: receive throughput on (a) ~100 KB of POP3READ frames and (b) ~60 KB
// of URC lines, fed in 64-byte chunks, in Node (sources) and, when ESPRUINO names the Linux interpreter, on it
// (a guarded esbuild bundle of bench/engine-board.ts run as a file; it prints one JSON line and quits).
import { spawnSync } from 'node:child_process';
import { mkdtempSync, writeFileSync, rmSync, existsSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { buildGuarded } from '../host/bundle';
import { runBench, type BenchFigures } from './engine-board';

export interface EngineBench {
  rxCountedBytesPerSecNode: number;
  rxLinesBytesPerSecNode: number;
  rxCountedBytesPerSecEspruino: number | null;
  rxLinesBytesPerSecEspruino: number | null;
  jsVarsBefore: number | null;
  jsVarsAfter: number | null;
  espruinoError?: string;
}

const RX = 4096; // boards/linux.ts rxBufferSize

function nodeNow(): number {
  return Number(process.hrtime.bigint()) / 1e9;
}

export async function espruinoFigures(bin: string): Promise<BenchFigures> {
  const entry = {
    contents:
      "import { runBench } from './engine-board';\n" +
      'const r = runBench(getTime, 100, 60, ' + RX + ');\n' +
      "print('BENCH ' + JSON.stringify(r));\n" +
      'quit();\n',
    resolveDir: __dirname,
  };
  const built = await buildGuarded(entry, 'bench-engine.js');
  if (built.problems.length) throw new Error(built.problems.join('\n'));
  const dir = mkdtempSync(join(tmpdir(), 'bench-engine-'));
  const file = join(dir, 'bench-engine.js');
  writeFileSync(file, built.code);
  try {
    const r = spawnSync(bin, [file], { encoding: 'latin1', timeout: 600000, input: '' });
    const out = (r.stdout || '') + (r.stderr || '');
    const m = /BENCH (\{.*\})/.exec(out);
    if (!m) throw new Error('no BENCH line from ' + bin + ' (exit ' + r.status + (r.signal ? ', ' + r.signal : '') + '):\n' + out.slice(-2000));
    return JSON.parse(m[1]);
  } finally {
    rmSync(dir, { recursive: true, force: true });
  }
}

export async function benchEngine(log: (s: string) => void): Promise<EngineBench> {
  runBench(nodeNow, 100, 60, RX); // warm up the JIT
  const n = runBench(nodeNow, 100, 60, RX);
  const out: EngineBench = {
    rxCountedBytesPerSecNode: Math.round(n.countedBytes / n.countedSeconds),
    rxLinesBytesPerSecNode: Math.round(n.linesBytes / n.linesSeconds),
    rxCountedBytesPerSecEspruino: null,
    rxLinesBytesPerSecEspruino: null,
    jsVarsBefore: null,
    jsVarsAfter: null,
  };
  log(`engine/node: counted ${(out.rxCountedBytesPerSecNode / 1e6).toFixed(1)} MB/s (${n.countedBytes} B), lines ${(out.rxLinesBytesPerSecNode / 1e3).toFixed(0)} KB/s (${n.linesBytes} B, ${n.urcs} URCs)`);
  const bin = process.env.ESPRUINO;
  if (bin) {
    if (!existsSync(bin)) out.espruinoError = 'ESPRUINO=' + bin + ' does not exist';
    else {
      try {
        const f = await espruinoFigures(bin);
        out.rxCountedBytesPerSecEspruino = Math.round(f.countedBytes / f.countedSeconds);
        out.rxLinesBytesPerSecEspruino = Math.round(f.linesBytes / f.linesSeconds);
        out.jsVarsBefore = f.memBefore;
        out.jsVarsAfter = f.memAfter;
        log(
          `engine/espruino: counted ${(out.rxCountedBytesPerSecEspruino / 1e6).toFixed(2)} MB/s (goal 2.1), lines ${(out.rxLinesBytesPerSecEspruino / 1e3).toFixed(0)} KB/s (goal 250), ` +
            `JsVars before ${f.memBefore} after ${f.memAfter}; data ${f.countedData} B, URCs ${f.urcs}`,
        );
      } catch (e: any) {
        out.espruinoError = String(e.message || e);
        log('engine/espruino: FAILED ' + out.espruinoError);
      }
    }
  } else log('engine/espruino: skipped (set ESPRUINO to the Linux interpreter, e.g. /work/espruino-bin/espruino)');
  return out;
}
