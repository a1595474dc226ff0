// `npm run demo [-- --board <id>] [--tls implicit|starttls]`: the main job. Builds the boards' Storage modules, starts Dovecot and the SMTP
// server, starts the SIM900 emulator (paced at the board's baud rate), and runs the board as it runs on the board:
// its Storage holds the library's modules, mail.json and a picture; .bootcde starts the example app; a small driver
// (the Storage module "s9demo") sends the picture as an alert through the outbox, then reads it back over POP3
// through the MIME reader on the board (a board without them, the Original, leaves that to the host), and the
// bytes are compared.
//
// Without ESPRUINO the board is the host sandbox. With ESPRUINO=<the interpreter's Linux port> the board's modules
// run on that interpreter from its Storage, as on the board (pins the Linux port lacks map to nothing; the serial port
// is a pseudo-terminal to the emulator), any LOW_MEMORY or MEMORY error fails the demo, and the line
//   board <id>: storage <n> bytes, jsvars idle <n>, peak <n>, total <n>
// gives the library's Storage bytes and process.memory(): usage after boot and app start, the most seen (sampled at
// every AT command's completion), and the interpreter's total. Build the interpreter with the board's JsVar count
// (make BOARD=LINUX VARIABLES=<n>) for figures that mean that board.
//
// With --tls the servers refuse plaintext (TLS from the first byte, or STARTTLS/STLS required), the module has
// AT+EMAILSSL and the board's accounts ask for that mode; the line
//   tls: <mode>, smtp <TLS version>, pop3 <TLS version>
// tells what the servers saw on their side of the connections.
//
// With --trace <file.html> the AT session between the board and the emulator is written as one self-contained HTML
// page (host/trace): a timeline by mail step, every command, answer, URC and data size with its time, errors
// highlighted. The page is rewritten as the session goes and a last time at the end (also when the demo fails).
import { createHash } from 'node:crypto';
import { mkdtempSync, realpathSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { simpleParser } from 'mailparser';
import { buildBoard, goals, runtimeBoard, type BoardBuild } from './build';
import { cliBootCode } from './module-upload';
import { pretokenise } from './pretokenise';
import { boardIds } from './boards';
import { storageCost } from './flash';
import { Sim900Emulator } from './emulator';
import { servePty } from './emulator/pty';
import { bootInterpreter, espruinoBinary, writeStorage } from './interpreter';
import { bootSandbox } from './sandbox';
import { clientAccounts, startMailServers, type MailServers } from './servers';
import { Pop3Client } from './servers/pop3-client';
import { testCertificate } from './servers/tls';
import { traceToFile, type TraceFile } from './trace';

/** Deterministic "camera picture": xorshift bytes, so a run can be compared with another. */
function picture(n: number): Buffer {
  const b = Buffer.alloc(n);
  let x = 0x2545f491;
  for (let i = 0; i < n; i++) {
    x ^= x << 13;
    x ^= x >>> 17;
    x ^= x << 5;
    b[i] = x & 255;
  }
  return b;
}

/** Bytes of the board's real Storage left beside the library, the configuration and the outbox, with 2 KB to spare. */
export function storageRoom(b: BoardBuild, configBytes: number): number {
  let room = b.board.espruino.storageBytes - 2048 - storageCost(configBytes) - storageCost(300) - storageCost(16);
  for (const n of Object.keys(b.files)) room -= storageCost(Buffer.byteLength(b.files[n], 'latin1'));
  return room;
}

/**
 * The picture a board sends: what its real Storage holds beside the library, the configuration, the outbox and (when
 * it reads mail) the received copy, with 2 KB to spare; at most 48 KB, at least 4 KB.
 */
export function demoAttachmentBytes(b: BoardBuild, configBytes: number): number {
  const room = storageRoom(b, configBytes);
  const copies = b.board.features.pop3 && b.board.features.mime ? 2 : 1;
  return Math.max(4096, Math.min(48 * 1024, Math.floor(room / copies / 1024) * 1024 - 64 * copies));
}

/** The driver on the board: sends the picture as an alert, then polls the inbox, reporting "@@<json>" lines. */
const driver = (receives: boolean): string => `
var S = require("Storage"), peak = 0, peakAt = "";
function rep(o) { console.log("@@" + JSON.stringify(o)); }
function mem(c) { var u = process.memory().usage; if (u > peak) { peak = u; peakAt = c ? c.line.substr(0, 16) : "the end"; } }
function fin(o) { mem(); o.peak = peak; o.peakAt = peakAt; o.flags = E.getErrorFlags(); rep(o); }
app.on("client", function (m) { m.at.onDone = mem; });
app.on("progress", function (id, p) { rep(id == "in" ? {down: p[0], total: p[1]} : {up: p[0], total: p[1]}); });
app.on("retry", function (id, e) { rep({retry: id, code: e.code, message: e.message}); });
app.on("failed", function (id, e) { rep({failed: id, code: e.code, message: e.message}); });
var polled = false;
app.on("sent", function (id) { rep({sent: id}); });
// the inbox is read once the outbox is done, as the app's inbox timer would
app.on("idle", function () {
  if (polled) return;
  polled = true;
  if (!${receives}) return fin({done: 1});
  var got = null;
  app.onMail = function (msg, done) { got = msg; done(); };
  app.poll(function (err, n) {
    fin({polled: n, err: err ? err.code + " " + err.message : null});
    var a = got && got.attachments[0];
    if (got) rep({mail: {subject: got.headers.subject, from: got.headers.from, size: got.size, attachments: got.attachments, flags: got.flags}});
    for (var at = 0; a && at < a.size; at += 384) rep({att: btoa(S.read(a.file, at, Math.min(384, a.size - at)))});
    rep({done: 1});
  });
});
app.send({subject: "Camera 1: motion", body: "Motion detected at the gate. Picture attached.", attachment: {name: "cam.jpg", file: "cam.jpg", type: "binary"}},
  function (err, id) { rep({queued: id, err: err ? err.code : null}); });
`;

const tty = process.stdout.isTTY;
let lastBar = '';
function bar(label: string, done: number, total: number): void {
  const frac = total > 0 ? Math.min(1, done / total) : 0;
  const fill = Math.round(frac * 30);
  const pct = Math.floor(frac * 100);
  const text = `${label.padEnd(9)} [${'#'.repeat(fill)}${'-'.repeat(30 - fill)}] ${String(pct).padStart(3)}%  ${(done / 1024).toFixed(1)}/${(total / 1024).toFixed(1)} KB`;
  const step = `${label}${Math.floor(pct / 25)}`;
  if (tty) {
    process.stdout.write('\r' + text);
    if (frac >= 1) process.stdout.write('\n');
  } else if (step !== lastBar) console.log(text); // one line per 25 %
  lastBar = step;
}

function option(name: string): string | undefined {
  const i = process.argv.indexOf(name);
  if (i < 0) return undefined;
  const v = process.argv[i + 1];
  if (v === undefined || v.startsWith('--')) throw new Error(`${name} needs a value`);
  return v;
}

/** The board's accounts for the servers, asking for TLS mode `tls` when given. */
function accounts(s: MailServers, tls: string | undefined): ReturnType<typeof clientAccounts> {
  const a = clientAccounts(s);
  if (tls) Object.assign(a.smtp, { ssl: tls }), Object.assign(a.pop3, { ssl: tls });
  return a;
}

/** What the servers saw of the demo's TLS, from their side: "smtp <version>, pop3 <version>" ("none": plaintext). */
async function tlsSeen(s: MailServers, byBoard: boolean): Promise<string> {
  const m = s.smtp.received[s.smtp.received.length - 1];
  // (the log-in that read the alert back; Dovecot logs it a little after the client has its +OK)
  const l = await s.pop3.waitForLogin(0);
  return `smtp ${(m && m.tls && m.tls.protocol) || 'none'}, pop3 ${l.tls || 'none'}${byBoard ? '' : " (the host's read-back)"}`;
}

/** The host's own POP3 connection to the demo's Dovecot, in its TLS mode (the test certificate trusted). */
async function hostPop3(s: MailServers): Promise<Pop3Client> {
  const t = { ca: testCertificate().cert, servername: 'localhost' };
  if (s.pop3.tls === 'implicit') return Pop3Client.connectTls(s.pop3.port, s.pop3.host, t);
  const pop = await Pop3Client.connect(s.pop3.port, s.pop3.host);
  if (s.pop3.tls === 'starttls') await pop.stls(t);
  return pop;
}

async function main(): Promise<void> {
  const started = Date.now();
  const usage = `usage: npm run demo [-- --board <${boardIds().join('|')}>] [--tls implicit|starttls] [--trace <file.html>] [--modules plain|pretokenised]`;
  for (const a of process.argv.slice(2)) if (a.startsWith('--') && !['--board', '--tls', '--trace', '--modules'].includes(a)) throw new Error(`unknown option ${a} (${usage})`);
  const id = option('--board') || 'linux';
  if (!boardIds().includes(id)) throw new Error(`unknown board "${id}"; boards: ${boardIds().join(', ')}`);
  const tls = option('--tls');
  if (tls !== undefined && tls !== 'implicit' && tls !== 'starttls') throw new Error(`--tls is implicit or starttls (${usage})`);
  const traceFile = option('--trace');
  const modules = option('--modules');
  if (modules !== undefined && modules !== 'plain' && modules !== 'pretokenised' && modules !== 'flash') throw new Error(`--modules is plain, pretokenised or flash (${usage})`);
  const binary = espruinoBinary();
  console.log(`building the ${id} board's Storage modules`);
  const storageBuild = await buildBoard(id);
  if (storageBuild.problems.length) throw new Error(storageBuild.problems.join('\n'));
  const board = storageBuild.board;
  // --modules: the published modules, as the espruino CLI stores a user's script that starts the app with "Save on
  // Send: Direct to flash" (.bootcde holds them and the script); they carry POP3 and the MIME reader on every board
  const bootcde = async (rb: any): Promise<string> => {
    const script = `require("s9app").start(${JSON.stringify(rb)});\n`;
    if (!modules) return script;
    // (flash: the CLI's code as \`npm run flash -- --script\` stores it, pretokenised by our pretokeniser)
    return modules === 'flash' ? pretokenise(await cliBootCode(script, false)) : cliBootCode(script, modules === 'pretokenised');
  };
  const built: BoardBuild = modules ? { ...storageBuild, files: { '.bootcde': await bootcde(runtimeBoard(board)) } } : storageBuild;
  if (modules) built.libraryBytes = Buffer.byteLength(built.files['.bootcde'], 'latin1');
  if (modules) console.log(`  the published modules through the espruino CLI (Save on Send to flash${modules === 'pretokenised' ? ', pretokenised' : ''}): .bootcde ${built.libraryBytes} bytes`);
  const servers = await startMailServers({ tls });
  const how = tls === 'implicit' ? ' (TLS only)' : tls ? ' (STARTTLS/STLS required)' : '';
  console.log(`Dovecot POP3 on 127.0.0.1:${servers.pop3.port}, SMTP on 127.0.0.1:${servers.smtp.port}${how}`);
  const baud = board.baud;
  const emu = new Sim900Emulator({ baud, sapbrOpenDelayMs: [300, 600], sapbrCloseDelayMs: [100, 200], networkDelayMs: [50, 150], emailssl: !!tls });
  // (from before the boot URCs; the page is written once more in the finally below, whatever happens)
  const trace: TraceFile | null = traceFile
    ? traceToFile(emu, traceFile, { title: `SIM900 AT session: npm run demo, board ${id}${tls ? `, TLS ${tls}` : ''}`, subtitle: `emulator at ${baud} baud; ${binary ? `board on the Espruino interpreter ${binary}` : 'board in the host sandbox'}` })
    : null;
  await new Promise<void>((r) => emu.once('booted', () => r()));
  await emu.drained();
  if (process.env.ESPRUINO_TRACE) {
    const t = process.env.ESPRUINO_TRACE;
    const fs = require('node:fs');
    const orig = emu.input.bind(emu);
    emu.input = (b: any) => (fs.appendFileSync(t, 'AT> ' + JSON.stringify(Buffer.from(b).toString('latin1').slice(0, 100)) + '\n'), orig(b));
    emu.on('output', (b: Buffer) => fs.appendFileSync(t, 'AT< ' + JSON.stringify(b.toString('latin1').slice(0, 100)) + '\n'));
  }
  const config: any = {
    apn: 'internet',
    emailTimeout: 30,
    to: ['ops@example.org'],
    from: { address: 'gate-camera@example.org', name: 'Gate camera' },
    ...accounts(servers, tls),
    inbox: { every: 0, deleteAfter: true },
    watchdog: 0,
  };
  const pic = picture(demoAttachmentBytes(built, JSON.stringify(config).length + 40));
  const room = storageRoom(built, JSON.stringify(config).length + 40);
  const receives = !!modules || !!built.files.s9inbox;
  if (room < pic.length * (receives ? 2 : 1)) {
    console.log(`  NOTE: on a real ${board.name} this does not fit: its Storage (${board.espruino.storageBytes} bytes) leaves ${room} bytes beside the library for a ${pic.length}-byte picture${receives ? ' and its received copy' : ''}`);
  }
  const got: Buffer[] = [];
  let mail: any = null;
  let end: any = null;
  let failure: string | null = null;
  let idle = 0;
  let total = 0;
  const onReport = (r: any): void => {
    if (r.up !== undefined) bar('upload', r.up, r.total);
    else if (r.down !== undefined) bar('retrieve', r.down, r.total);
    else if (r.att) got.push(Buffer.from(r.att, 'base64'));
    else if (r.mail) mail = r.mail;
    else if (r.retry) console.log(`  alert ${r.retry}: ${r.code} ${r.message}, retrying`);
    else if (r.failed) failure = `alert ${r.failed} failed: ${r.code} ${r.message}`;
    else if (r.sent) console.log(`  +SMTPSEND: 1 for alert ${r.sent}${receives ? '; reading the inbox over POP3 on the board' : ''}`);
    else if (r.idle !== undefined) (idle = r.idle), (total = r.total);
    else if (r.peak !== undefined) {
      end = r;
      if (r.err) failure = `inbox: ${r.err}`;
    }
  };
  const dir = mkdtempSync(join(tmpdir(), `sim900-demo-${id}-`));
  const files: Record<string, string | Buffer> = { ...built.files, 'mail.json': '', 'cam.jpg': pic, s9demo: driver(receives) };
  const finished = () => end !== null && (!receives || got.length > 0 || !!failure || !!(end && end.err)) && doneSeen;
  let doneSeen = false;
  let tlsLine = '';
  const watch = (r: any) => {
    onReport(r);
    if (r.done) doneSeen = true;
  };
  const until = (what: string, cond: () => boolean, ms: number, alive?: () => string | null) =>
    new Promise<void>((resolve, reject) => {
      const t0 = Date.now();
      const tick = () => {
        const dead = alive ? alive() : null;
        if (dead) return reject(new Error(dead));
        if (cond()) return resolve();
        if (Date.now() - t0 > ms) return reject(new Error(`the demo did not ${what} within ${ms / 1000} s`));
        setTimeout(tick, 20);
      };
      tick();
    });
  try {
    if (binary) {
      const link = join(dir, 'sim900');
      const pty = await servePty(emu, link);
      config.path = realpathSync(link);
      files['mail.json'] = JSON.stringify(config);
      // the board's wiring, with the pins the Linux port lacks mapped to nothing and its serial port on the emulator
      const rb = { ...runtimeBoard(board), serial: 'Serial1', path: config.path };
      for (const k of ['tx', 'rx', 'pwrkey', 'status', 'button']) delete (rb as any)[k];
      files['.bootcde'] = await bootcde(rb);
      console.log(`board: ${board.name}'s modules on the Espruino interpreter (${binary}) from its Storage, emulator on ${config.path} at ${baud} baud`);
      writeStorage(binary, dir, files);
      const esp = bootInterpreter(binary, dir, watch);
      let exited = false;
      esp.exited.then(() => (exited = true));
      const memErr = () => (/LOW_MEMORY|MEMORY|Out of Memory/i.test(esp.output()) ? `the interpreter ran out of memory:\n${esp.output().slice(-1500)}` : exited ? `the interpreter exited:\n${esp.output().slice(-1500)}` : null);
      try {
        // after boot and app start: the idle figure, then the driver
        await new Promise((r) => setTimeout(r, 1500));
        esp.type('\x10console.log("@@"+JSON.stringify({idle:process.memory().usage,total:process.memory().total}))');
        await until('report its memory', () => total > 0, 10000, memErr);
        esp.type('\x10require("s9demo")');
        await until('finish', finished, 240000, memErr).catch((e) => {
          const log = join(tmpdir(), `sim900-demo-${id}.log`);
          writeFileSync(log, esp.output());
          throw new Error(`${e.message}; the board's console output is in ${log}, it ends:\n${esp.output().slice(-1500)}`);
        });
        const e = memErr();
        if (e) throw new Error(e);
        if (end.flags && end.flags.length) throw new Error(`error flags on the board: ${end.flags.join(',')}`);
      } finally {
        esp.kill();
        await pty.close();
      }
    } else {
      files['mail.json'] = JSON.stringify(config);
      console.log(`board: ${board.name}'s modules in the host sandbox, emulator paced at ${baud} baud`);
      const sb = bootSandbox({ log: (s: any) => {
        const t = String(s);
        if (t.startsWith('@@')) watch(JSON.parse(t.slice(2)));
      } });
      for (const n of Object.keys(files)) sb.storage.write(n, Buffer.isBuffer(files[n]) ? (files[n] as Buffer).toString('latin1') : (files[n] as string));
      const port = sb.ports[board.serial];
      port.onWrite((b) => emu.input(b));
      emu.on('output', (b: Buffer) => port.feed(b));
      try {
        sb.boot();
        sb.run('require("s9demo")');
        await until('finish', finished, 240000);
      } finally {
        sb.close();
      }
    }
    if (failure) throw new Error(failure);
    if (!receives) {
      // the board reads no mail: the host takes the alert from Dovecot
      const pop = await hostPop3(servers);
      await pop.login(servers.pop3.user, servers.pop3.password);
      const { count } = await pop.stat();
      const m = await simpleParser(await pop.retr(count));
      await pop.quit();
      const a = m.attachments[0];
      if (a) got.push(a.content);
      mail = { subject: m.subject, from: m.from!.value, size: 0, attachments: a ? [{ name: a.filename, type: a.contentType }] : [] };
      console.log('  the board reads no mail (no POP3 or MIME reader on it): the host fetched the alert from Dovecot');
    }
    if (tls) tlsLine = `tls: ${tls}, ${await tlsSeen(servers, receives)}`;
  } finally {
    if (trace) {
      const bytes = trace.close();
      const st = trace.recorder.stats();
      console.log(`  trace: ${traceFile} (${bytes} bytes; ${st.commands} commands, ${st.errors} errors, ${(st.duration / 1000).toFixed(1)} s)`);
    }
    emu.close();
    await servers.stop();
    rmSync(dir, { recursive: true, force: true });
  }
  if (!mail) throw new Error('the alert never came back over POP3');
  const back = Buffer.concat(got);
  const m: any = mail;
  console.log(`  read back: "${m.subject}" from ${m.from[0].name} <${m.from[0].address}>${m.size ? `, ${m.size} bytes` : ''}, attachment ${m.attachments[0].name} (${m.attachments[0].type})`);
  console.log(`  took ${((Date.now() - started) / 1000).toFixed(1)} s`);
  if (binary) console.log(`  the peak came at ${end.peakAt}`);
  if (binary) console.log(`board ${id}: storage ${built.libraryBytes} bytes, jsvars idle ${idle}, peak ${end.peak}, total ${total}`);
  else console.log(`board ${id}: storage ${built.libraryBytes} bytes (goal ${goals(board).storageBytes}; JsVars are measured on the interpreter: ESPRUINO=...)`);
  if (tlsLine) console.log(tlsLine);
  const sha = (b: Buffer) => createHash('sha256').update(b).digest('hex');
  if (sha(back) !== sha(pic)) throw new Error(`sha256 mismatch: sent ${pic.length} bytes, retrieved ${back.length} bytes`);
  console.log(`demo ok: sent ${pic.length} bytes, retrieved ${back.length} bytes, sha256 match`);
}

main().catch((e) => {
  console.error('demo failed:', e && e.message ? e.message : e);
  process.exit(1);
});
