// The host sandbox: runs a board's Storage modules the way a board does, in a Node vm context that offers the Espruino
// globals the project uses and lacks what Espruino lacks (Map, Set, Symbol, Array.from, ...).
import * as vm from 'node:vm';
import { readFileSync } from 'node:fs';
import { builtFiles } from './build';
import { lacksScript } from './espruino-lacks';
import { detokenise } from './pretokenise';
import { FolderStorage } from './storage';

type Listener = (...args: any[]) => void;

/** A small event emitter with Espruino's method names, shared by ports and E. */
class Emitter {
  private listeners: Record<string, Listener[]> = {};
  on(ev: string, fn: Listener): void {
    (this.listeners[ev] = this.listeners[ev] || []).push(fn);
  }
  removeListener(ev: string, fn: Listener): void {
    const l = this.listeners[ev];
    if (l) this.listeners[ev] = l.filter((f) => f !== fn);
  }
  removeAllListeners(ev?: string): void {
    if (ev === undefined) this.listeners = {};
    else delete this.listeners[ev];
  }
  emit(ev: string, ...args: any[]): void {
    for (const fn of (this.listeners[ev] || []).slice()) fn(...args);
  }
  listenerCount(ev: string): number {
    return (this.listeners[ev] || []).length;
  }
}

/** Converts what Espruino's Serial.write/E.toUint8Array accept into bytes. */
export function toBytes(data: any): Buffer {
  if (data === undefined || data === null) return Buffer.alloc(0);
  if (typeof data === 'string') return Buffer.from(data, 'latin1');
  if (typeof data === 'number') return Buffer.from([data & 255]);
  if (Buffer.isBuffer(data)) return data;
  if (ArrayBuffer.isView(data)) return Buffer.from(new Uint8Array(data.buffer, data.byteOffset, data.byteLength));
  if (data instanceof ArrayBuffer || Object.prototype.toString.call(data) === '[object ArrayBuffer]') return Buffer.from(new Uint8Array(data));
  if (Array.isArray(data) || (typeof data === 'object' && typeof data.length === 'number')) {
    const parts: Buffer[] = [];
    for (let i = 0; i < data.length; i++) parts.push(toBytes(data[i]));
    return Buffer.concat(parts);
  }
  if (typeof data === 'object' && 'data' in data) {
    const one = toBytes(data.data);
    const count = typeof data.count === 'number' ? data.count : 1;
    return Buffer.concat(new Array(count).fill(one));
  }
  return Buffer.from(String(data), 'latin1');
}

/** A board's serial port as the board code sees it; the host side feeds it bytes and reads what it writes. */
export class HostPort extends Emitter {
  baud = 0;
  options: any = null;
  written: Buffer[] = [];
  private writeHooks: ((b: Buffer) => void)[] = [];
  private pending: Buffer[] = [];
  private scheduled = false;
  constructor(readonly name: string, private readonly schedule: (fn: () => void) => void) {
    super();
  }
  // --- board side (Espruino Serial API) ---
  setup(baud: number, options?: any): void {
    this.baud = baud;
    this.options = options || {};
  }
  write(...data: any[]): void {
    const b = toBytes(data.length === 1 ? data[0] : data);
    if (!b.length) return;
    this.written.push(b);
    for (const fn of this.writeHooks) fn(b);
  }
  print(s: any): void {
    this.write(String(s));
  }
  println(s: any): void {
    this.write(String(s) + '\r\n');
  }
  // --- host side ---
  /** Bytes from the module to the bundle: delivered as 'data' events carrying binary strings, from the idle loop. */
  feed(data: string | Uint8Array): void {
    const b = toBytes(data);
    if (!b.length) return;
    this.pending.push(b);
    if (this.scheduled) return;
    this.scheduled = true;
    this.schedule(() => {
      this.scheduled = false;
      const chunk = Buffer.concat(this.pending.splice(0));
      this.emit('data', chunk.toString('latin1'));
    });
  }
  onWrite(fn: (b: Buffer) => void): void {
    this.writeHooks.push(fn);
  }
  writtenText(): string {
    return Buffer.concat(this.written).toString('latin1');
  }
}

export interface SandboxOptions {
  /** board id: its Storage files (build/<board>/) are written to Storage first */
  board?: string;
  /** folder behind require("Storage"); a fresh temporary one when absent */
  storageDir?: string;
  /** bytes of the Storage area (default 1 MB; a write beyond it throws, as on a board whose Storage is full) */
  storageBytes?: number;
  /** run .bootcde (the example app starts from mail.json) as at power-up; default false */
  boot?: boolean;
  /** console.log of the board; silent by default */
  log?: (...args: any[]) => void;
  /** extra globals */
  globals?: Record<string, any>;
}

export interface Sandbox {
  /** require() on the board: a Storage module (s9mail, ...) or "Storage" */
  require(name: string): any;
  context: vm.Context;
  ports: Record<string, HostPort>;
  storage: FolderStorage;
  pins: Record<string, number>;
  /** names of the modules in the module cache */
  cached(): string[];
  /** runs code in the sandbox, like typing it at the board's console */
  run(code: string): any;
  /** runs .bootcde, as at power-up */
  boot(): void;
  /** Espruino-like memory units for what the board code keeps reachable from its globals and module cache */
  memory(): { usage: number; total: number; free: number };
  /** stops every timer; the sandbox is dead after this, like a board whose power was cut */
  close(): void;
}

const PORT_NAMES = ['Serial1', 'Serial2', 'Serial3', 'Serial4', 'USB', 'Bluetooth', 'LoopbackA', 'LoopbackB'];

/**
 * A board in a Node vm context: Espruino's globals, its Storage (the board's modules written to it), require() of
 * Storage modules with a module cache and Modules.removeCached, and what Espruino lacks taken away (ESPRUINO_LACKS).
 */
export function bootSandbox(opts: SandboxOptions = {}): Sandbox {
  const timers = new Map<number, NodeJS.Timeout>();
  let nextTimer = 1;
  let closed = false;
  const start = process.hrtime.bigint();
  const schedule = (fn: () => void): void => {
    setImmediate(() => {
      if (!closed) fn();
    });
  };
  const storage = new FolderStorage(opts.storageDir);
  if (opts.storageBytes) storage.capacity = opts.storageBytes;
  if (opts.board) {
    const files = builtFiles(opts.board);
    for (const n of Object.keys(files)) if (storage.read(n) !== files[n]) storage.write(n, files[n]);
  }
  const ports: Record<string, HostPort> = {};
  for (const n of PORT_NAMES) ports[n] = new HostPort(n, schedule);
  const pins: Record<string, number> = {};
  const E = new Emitter() as any;
  const log = opts.log ?? (() => {});
  const cache: Record<string, any> = {};

  const addTimer = (fn: any, ms: number, repeat: boolean, args: any[]): number => {
    const id = nextTimer++;
    const run = (): void => {
      if (closed) return;
      if (!repeat) timers.delete(id);
      fn(...args);
    };
    timers.set(id, repeat ? setInterval(run, Math.max(0, ms || 0)) : setTimeout(run, Math.max(0, ms || 0)));
    return id;
  };
  const clearTimer = (...a: any[]): void => {
    // Espruino: clearTimeout(undefined) throws; clearTimeout() clears every timer
    if (a.length && a[0] === undefined) throw new Error('clearTimeout(undefined) not allowed. Use clearTimeout() instead');
    if (!a.length) return [...timers.keys()].forEach((id) => clearTimer(id));
    const t = timers.get(a[0]);
    if (t) {
      clearTimeout(t);
      clearInterval(t);
      timers.delete(a[0]);
    }
  };

  /** Module code (plain or pretokenised: bytes from 0x80 are Espruino's tokens, text again for V8) -> its exports. */
  const evalModule = (code: string, name: string, text = false): any => {
    if (!text && /[\x80-\xff]/.test(code)) code = detokenise(code);
    const module = vm.runInContext('({exports: {}})', context);
    vm.runInContext(`(function (exports, module) {\n${code}\n})`, context, { filename: name })(module.exports, module);
    return module.exports;
  };

  const sandbox: any = {
    console: { log, warn: log, error: log, info: log },
    print: log,
    setTimeout: (fn: any, ms: number, ...args: any[]) => addTimer(fn, ms, false, args),
    setInterval: (fn: any, ms: number, ...args: any[]) => addTimer(fn, ms, true, args),
    clearTimeout: clearTimer,
    clearInterval: clearTimer,
    getTime: () => Number(process.hrtime.bigint() - start) / 1e9,
    digitalWrite: (pin: any, v: any) => {
      pins[String(pin)] = v ? 1 : 0;
    },
    digitalRead: (pin: any) => pins[String(pin)] ?? 0,
    digitalPulse: (pin: any, v: boolean, ms: number | number[]) => {
      pins[String(pin)] = v ? 1 : 0;
      const total = Array.isArray(ms) ? ms.reduce((a, b) => a + b, 0) : ms;
      setTimeout(() => {
        pins[String(pin)] = v ? 0 : 1;
      }, total);
    },
    pinMode: () => {},
    setWatch: () => 1,
    btoa: (s: string) => Buffer.from(String(s), 'latin1').toString('base64'),
    atob: (s: string) => Buffer.from(String(s).replace(/[^A-Za-z0-9+/=]/g, ''), 'base64').toString('latin1'),
    process: {
      version: '2v29',
      env: { VERSION: '2v29', BOARD: 'SANDBOX' },
      memory: () => memory(),
    },
    require: (name: string) => {
      if (name === 'Storage') return storage.api;
      if (name in cache) return cache[name];
      const code = storage.read(name);
      if (code === undefined) throw new Error(`Module ${name} not found`);
      return (cache[name] = evalModule(code, name));
    },
    Modules: {
      removeCached: (name: string) => {
        if (!(name in cache)) throw new Error(`Module "${name}" not found`);
        delete cache[name];
      },
      addCached: (name: string, code: any) => {
        // Espruino evaluates a function's body as the module code (as the Web IDE sends modules)
        // (a function is JavaScript already: V8 compiled it, so bytes from 0x80 in it are characters, not tokens)
        const fn = typeof code === 'function';
        if (fn) code = String(code).replace(/^[^{]*\{/, '').replace(/\}\s*$/, '');
        cache[name] = evalModule(code, name, fn);
      },
      getCached: () => Object.keys(cache),
    },
    E,
  };
  for (const n of PORT_NAMES) sandbox[n] = ports[n];
  Object.assign(sandbox, opts.globals || {});
  sandbox.global = sandbox;
  const context = vm.createContext(sandbox, { name: 'espruino-sandbox' });

  // E's functions must produce the context's own typed arrays and strings.
  const CtxUint8Array = vm.runInContext('Uint8Array', context) as Uint8ArrayConstructor;
  E.toUint8Array = (...args: any[]) => {
    const b = toBytes(args.length === 1 ? args[0] : args);
    const out = new CtxUint8Array(b.length);
    out.set(b);
    return out;
  };
  E.toString = (...args: any[]) => toBytes(args.length === 1 ? args[0] : args).toString('latin1');
  E.getSizeOf = (v: any) => countVars(v, new WeakSet(intrinsics));
  E.kickWatchdog = () => {
    E.watchdogKicks = (E.watchdogKicks || 0) + 1;
  };
  E.enableWatchdog = (timeout: number) => {
    E.watchdogTimeout = timeout;
  };
  E.getErrorFlags = () => vm.runInContext('[]', context);
  E.reboot = () => {
    throw new Error('E.reboot() called in the sandbox');
  };
  vm.runInContext(lacksScript(), context);

  const intrinsics: object[] = vm.runInContext('[Object.prototype, Array.prototype, Function.prototype, Uint8Array.prototype, String.prototype]', context);
  function memory(): { usage: number; total: number; free: number } {
    const seen = new WeakSet<object>(intrinsics);
    let usage = 0;
    for (const k of Object.keys(sandbox)) {
      if (k in BUILTIN_KEYS) continue;
      usage += 1 + countVars(sandbox[k], seen);
    }
    for (const k of Object.keys(cache)) usage += 1 + countVars(cache[k], seen);
    const total = 40000;
    return { usage, total, free: total - usage };
  }

  const sb: Sandbox = {
    require: (name: string) => sandbox.require(name),
    context,
    ports,
    storage,
    pins,
    cached: () => Object.keys(cache),
    run: (src: string) => vm.runInContext(src, context),
    boot: () => {
      const code = storage.read('.bootcde');
      if (code !== undefined) vm.runInContext(code, context, { filename: '.bootcde' });
    },
    memory,
    close: () => {
      closed = true;
      for (const id of [...timers.keys()]) clearTimer(id);
      for (const p of Object.values(ports)) p.removeAllListeners();
      E.emit('kill');
    },
  };
  if (opts.boot) sb.boot();
  return sb;
}

const BUILTIN_KEYS: Record<string, 1> = {
  console: 1, print: 1, setTimeout: 1, setInterval: 1, clearTimeout: 1, clearInterval: 1, getTime: 1,
  digitalWrite: 1, digitalRead: 1, digitalPulse: 1, pinMode: 1, btoa: 1, atob: 1, process: 1, require: 1, E: 1,
  global: 1, Modules: 1, setWatch: 1, Serial1: 1, Serial2: 1, Serial3: 1, Serial4: 1, USB: 1, Bluetooth: 1, LoopbackA: 1, LoopbackB: 1,
};

/**
 * Espruino-like count of variables held by a value: one per object, property and array element, strings and
 * typed arrays by 12-byte blocks. Only what is reachable through properties is seen (closures are opaque).
 */
export function countVars(v: any, seen: WeakSet<object>): number {
  if (v === null || v === undefined) return 0;
  const t = typeof v;
  if (t === 'number' || t === 'boolean') return 0;
  if (t === 'string') return Math.ceil(v.length / 12);
  if (t !== 'object' && t !== 'function') return 1;
  if (seen.has(v)) return 0;
  seen.add(v);
  if (ArrayBuffer.isView(v)) return 1 + Math.ceil(v.byteLength / 12);
  if (t === 'function') {
    let n = 1;
    if (v.prototype && typeof v.prototype === 'object') n += countVars(v.prototype, seen);
    return n;
  }
  let n = 1;
  for (const k of Object.getOwnPropertyNames(v)) {
    const d = Object.getOwnPropertyDescriptor(v, k);
    n += 1 + (d && 'value' in d ? countVars(d.value, seen) : 0);
  }
  const proto = Object.getPrototypeOf(v);
  if (proto) n += countVars(proto, seen);
  return n;
}
