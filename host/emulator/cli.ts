// `npm run emulator -- --pty /tmp/sim900 --smtp 127.0.0.1:2525 --pop3 127.0.0.1:1110 --baud 115200 --seed 1`
// Starts a SIM900 emulator on a pseudo-terminal (socat), on a TCP port, or on stdin/stdout.

import * as net from 'node:net';
import { existsSync, readFileSync, statSync } from 'node:fs';
import { dirname, resolve } from 'node:path';
import { Sim900Emulator } from './sim900';
import { servePty } from './pty';
import type { PartialOptions, Faults } from './options';
import { traceToFile } from '../trace';

export const HELP = `SIM900 emulator

  --pty <path>          link a pseudo-terminal at <path> (needs socat) and serve the module on it
  --tcp <port>          serve the module on 127.0.0.1:<port> instead (one client at a time)
  --stdio               serve the module on stdin/stdout
  --smtp <host:port>    connect every AT+SMTPSEND to this server, whatever AT+SMTPSRV says
  --pop3 <host:port>    connect every AT+POP3IN to this server, whatever AT+POP3SRV says
  --baud <n>            pace output at n baud (10 bits per byte); 0 = no pacing (default 0)
  --seed <n>            seed of every random choice (default 1)
  --dialect sim900|sim800   body entry with "> " prompt (sim900) or AT+SMTPBODY=<len> + DOWNLOAD (sim800)
  --emailssl on|off     the firmware has AT+EMAILSSL (default: sim800 on, sim900 off)
  --tls-verify <ca.pem> the module verifies the servers' certificates against these authorities (default: it
                        does not verify; a refused certificate ends the session with 63)
  --tls-max 1.2|1.3     newest TLS version the module speaks (default 1.2)
  --chunk <n>           split output into random chunks of 1..n bytes
  --noise-rate <p>      probability of a noise URC (RING, +CMTI, +CREG, Call Ready, ...) at each line boundary
                        (--noise is the same)
  --reset-rate <p>      probability of a module reset per SMTP stage / attachment chunk / AT+POP3READ
  --reset-in-data-rate <p>  probability of a reset inside a counted POP3READ block (then a 2 s pause, boot URCs)
  --bearer-loss-rate <p>    probability of "+SAPBR 1: DEACT" per SMTP stage / chunk / POP3 command / POP3READ block
  --tcp-drop-rate <p>   probability of a dropped TCP connection (63) at the same points
  --ft-short-rate <p>   probability that AT+SMTPFT=<n> is confirmed with fewer bytes ("+SMTPFT: 2,<cnf < n>")
  --ft-max-vary         each "+SMTPFT: 1,<max>" announces a random maximum in [64, 1360]
  --smtp-stage-delay <ms|min-max>  extra time of each SMTP server step (beyond AT+EMAILTO: +SMTPSEND: 64)
  --pop3-stage-delay <ms|min-max>  extra time of each POP3 server answer (beyond AT+EMAILTO: 64)
  --fast                no bearer/network delays (default: SAPBR open 1-3 s, close 0.5-1.5 s)
  --clear-after-send    clear the mail settings after each AT+SMTPSEND
  --pop3-ok             POP3READ data includes the server's +OK line (default: left out)
  --no-pop3-dot         POP3READ data excludes the final "." line (default: included)
  --pop3-unstuff        POP3READ data has the server's dot-stuffing removed (default: kept, "..x" stays "..x")
  --early-data drop|keep    bytes written before DOWNLOAD, "> " or "+SMTPFT: 2,<n>" are dropped (default) or
                        taken as the first data bytes
  --prompt-delay <ms|min-max>  time before DOWNLOAD, "> " and "+SMTPFT: 2,<n>" (default 0; real modules take 20-80)
  --imei <15 digits>    AT+CGSN / AT+GSN (default 861234567890127)
  --ccid <digits>       AT+CCID (default 89010010000000000019)
  --revision <text>     AT+CGMR / AT+GMR (default 1137B03SIM900M64_ST_MMS, sim800 1418B04SIM800L24)
  --operator <long,short,numeric>  AT+COPS (default "Test Network,TEST,00101")
  --registration <stat> the network's answer: 1 home (default), 5 roaming, 0/2/3 never registered
  --register-delay <ms|min-max>  searching (+CREG stat 2) this long after power-on and AT+CFUN=1 (default 0)
  --pop3-rate <Bps>     POP3 downlink throughput (bytes/s), 0 = unlimited
  --log                 print the UART traffic to stderr
  --trace <file.html>   write the AT session as one self-contained HTML page (timeline by mail step, commands,
                        answers, URCs, data sizes, errors highlighted): rewritten after final results (at most
                        once a second) and every 5 s while traffic comes, and a last time when the emulator stops
  --help
`;

function hostPort(s: string): { host: string; port: number } {
  const m = /^(.+):(\d{1,5})$/.exec(s);
  if (!m) throw new Error(`expected host:port, got "${s}"`);
  return { host: m[1], port: Number(m[2]) };
}

function num(s: string | undefined, name: string): number {
  if (s === undefined || !/^\d+(\.\d+)?$/.test(s)) throw new Error(`${name} needs a number`);
  return Number(s);
}

function rate(s: string | undefined, name: string): number {
  const p = num(s, name);
  if (p > 1) throw new Error(`${name} is a probability (0..1)`);
  return p;
}

function digits(s: string, name: string, min: number, max: number): string {
  if (!new RegExp(`^\\d{${min},${max}}$`).test(s)) throw new Error(`${name} is ${min === max ? min : min + '-' + max} digits`);
  return s;
}

/** "<ms>" or "<min>-<max>" */
function range(s: string | undefined, name: string): number | [number, number] {
  const m = s === undefined ? null : /^(\d+)-(\d+)$/.exec(s);
  if (m) return [Number(m[1]), Number(m[2])];
  return num(s, name);
}

export function parseArgs(argv: string[]): { opts: PartialOptions; pty?: string; tcp?: number; stdio: boolean; log: boolean; trace?: string } {
  const opts: PartialOptions = {};
  let trace: string | undefined;
  let pty: string | undefined;
  let tcp: number | undefined;
  let stdio = false;
  let log = false;
  let smtp: { host: string; port: number } | null = null;
  let pop3: { host: string; port: number } | null = null;
  const fault = <K extends keyof Faults>(k: K, value: Faults[K]) => {
    opts.faults = { ...(opts.faults || {}), [k]: value };
  };
  for (let i = 0; i < argv.length; i++) {
    const a = argv[i];
    const v = () => {
      const x = argv[++i];
      if (x === undefined) throw new Error(`${a} needs a value`);
      return x;
    };
    switch (a) {
      case '--pty': pty = v(); break;
      case '--tcp': tcp = num(v(), a); break;
      case '--stdio': stdio = true; break;
      case '--smtp': smtp = hostPort(v()); break;
      case '--pop3': pop3 = hostPort(v()); break;
      case '--baud': opts.baud = num(v(), a); break;
      case '--seed': opts.seed = num(v(), a); break;
      case '--dialect': {
        const d = v();
        if (d !== 'sim900' && d !== 'sim800') throw new Error('--dialect is sim900 or sim800');
        opts.dialect = d;
        break;
      }
      case '--emailssl': {
        const x = v();
        if (x !== 'on' && x !== 'off') throw new Error('--emailssl is on or off');
        opts.emailssl = x === 'on';
        break;
      }
      case '--tls-verify': {
        const f = v();
        try {
          opts.tlsCa = readFileSync(f);
        } catch (e) {
          throw new Error(`--tls-verify: cannot read ${f}: ${(e as NodeJS.ErrnoException).code ?? (e as Error).message}`);
        }
        opts.tlsVerify = true;
        break;
      }
      case '--tls-max': {
        const x = v();
        if (x !== '1.2' && x !== '1.3') throw new Error('--tls-max is 1.2 or 1.3');
        opts.tlsMaxVersion = x === '1.2' ? 'TLSv1.2' : 'TLSv1.3';
        break;
      }
      case '--chunk': opts.chunkMax = num(v(), a); break;
      case '--noise':
      case '--noise-rate': fault('noiseRate', rate(v(), a)); break;
      case '--reset-rate': fault('resetRate', rate(v(), a)); break;
      case '--reset-in-data-rate': fault('resetInDataRate', rate(v(), a)); break;
      case '--bearer-loss-rate': fault('bearerLossRate', rate(v(), a)); break;
      case '--tcp-drop-rate': fault('tcpDropRate', rate(v(), a)); break;
      case '--ft-short-rate': fault('ftShortRate', rate(v(), a)); break;
      case '--ft-max-vary': fault('ftMaxVary', true); break;
      case '--smtp-stage-delay': opts.smtpStageDelayMs = range(v(), a); break;
      case '--pop3-stage-delay': opts.pop3StageDelayMs = range(v(), a); break;
      case '--fast': opts.sapbrOpenDelayMs = 0; opts.sapbrCloseDelayMs = 0; break;
      case '--clear-after-send': opts.clearAfterSend = true; break;
      case '--pop3-ok': opts.pop3IncludeOk = true; break;
      case '--no-pop3-dot': opts.pop3IncludeDot = false; break;
      case '--pop3-rate': opts.pop3RateBps = num(v(), a); break;
      case '--pop3-unstuff': opts.pop3Unstuff = true; break;
      case '--early-data': {
        const x = v();
        if (x !== 'drop' && x !== 'keep') throw new Error('--early-data is drop or keep');
        opts.earlyData = x;
        break;
      }
      case '--prompt-delay': opts.promptDelayMs = range(v(), a); break;
      case '--imei': opts.imei = digits(v(), a, 15, 15); break;
      case '--ccid': opts.ccid = digits(v(), a, 18, 22); break;
      case '--revision': opts.revision = v(); break;
      case '--operator': {
        const m = /^([^,"]+),([^,"]+),(\d{5,6})$/.exec(v());
        if (!m) throw new Error('--operator is "<long name>,<short name>,<MCC+MNC>"');
        opts.operator = { long: m[1], short: m[2], numeric: m[3] };
        break;
      }
      case '--registration': {
        const x = v();
        if (!/^[0-5]$/.test(x)) throw new Error('--registration is a +CREG status 0-5');
        opts.registration = Number(x);
        break;
      }
      case '--register-delay': opts.registerDelayMs = range(v(), a); break;
      case '--log': log = true; break;
      case '--trace': trace = v(); break;
      case '--help': case '-h': process.stdout.write(HELP); process.exit(0); break;
      default: throw new Error(`unknown option ${a} (see --help)`);
    }
  }
  if (smtp || pop3) {
    opts.route = (_h, _p, service) => (service === 'smtp' ? smtp : pop3);
  }
  if (!pty && tcp === undefined && !stdio) throw new Error('give --pty <path>, --tcp <port> or --stdio (see --help)');
  return { opts, pty, tcp, stdio, log, trace };
}

async function main(): Promise<void> {
  let a: ReturnType<typeof parseArgs>;
  try {
    a = parseArgs(process.argv.slice(2));
  } catch (e) {
    process.stderr.write(`emulator: ${(e as Error).message}\n`);
    process.exit(2);
  }
  const logFn = a.log
    ? (dir: 'in' | 'out', b: Buffer) => process.stderr.write(`${dir === 'in' ? '>>' : '<<'} ${JSON.stringify(b.toString('latin1'))}\n`)
    : undefined;
  const emu = new Sim900Emulator(a.opts);
  const closers: (() => Promise<void> | void)[] = [() => emu.close()];
  let stopping = false;
  const stop = async () => {
    if (stopping) return;
    stopping = true;
    for (const c of closers) await c();
    process.exit(0);
  };
  if (a.trace) {
    const file = a.trace;
    let trace: ReturnType<typeof traceToFile>;
    try {
      trace = traceToFile(emu, file, { title: 'SIM900 AT session: emulator', subtitle: `npm run emulator -- ${process.argv.slice(2).join(' ')}` });
    } catch (e) {
      process.stderr.write(`emulator: ${(e as Error).message}\n`);
      process.exit(2);
    }
    // the last page once the module's last output is out (closers run in order; emu.close() comes last)
    closers.splice(closers.length - 1, 0, () => {
      const n = trace.close();
      process.stderr.write(`trace written to ${file} (${n} bytes)\n`);
    });
    process.on('exit', () => trace.close());
    process.stderr.write(`tracing the AT session to ${file}\n`);
  }
  if (a.pty) {
    // (a folder that does not exist, or one socat may not write: one line, not socat's trace)
    const dir = dirname(resolve(a.pty));
    if (!existsSync(dir) || !statSync(dir).isDirectory()) fail(`--pty ${a.pty}: no folder ${dir}`);
    const h = await servePty(emu, a.pty, logFn);
    closers.unshift(() => h.close());
    process.stderr.write(`SIM900 emulator on ${a.pty} (socat pid ${h.pid})\n`);
  }
  if (a.tcp !== undefined) {
    let current: net.Socket | null = null;
    emu.on('output', (b: Buffer) => {
      if (logFn && !a.pty) logFn('out', b);
      if (current) current.write(b);
    });
    const server = net.createServer((s) => {
      if (current) current.destroy();
      current = s;
      s.on('data', (b) => {
        if (logFn && !a.pty) logFn('in', b);
        emu.input(b);
      });
      s.on('close', () => {
        if (current === s) current = null;
      });
      s.on('error', () => undefined);
    });
    await new Promise<void>((r) => {
      server.once('error', (e: NodeJS.ErrnoException) => fail(`--tcp ${a.tcp}: ${e.code === 'EADDRINUSE' ? 'port in use' : e.message}`));
      server.listen(a.tcp, '127.0.0.1', () => r());
    });
    closers.unshift(() => new Promise<void>((r) => server.close(() => r())));
    process.stderr.write(`SIM900 emulator on tcp 127.0.0.1:${(server.address() as net.AddressInfo).port}\n`);
  }
  if (a.stdio) {
    // a reader that goes away (`| head`) ends the emulator quietly, as any filter does
    process.stdout.on('error', (e: NodeJS.ErrnoException) => (e.code === 'EPIPE' ? void stop() : fail(`standard output: ${e.message}`)));
    emu.on('output', (b: Buffer) => process.stdout.write(b));
    process.stdin.on('data', (b: Buffer) => emu.input(b));
  }
  process.on('SIGINT', stop);
  process.on('SIGTERM', stop);
}

/** One line on standard error and exit 1: what went wrong is the user's to fix, not a stack trace to read. */
function fail(msg: string): never {
  process.stderr.write(`emulator: ${msg}\n`);
  process.exit(1);
}

if (require.main === module)
  main().catch((e) => fail((e && e.message) || String(e)));
