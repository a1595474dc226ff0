// npm run flash: the command line and the mail.json it uploads, checked before anything is built or connected.
import { readFileSync, statSync } from 'node:fs';
import { boardIds } from './boards';

export const DEFAULT_BAUD = 9600;
/** mail.json is small; refuse anything that would not be a mail configuration */
export const MAX_CONFIG_BYTES = 4096;

export const USAGE = `usage: npm run flash -- --board <id> --port <serial path | tcp://host:port> [options]
  --board <id>        one of: ${boardIds().join(', ')}
  --port <p>          a serial port (/dev/ttyACM0, /dev/ttyUSB0, COM3) or a network console tcp://host:port
  --baud <n>          serial baud rate of the upload link (default ${DEFAULT_BAUD}; serial ports only)
  --config <file>     a mail.json for the example app, written to the board's Storage as "mail.json"
                      (without it, a mail.json already on the board stays)
  --fast              send the writes ourselves, each as soon as the board has finished the one before (instead of
                      the espruino CLI with a pause after each write)
  --check             only compare the board's Storage with a fresh build (and --config): no upload, no reset
  --dry-run           print what would be sent and write it to a file; connect to nothing
  --script <file.js>  your own script instead of the example app: the published modules it require()s (build/modules,
                      after a modules/ folder beside the script) are found by the espruino CLI's module resolution,
                      the whole is pretokenised (strings stay in flash) and stored as .bootcde, run at every power-up
Builds the board into build/<id>/ and writes every file of it to the board's Storage (the s9* modules, the command
table s9cmd, .bootcde), byte for byte; refuses when they do not fit the board's Storage. Then reads back each file's
size and CRC32s from the board and fails on any difference or interpreter error. s9* files a previous flash left are
erased. Then load() starts the example app, as at every power-up.`;

export class UsageError extends Error {}

export interface FlashOptions {
  board: string;
  port: string;
  baud?: number;
  config?: string;
  fast: boolean;
  dryRun: boolean;
  check: boolean;
  script?: string;
}

export interface TcpPort {
  host: string;
  port: number;
}

const VALUE_OPTIONS = ['--board', '--port', '--baud', '--config', '--script'];
const FLAG_OPTIONS = ['--fast', '--dry-run', '--check'];

/** Parses the command line; every problem is a UsageError with a message that says what to do. */
export function parseArgs(argv: string[]): FlashOptions {
  const seen: Record<string, string> = {};
  const flags: Record<string, boolean> = {};
  for (let i = 0; i < argv.length; i++) {
    let a = argv[i];
    let value: string | undefined;
    const eq = a.indexOf('=');
    if (a.startsWith('--') && eq > 0) {
      value = a.slice(eq + 1);
      a = a.slice(0, eq);
    }
    if (FLAG_OPTIONS.includes(a)) {
      if (value !== undefined) throw new UsageError(`${a} takes no value`);
      flags[a] = true;
      continue;
    }
    if (!VALUE_OPTIONS.includes(a)) {
      throw new UsageError(a.startsWith('-') ? `unknown option ${a}` : `unexpected argument "${a}" (options start with --)`);
    }
    if (value === undefined) {
      value = argv[i + 1];
      if (value === undefined || value.startsWith('--')) throw new UsageError(`${a} needs a value`);
      i++;
    }
    if (a in seen) throw new UsageError(`${a} given twice`);
    if (value === '') throw new UsageError(`${a} needs a value`);
    seen[a] = value;
  }
  const ids = boardIds();
  if (!seen['--board']) throw new UsageError(`missing --board <id>; boards: ${ids.join(', ')}`);
  if (!ids.includes(seen['--board'])) throw new UsageError(`unknown board "${seen['--board']}"; boards: ${ids.join(', ')}`);
  if (!seen['--port']) throw new UsageError('missing --port <serial path | tcp://host:port>');
  const port = seen['--port'];
  const tcp = parseTcpPort(port);
  if (!tcp) checkSerialPath(port);
  const opts: FlashOptions = { board: seen['--board'], port, fast: !!flags['--fast'], dryRun: !!flags['--dry-run'], check: !!flags['--check'] };
  if (opts.check && opts.dryRun) throw new UsageError('--check and --dry-run do not go together (--check only reads the board)');
  if (seen['--baud'] !== undefined) {
    if (tcp) throw new UsageError('--baud applies to serial ports only, not to ' + port);
    const b = seen['--baud'];
    if (!/^[0-9]+$/.test(b) || Number(b) < 300 || Number(b) > 4000000) throw new UsageError(`--baud must be a whole number from 300 to 4000000, not "${b}"`);
    opts.baud = Number(b);
  }
  if (seen['--config'] !== undefined) opts.config = seen['--config'];
  if (seen['--script'] !== undefined) {
    opts.script = seen['--script'];
    let ok = false;
    try {
      ok = statSync(opts.script).isFile();
    } catch (e) {
      // (said below)
    }
    if (!ok) throw new UsageError(`--script ${opts.script}: no such file`);
  }
  return opts;
}

/** tcp://host:port → {host, port}; null when `p` is not a tcp:// address; UsageError when it is one but malformed. */
export function parseTcpPort(p: string): TcpPort | null {
  if (!/^tcp:\/\//i.test(p)) return null;
  const m = /^tcp:\/\/([A-Za-z0-9._-]+):([0-9]+)$/i.exec(p);
  if (!m) {
    throw new UsageError(`--port ${JSON.stringify(p)}: expected tcp://host:port with a host name or IPv4 address and a port number (the espruino CLI cannot use IPv6 addresses)`);
  }
  const port = Number(m[2]);
  if (port < 1 || port > 65535) throw new UsageError(`--port ${p}: port ${m[2]} is out of range 1-65535`);
  return { host: m[1], port };
}

function checkSerialPath(p: string): void {
  if (/^([0-9a-f]{2}:){5}[0-9a-f]{2}$/i.test(p)) throw new UsageError(`--port ${p} looks like a Bluetooth address; flash works over serial ports and tcp:// only`);
  if (/^[a-z][a-z0-9+.-]*:\/\//i.test(p)) throw new UsageError(`--port ${p}: only serial paths and tcp://host:port are supported`);
  if (!(p.startsWith('/') || /^COM[0-9]+$/i.test(p))) throw new UsageError(`--port ${JSON.stringify(p)}: expected an absolute serial device path (e.g. /dev/ttyACM0), COMn, or tcp://host:port`);
  // the CLI takes any argument containing ".js" after -p for the file to upload
  if (/\.js/i.test(p)) throw new UsageError(`--port ${p}: the espruino CLI cannot take a port path containing ".js"`);
}

/**
 * Reads and checks a mail.json for the example app (src/app/example.ts). Messages name keys only: no value of the
 * file (passwords!) ever reaches the output. Returns the file re-serialised compactly.
 */
export function readMailConfig(file: string): string {
  let st;
  try {
    st = statSync(file);
  } catch (e: any) {
    throw new UsageError(`--config ${file}: ${e.code === 'ENOENT' ? 'no such file' : 'cannot read it (' + e.code + ')'}`);
  }
  if (!st.isFile()) throw new UsageError(`--config ${file}: not a file`);
  if (st.size > MAX_CONFIG_BYTES) throw new UsageError(`--config ${file}: ${st.size} bytes is too big for a mail configuration (at most ${MAX_CONFIG_BYTES})`);
  const text = readFileSync(file, 'utf8');
  let cfg: any;
  try {
    cfg = JSON.parse(text);
  } catch (e: any) {
    // V8's message may quote the file: report a position only
    const m = /position (\d+)/.exec(String(e && e.message));
    let where = '';
    if (m) {
      const before = text.slice(0, Number(m[1]));
      const line = before.split('\n').length;
      where = ` (line ${line}, column ${Number(m[1]) - before.lastIndexOf('\n')})`;
    }
    throw new UsageError(`--config ${file}: not valid JSON${where}`);
  }
  const problems = mailConfigProblems(cfg);
  if (problems.length) throw new UsageError(`--config ${file}: ${problems.join('; ')}`);
  return JSON.stringify(cfg);
}

/** What the example app needs from mail.json; messages never quote values. */
export function mailConfigProblems(cfg: any): string[] {
  const out: string[] = [];
  if (cfg === null || typeof cfg !== 'object' || Array.isArray(cfg)) return ['expected a JSON object like {"to": [...], "smtp": {"host": ...}}'];
  const isText = (v: any) => typeof v === 'string' && v.trim() !== '';
  if (!('to' in cfg)) out.push('"to" is missing (the alert recipients: an address or a list of addresses)');
  else if (!(isText(cfg.to) || (Array.isArray(cfg.to) && cfg.to.length > 0 && cfg.to.every(isText)))) {
    out.push('"to" must be an address or a non-empty list of addresses (strings)');
  }
  checkServer(cfg, 'smtp', true, out);
  checkServer(cfg, 'pop3', false, out);
  if ('inbox' in cfg && !('pop3' in cfg)) out.push('"inbox" needs a "pop3" server');
  if ('baud' in cfg && !(Number.isInteger(cfg.baud) && cfg.baud > 0)) out.push('"baud" must be a positive whole number');
  return out;
}

function checkServer(cfg: any, key: string, required: boolean, out: string[]): void {
  if (!(key in cfg)) {
    if (required) out.push(`"${key}" is missing (an object with at least "host")`);
    return;
  }
  const s = cfg[key];
  if (s === null || typeof s !== 'object' || Array.isArray(s)) {
    out.push(`"${key}" must be an object with at least "host"`);
    return;
  }
  if (typeof s.host !== 'string' || s.host.trim() === '') out.push(`"${key}.host" is missing or empty`);
  if ('port' in s && !(Number.isInteger(s.port) && s.port >= 1 && s.port <= 65535)) out.push(`"${key}.port" must be a whole number from 1 to 65535`);
  for (const k of ['user', 'password']) if (k in s && typeof s[k] !== 'string') out.push(`"${key}.${k}" must be a string`);
}
