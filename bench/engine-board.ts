// The engine receive-path benchmark, Espruino-safe: the same code runs in Node (against the sources) and,
// bundled, on the interpreter. Streams are built once as a short cycle of 64-byte chunks and replayed, so the
// interpreter's small heap holds them; only engine.rx() runs inside the timed loop.
import { connect, type Engine } from '../src/at/engine';

declare const process: any;

export interface BenchFigures {
  countedBytes: number;
  countedSeconds: number;
  linesBytes: number;
  linesSeconds: number;
  countedData: number;
  urcs: number;
  memBefore: number | null;
  memAfter: number | null;
}

function chunk64(s: string): string[] {
  const out: string[] = [];
  for (let i = 0; i < s.length; i += 64) out.push(s.substr(i, 64));
  return out;
}

/** One cycle of `frames` POP3READ frames: "\r\n+POP3READ: 1,1460\r\n" + 1460 bytes + "\r\n\r\nOK\r\n". */
export function countedCycle(frames: number): string[] {
  let data = '';
  for (let i = 0; i < 1460; i++) data += String.fromCharCode((i * 31 + 7) & 255);
  let s = '';
  for (let f = 0; f < frames; f++) s += '\r\n+POP3READ: 1,1460\r\n' + data + '\r\n\r\nOK\r\n';
  return chunk64(s);
}

/** One cycle of URC lines: +CMTI: "SM",<n> and RING, CR LF framed. */
export function linesCycle(lines: number): string[] {
  let s = '';
  for (let i = 0; i < lines; i++) s += i % 3 === 2 ? '\r\nRING\r\n' : '\r\n+CMTI: "SM",' + (i + 1) + '\r\n';
  return chunk64(s);
}

class NullSerial {
  fn: any;
  on(_e: string, fn: any): void {
    this.fn = fn;
  }
  write(_d: any): void {}
  removeListener(): void {
    this.fn = null;
  }
}

class CountedRun {
  e: Engine;
  bytes: number;
  frames: number;
  cmd: any;
  constructor(e: Engine) {
    this.e = e;
    this.bytes = 0;
    this.frames = 0;
    const self = this;
    this.cmd = {
      line: 'AT+POP3READ=1460',
      counted: ['+POP3READ: 1,', '+POP3READ: 2,'],
      onData: function (c: string) {
        self.bytes += c.length;
      },
    };
    this.next = this.next.bind(this);
  }
  next(err: any): void {
    if (err) {
      if (err.code !== 'E_CLOSED') throw err;
      return;
    }
    this.frames++;
    this.e.send(this.cmd, this.next);
  }
}

function mem(): number | null {
  return typeof process !== 'undefined' && process.memory ? process.memory().usage : null;
}

/** Runs both streams; `now()` in seconds. countedKB/linesKB: how much to feed. */
export function runBench(now: () => number, countedKB: number, linesKB: number, rxBufferSize: number): BenchFigures {
  const cc = countedCycle(4);
  let ccBytes = 0;
  for (let i = 0; i < cc.length; i++) ccBytes += cc[i].length;
  const lc = linesCycle(45);
  let lcBytes = 0;
  for (let i = 0; i < lc.length; i++) lcBytes += lc[i].length;
  const ccRounds = Math.ceil((countedKB * 1024) / ccBytes);
  const lcRounds = Math.ceil((linesKB * 1024) / lcBytes);

  const serial = new NullSerial();
  const e = connect(serial, { rxBufferSize: rxBufferSize, syncOnStart: false, timeout: 600000 });
  const cr = new CountedRun(e);
  let urcs = 0;
  const onUrc = function () {
    urcs++;
  };
  e.urc('+CMTI:', onUrc);
  e.urc('RING', onUrc);
  e.send(cr.cmd, cr.next);
  // warm up (and settle memory): one round of each
  for (let i = 0; i < cc.length; i++) e.rx(cc[i]);
  for (let i = 0; i < lc.length; i++) e.rx(lc[i]);
  cr.bytes = 0;
  urcs = 0;
  // every variable of the timed part exists before the first reading, so the readings differ only by what
  // the engine keeps
  // floats from the start: with "= 0" the readings differed by 3 JsVars whatever the amount fed (measured)
  let t0 = 0.5;
  let countedSeconds = 0.5;
  let linesSeconds = 0.5;
  let r = 0;
  let i = 0;
  const n = cc.length;
  const m = lc.length;
  let memAfter: number | null = 0;
  mem(); // a settling read (garbage collection), then the one that counts
  const memBefore = mem();

  t0 = now();
  for (r = 0; r < ccRounds; r++) for (i = 0; i < n; i++) e.rx(cc[i]);
  countedSeconds = now() - t0;

  t0 = now();
  for (r = 0; r < lcRounds; r++) for (i = 0; i < m; i++) e.rx(lc[i]);
  linesSeconds = now() - t0;

  memAfter = mem();
  const countedData = cr.bytes;
  e.close();
  return {
    countedBytes: ccRounds * ccBytes,
    countedSeconds: countedSeconds,
    linesBytes: lcRounds * lcBytes,
    linesSeconds: linesSeconds,
    countedData: countedData,
    urcs: urcs,
    memBefore: memBefore,
    memAfter: memAfter,
  };
}
