// The receive-path benchmark, Espruino-safe: the same code runs in Node (against the sources) and, bundled, on the
// interpreter, where it drives this project's engine (the s9at module) and an anchor: Espruino's own modules/AT.js,
// used as an AT.js driver would use it. Both get the same byte streams, built once as a short cycle of 64-byte
// chunks and replayed through the serial 'data' listener the engine registered, for at least `minSeconds` per
// workload (whole cycles, the clock read between them); runPair feeds both in one process, in alternating slices.
// A cycle is replayed with forEach: the listener is called natively once per chunk, as a board's serial event calls
// it. (A JS loop reading cycle[i] cost about 37,000 interpreter instructions per chunk, Espruino walking the list
// to element i: a quarter of this engine's time per frame, the same added to both engines, measured with
// callgrind on 2v29.)
//  - counted: "+POP3READ: 1,1460" frames (the data holds "OK", "\r\n" and every byte value), each the answer to
//    its own AT+POP3READ=1460; the next command goes out on the OK.
//  - lines: URC lines (+CMTI: "SM",<n> and RING) with no command in flight, each to a handler.
// What the engines deliver is counted and returned, so the host can check that nothing was lost.
import type { Engine, SerialLike } from '../src/at/engine';

declare const process: any;

export interface Workload {
  bytes: number;
  /** whole cycles fed */
  rounds: number;
  seconds: number;
  /** counted: data bytes delivered and frames ended; lines: handler calls */
  delivered: number;
  frames: number;
  memBefore: number | null;
  memAfter: number | null;
}

export interface BenchFigures {
  counted: Workload;
  lines: Workload;
  /** what one cycle brings: data bytes and frames, URC lines */
  cycleData: number;
  cycleFrames: number;
  cycleUrcs: number;
}

const FRAME_DATA = 1460;
const CYCLE_FRAMES = 4;
const CYCLE_LINES = 45;

function chunk64(s: string): string[] {
  const out: string[] = [];
  for (let i = 0; i < s.length; i += 64) out.push(s.substr(i, 64));
  return out;
}

/** One cycle of `frames` POP3READ frames: "\r\n+POP3READ: 1,1460\r\n" + 1460 bytes + "\r\n\r\nOK\r\n". */
export function countedCycle(frames: number): string[] {
  let data = '';
  for (let i = 0; i < FRAME_DATA; i++) data += String.fromCharCode((i * 31 + 7) & 255);
  // a final and a URC inside the data, where a scanning reader would stop
  const inside = '\r\nOK\r\n+SMTPSEND: 1\r\n';
  data = data.substr(0, 500) + inside + data.substr(500 + inside.length);
  let s = '';
  for (let f = 0; f < frames; f++) s += '\r\n+POP3READ: 1,' + FRAME_DATA + '\r\n' + data + '\r\n\r\nOK\r\n';
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

function mem(): number | null {
  return typeof process !== 'undefined' && process.memory ? process.memory().usage : null;
}

/** What a benchmark drives: counted reads started and stopped, URC handlers counted. */
interface Driver {
  serial: NullSerial;
  st: { data: number; frames: number; urcs: number; stop: boolean };
  startCounted(): void;
  startLines(): void;
}

function workload(now: () => number, minSeconds: number, cycle: string[], d: Driver, delivered: () => number): Workload {
  const feed = d.serial.fn;
  let bytes = 0;
  for (let i = 0; i < cycle.length; i++) bytes += cycle[i].length;
  // warm up (and settle memory) with one cycle; every variable of the timed part exists before the first reading,
  // so the readings differ only by what the engine keeps (floats from the start: "= 0" cost 3 JsVars, measured)
  cycle.forEach(feed);
  d.st.data = d.st.frames = d.st.urcs = 0;
  let t0 = 0.5;
  let t = 0.5;
  let rounds = 0;
  let memAfter: number | null = 0;
  mem(); // a settling read (garbage collection), then the one that counts
  const memBefore = mem();
  t0 = now();
  do {
    cycle.forEach(feed);
    rounds++;
    t = now() - t0;
  } while (t < minSeconds);
  memAfter = mem();
  return { bytes: rounds * bytes, rounds: rounds, seconds: t, delivered: delivered(), frames: d.st.frames, memBefore: memBefore, memAfter: memAfter };
}

function run(now: () => number, minSeconds: number, d: Driver): BenchFigures {
  const cc = countedCycle(CYCLE_FRAMES);
  const lc = linesCycle(CYCLE_LINES);
  d.startCounted();
  const counted = workload(now, minSeconds, cc, d, function () {
    return d.st.data;
  });
  // one more cycle, untimed, whose last OK ends the reads: the lines run with no command in flight
  d.st.stop = true;
  for (let i = 0; i < cc.length; i++) d.serial.fn(cc[i]);
  d.startLines();
  const lines = workload(now, minSeconds, lc, d, function () {
    return d.st.urcs;
  });
  return { counted: counted, lines: lines, cycleData: CYCLE_FRAMES * FRAME_DATA, cycleFrames: CYCLE_FRAMES, cycleUrcs: CYCLE_LINES };
}

/** This project's engine: `at` is the s9at module (src/at/engine.ts). */
function oursDriver(at: { connect: (s: SerialLike, o: any) => Engine }, rxBufferSize: number): Driver & { close(): void } {
  const serial = new NullSerial();
  const e = at.connect(serial, { rxBufferSize: rxBufferSize, syncOnStart: false, timeout: 600000 });
  const st = { data: 0, frames: 0, urcs: 0, stop: false };
  const cmd = {
    line: 'AT+POP3READ=1460',
    counted: ['+POP3READ: 1,', '+POP3READ: 2,'],
    onData: function (c: string) {
      st.data += c.length;
    },
  };
  const next = function (err: any): void {
    if (err) throw err;
    st.frames++;
    if (!st.stop) e.send(cmd, next);
  };
  const onUrc = function () {
    st.urcs++;
  };
  return {
    serial: serial,
    st: st,
    startCounted: function () {
      e.send(cmd, next);
    },
    startLines: function () {
      e.urc('+CMTI:', onUrc);
      e.urc('RING', onUrc);
    },
    close: function () {
      e.close();
    },
  };
}

/**
 * The anchor, Espruino's modules/AT.js (exports.connect(serial) -> cmd, register, registerLine, getData), used the
 * way its drivers read counted data: a handler on the header line takes what of the data has arrived and asks
 * getData for the rest.
 */
function anchorDriver(AT: { connect: (s: any) => any }): Driver {
  const serial = new NullSerial();
  const at = AT.connect(serial);
  const st = { data: 0, frames: 0, urcs: 0, stop: false };
  const onData = function (c: string) {
    st.data += c.length;
  };
  const header = function (l: string): string {
    const e = l.indexOf('\r\n');
    if (e < 0) return l; // the header line is not complete yet
    const k = +l.substring(l.indexOf(',') + 1, e);
    const rest = l.substr(e + 2);
    if (rest.length >= k) {
      onData(rest.substr(0, k));
      return rest.substr(k);
    }
    if (rest.length) onData(rest);
    at.getData(k - rest.length, onData);
    return '';
  };
  const read = 'AT+POP3READ=1460\r';
  const answer = function (l?: string): any {
    if (l === undefined) throw new Error('AT.js: AT+POP3READ timed out');
    if (l != 'OK') return answer;
    st.frames++;
    if (!st.stop) at.cmd(read, 600000, answer);
  };
  const onUrc = function () {
    st.urcs++;
  };
  return {
    serial: serial,
    st: st,
    startCounted: function () {
      at.register('+POP3READ:', header);
      at.cmd(read, 600000, answer);
    },
    startLines: function () {
      at.unregister('+POP3READ:');
      at.registerLine('+CMTI:', onUrc);
      at.registerLine('RING', onUrc);
    },
  };
}

/** This project's engine alone, with memory readings around each workload. */
export function runOurs(now: () => number, minSeconds: number, at: { connect: (s: SerialLike, o: any) => Engine }, rxBufferSize: number): BenchFigures {
  const d = oursDriver(at, rxBufferSize);
  const f = run(now, minSeconds, d);
  d.close();
  return f;
}

/** The anchor alone. */
export function runAnchor(now: () => number, minSeconds: number, AT: { connect: (s: any) => any }): BenchFigures {
  return run(now, minSeconds, anchorDriver(AT));
}

/** Both engines in one process, each workload fed to them in alternating slices of about 50 ms. */
export interface PairFigures {
  ours: BenchFigures;
  anchor: BenchFigures;
}

function slices(now: () => number, minSeconds: number, cycle: string[], a: Driver, b: Driver, what: (d: Driver) => number): Workload[] {
  let bytes = 0;
  for (let i = 0; i < cycle.length; i++) bytes += cycle[i].length;
  const w: Workload[] = [];
  const ds = [a, b];
  for (let j = 0; j < 2; j++) {
    // a warm-up cycle each, then the counts start
    cycle.forEach(ds[j].serial.fn);
    ds[j].st.data = ds[j].st.frames = ds[j].st.urcs = 0;
    w.push({ bytes: 0, rounds: 0, seconds: 0, delivered: 0, frames: 0, memBefore: null, memAfter: null });
  }
  let t0 = 0.5;
  let t = 0.5;
  let k = 0;
  let j = 0;
  let feed: any = null;
  // (each slice of one engine is followed by one of the other, the first of a pair changing every time, so a machine
  // that speeds up or slows down favours neither)
  for (k = 0; w[0].seconds < minSeconds || w[1].seconds < minSeconds; k++) {
    for (let m = 0; m < 2; m++) {
      j = (k + m) % 2;
      feed = ds[j].serial.fn;
      t0 = now();
      do {
        cycle.forEach(feed);
        w[j].rounds++;
        t = now() - t0;
      } while (t < 0.05);
      w[j].seconds += t;
    }
  }
  for (j = 0; j < 2; j++) {
    w[j].bytes = w[j].rounds * bytes;
    w[j].delivered = what(ds[j]);
    w[j].frames = ds[j].st.frames;
  }
  return w;
}

export function runPair(now: () => number, minSeconds: number, at: { connect: (s: SerialLike, o: any) => Engine }, rxBufferSize: number, AT: { connect: (s: any) => any }): PairFigures {
  const a = oursDriver(at, rxBufferSize);
  const b = anchorDriver(AT);
  const cc = countedCycle(CYCLE_FRAMES);
  const lc = linesCycle(CYCLE_LINES);
  a.startCounted();
  b.startCounted();
  const counted = slices(now, minSeconds, cc, a, b, function (d) {
    return d.st.data;
  });
  // one more cycle each, untimed, whose last OK ends the reads: the lines run with no command in flight
  a.st.stop = b.st.stop = true;
  for (let i = 0; i < cc.length; i++) a.serial.fn(cc[i]), b.serial.fn(cc[i]);
  a.startLines();
  b.startLines();
  const lines = slices(now, minSeconds, lc, a, b, function (d) {
    return d.st.urcs;
  });
  a.close();
  const fig = function (j: number): BenchFigures {
    return { counted: counted[j], lines: lines[j], cycleData: CYCLE_FRAMES * FRAME_DATA, cycleFrames: CYCLE_FRAMES, cycleUrcs: CYCLE_LINES };
  };
  return { ours: fig(0), anchor: fig(1) };
}
