// `npm run demo`: the main job. Builds the bundles, starts Dovecot and the SMTP server, starts the SIM900 emulator
// (paced at 115200 baud), runs the linux board's bundle as the board (in the sandbox, or on the Espruino
// interpreter's Linux port through a pseudo-terminal when ESPRUINO names it), sends an alert with a binary
// attachment through the outbox, reads it back over POP3 through the MIME reader on the board, and compares.
import { createHash } from 'node:crypto';
import { realpathSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { buildAll } from './bundle';
import { bundlePath } from './boards';
import { Sim900Emulator } from './emulator';
import { servePty } from './emulator/pty';
import { espruinoBinary, runOnInterpreter } from './interpreter';
import { loadBundle } from './sandbox';
import { clientAccounts, startMailServers } from './servers';
import { readFileSync } from 'node:fs';

const ATTACHMENT_BYTES = 48 * 1024;
const BAUD = 115200;

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

const tty = process.stdout.isTTY;
let lastBar = '';
function bar(label: string, done: number, total: number): void {
  const width = 30;
  const frac = total > 0 ? Math.min(1, done / total) : 0;
  const fill = Math.round(frac * width);
  const pct = Math.floor(frac * 100);
  const text = `${label.padEnd(9)} [${'#'.repeat(fill)}${'-'.repeat(width - fill)}] ${String(pct).padStart(3)}%  ${(done / 1024).toFixed(1)}/${(total / 1024).toFixed(1)} KB`;
  if (tty) {
    process.stdout.write('\r' + text);
    if (frac >= 1) process.stdout.write('\n');
  } else {
    // one line per 25 %
    const step = `${label}${Math.floor(pct / 25)}`;
    if (step !== lastBar) console.log(text);
  }
  lastBar = `${label}${Math.floor(pct / 25)}`;
}

/** What the board runs: writes the picture to Storage, starts the app, sends the alert, then reads the inbox. */
function boardDriver(config: any, pictureB64: string): string {
  return `
var S = require("Storage");
S.write("cam.jpg", atob(${JSON.stringify(pictureB64)}));
var app = SIM900MAIL.startApp(SIM900MAIL.board, ${JSON.stringify(config)}, SIM900MAIL.mime);
app.alerts.opts.onProgress = function (id, sent, total) { report({up: sent, total: total}); };
app.alerts.on("retry", function (id, e) { report({retry: id, code: e.code, message: e.message}); });
app.alerts.on("failed", function (id, e) { report({failed: id, code: e.code, message: e.message}); });
app.alerts.on("sent", function (id) {
  report({sent: id});
  var inbox = new SIM900MAIL.Inbox(app.alerts.mail, {
    MimeReader: SIM900MAIL.mime.MimeReader, storage: S, every: 0, deleteAfter: true,
    onProgress: function (got, total) { report({down: got, total: total}); },
    handler: function (msg, done) {
      report({mail: {subject: msg.headers.subject, from: msg.headers.from, size: msg.size, attachments: msg.attachments, flags: msg.flags}});
      var a = msg.attachments[0];
      for (var at = 0; a && at < a.size; at += 1536) report({att: btoa(S.read(a.file, at, Math.min(1536, a.size - at)))});
      done();
    }
  });
  inbox.poll(function (err, n) {
    report({polled: n, err: err ? err.code + " " + err.message : null});
    finish();
  });
});
app.alerts.send({subject: "Camera 1: motion", body: "Motion detected at the gate. Picture attached.", attachment: {name: "cam.jpg", file: "cam.jpg", type: "binary"}}, function (err, id) {
  report({queued: id, err: err ? err.code : null});
});
`;
}

async function main(): Promise<void> {
  const started = Date.now();
  console.log('building the board bundles');
  const built = await buildAll();
  for (const r of built) {
    if (!r.ok) throw new Error(r.problems.join('\n'));
    console.log(`  ${r.board.padEnd(9)} ${r.bytes} bytes (budget ${r.budget})`);
  }
  const servers = await startMailServers();
  console.log(`Dovecot POP3 on 127.0.0.1:${servers.pop3.port}, SMTP on 127.0.0.1:${servers.smtp.port}`);
  const emu = new Sim900Emulator({ baud: BAUD, sapbrOpenDelayMs: [300, 600], sapbrCloseDelayMs: [100, 200], networkDelayMs: [50, 150] });
  await new Promise<void>((r) => emu.once('booted', () => r()));
  await emu.drained();
  const pic = picture(ATTACHMENT_BYTES);
  const config: any = {
    apn: 'internet',
    emailTimeout: 30,
    to: ['ops@example.org'],
    from: { address: 'gate-camera@example.org', name: 'Gate camera' },
    ...clientAccounts(servers),
    watchdog: 0,
  };
  const got: Buffer[] = [];
  let mail: any = null;
  let failure: string | null = null;
  const onReport = (r: any): void => {
    if (r.up !== undefined) bar('upload', r.up, r.total);
    else if (r.down !== undefined) bar('retrieve', r.down, r.total);
    else if (r.att) got.push(Buffer.from(r.att, 'base64'));
    else if (r.mail) mail = r.mail;
    else if (r.retry) console.log(`  alert ${r.retry}: ${r.code} ${r.message}, retrying`);
    else if (r.failed) failure = `alert ${r.failed} failed: ${r.code} ${r.message}`;
    else if (r.polled !== undefined && r.err) failure = `inbox: ${r.err}`;
    else if (r.sent) console.log(`  +SMTPSEND: 1 for alert ${r.sent}; reading the inbox over POP3`);
  };
  const binary = espruinoBinary();
  const code = readFileSync(bundlePath('linux'), 'utf8');
  try {
    if (binary) {
      const link = join(tmpdir(), `sim900-demo-${process.pid}`);
      const pty = await servePty(emu, link);
      config.path = realpathSync(link);
      config.baud = BAUD;
      console.log(`board: the Espruino interpreter (${binary}) on ${config.path}, emulator paced at ${BAUD} baud`);
      try {
        await runOnInterpreter(binary, code + '\n' + boardDriver(config, pic.toString('base64')), onReport, 180000);
      } finally {
        await pty.close();
      }
    } else {
      console.log(`board: build/linux.js in the host sandbox, emulator paced at ${BAUD} baud`);
      const sb = loadBundle({ board: 'linux' });
      const port = sb.ports.Serial1;
      port.onWrite((b) => emu.input(b));
      emu.on('output', (b: Buffer) => port.feed(b));
      await new Promise<void>((resolve, reject) => {
        const timer = setTimeout(() => reject(new Error('the demo did not finish within 180 s')), 180000);
        (sb.context as any).report = (r: any) => onReport(JSON.parse(JSON.stringify(r)));
        (sb.context as any).finish = () => {
          clearTimeout(timer);
          resolve();
        };
        sb.run(boardDriver(config, pic.toString('base64')));
      });
      sb.close();
    }
  } finally {
    emu.close();
    await servers.stop();
  }
  if (failure) throw new Error(failure);
  if (!mail) throw new Error('the alert never came back over POP3');
  const back = Buffer.concat(got);
  const same = createHash('sha256').update(back).digest('hex') === createHash('sha256').update(pic).digest('hex');
  const m: any = mail;
  console.log(`  read back: "${m.subject}" from ${m.from[0].name} <${m.from[0].address}>, ${m.size} bytes, attachment ${m.attachments[0].name} (${m.attachments[0].type})`);
  console.log(`  took ${((Date.now() - started) / 1000).toFixed(1)} s`);
  if (!same) throw new Error(`sha256 mismatch: sent ${pic.length} bytes, retrieved ${back.length} bytes`);
  console.log(`demo ok: sent ${pic.length} bytes, retrieved ${back.length} bytes, sha256 match`);
}

main().catch((e) => {
  console.error('demo failed:', e && e.message ? e.message : e);
  process.exit(1);
});
