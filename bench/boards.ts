// `npm run bench` part for the boards: each board's library in Storage (a fresh build, as `npm run build`), and,
// when ESPRUINO names an interpreter, the board demo's JsVar figures on it: `npm run demo -- --board <id>` runs
// and its line "board <id>: storage <n> bytes, jsvars idle <n>, peak <n>, total <n>" is read.
//
// Which board's demo: `--board <id>` (repeatable); else the boards whose JsVar count is the interpreter's
// process.memory().total (an interpreter built with that board's VARIABLES); else the linux board.
import { spawn, spawnSync } from 'node:child_process';
import { buildAll, goals } from '../host/build';
import { ROOT, boardIds, loadBoard } from '../host/boards';
import { espruinoBinary } from '../host/interpreter';

export interface BoardFigures {
  storage: number;
  storageGoal: number;
  /** from the demo on the interpreter (null without one) */
  idle: number | null;
  peak: number | null;
  total: number | null;
  idleGoal: number;
  peakGoal: number;
  withinGoals: boolean | null;
  demoError?: string;
}

export interface BoardsBench {
  interpreter: string | null;
  interpreterJsVars: number | null;
  boards: Record<string, BoardFigures>;
}

function interpreterTotal(bin: string): number {
  const r = spawnSync(bin, ['-e', 'print("@@"+process.memory().total);quit()'], { encoding: 'latin1', timeout: 20000, input: '' });
  const m = /@@(\d+)/.exec(r.stdout || '');
  if (!m) throw new Error(`${bin} did not report its JsVars: ${(r.stdout || '') + (r.stderr || '')}`);
  return Number(m[1]);
}

function demo(id: string, log: (s: string) => void): Promise<{ idle: number; peak: number; total: number }> {
  return new Promise((resolve, reject) => {
    const c = spawn(process.execPath, ['--import', 'tsx', 'host/demo.ts', '--board', id], { cwd: ROOT, stdio: ['ignore', 'pipe', 'pipe'] });
    let out = '';
    c.stdout.on('data', (b) => (out += b));
    c.stderr.on('data', (b) => (out += b));
    c.on('error', reject);
    c.on('close', (code) => {
      const m = /^board \S+: storage \d+ bytes, jsvars idle (\d+), peak (\d+), total (\d+)$/m.exec(out);
      if (code !== 0 || !m || !/^demo ok:/m.test(out)) return reject(new Error(`the ${id} demo failed (exit ${code}):\n${out.slice(-1500)}`));
      log(`boards/${id}: ${m[0]}`);
      resolve({ idle: +m[1], peak: +m[2], total: +m[3] });
    });
  });
}

export async function benchBoards(log: (s: string) => void, asked: string[]): Promise<BoardsBench> {
  // (a path that does not exist is an error, not a bench without the interpreter)
  const bin = espruinoBinary();
  const out: BoardsBench = { interpreter: bin, interpreterJsVars: bin ? interpreterTotal(bin) : null, boards: {} };
  for (const r of await buildAll()) {
    if (r.problems.length) throw new Error(`the ${r.board.id} build failed:\n${r.problems.join('\n')}`);
    const g = goals(r.board);
    out.boards[r.board.id] = { storage: r.libraryBytes, storageGoal: g.storageBytes, idle: null, peak: null, total: null, idleGoal: g.idleJsVars, peakGoal: g.peakJsVars, withinGoals: null };
    log(`boards/${r.board.id}: library ${r.libraryBytes} bytes in Storage (goal ${g.storageBytes})${r.libraryBytes > g.storageBytes ? ' OVER' : ''}`);
  }
  if (!bin) {
    log('boards: JsVars skipped (set ESPRUINO to an interpreter built with a board\'s JsVar count)');
    return out;
  }
  for (const id of asked) if (!boardIds().includes(id)) throw new Error(`unknown board "${id}"; boards: ${boardIds().join(', ')}`);
  let ids = asked.length ? asked : boardIds().filter((id) => id !== 'linux' && loadBoard(id).espruino.jsVars === out.interpreterJsVars);
  if (!ids.length) ids = ['linux'];
  for (const id of ids) {
    const f = out.boards[id];
    try {
      const d = await demo(id, log);
      Object.assign(f, d);
      f.withinGoals = f.storage <= f.storageGoal && d.idle <= f.idleGoal && d.peak <= f.peakGoal;
      log(`boards/${id}: within the goals (storage ${f.storageGoal}, idle ${f.idleGoal}, peak ${f.peakGoal}): ${f.withinGoals}`);
    } catch (e: any) {
      f.demoError = String(e.message || e);
      f.withinGoals = false;
      log(`boards/${id}: FAILED ${f.demoError}`);
    }
  }
  return out;
}
