// The published modules (build/modules) loaded the ways an Espruino user loads modules, by the espruino CLI's own
// module resolution: a plain user script that require()s them from a project's modules folder, from a module URL
// (a local web server), or from a GitHub URL (the CLI's GitHub plugin, its request answered by a local HTTPS server
// standing in for raw.githubusercontent.com). What the CLI sends runs on a board in the sandbox, wired to the
// emulator and the real servers; with ESPRUINO set, the CLI uploads to the interpreter's Linux port (`espruino
// --telnet`), to RAM and to flash, and the script sends a mail from there.
import { suite } from 'uvu';
import * as assert from 'uvu/assert';
import { createServer as createHttp, type Server } from 'node:http';
import { createServer as createHttps } from 'node:https';
import { existsSync, mkdirSync, readFileSync, realpathSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { Sim900Emulator } from '../../host/emulator';
import { servePty, socatAvailable } from '../../host/emulator/pty';
import { clientAccounts, startMailServers, type MailServers } from '../../host/servers';
import { testCertificate } from '../../host/servers/tls';
import { bootSandbox, type Sandbox } from '../../host/sandbox';
import { espruinoBinary } from '../../host/interpreter';
import { ROOT } from '../../host/boards';
import { makeProject, upload, uploadArgv } from '../../host/module-upload';
import { FAST_EMULATOR } from '../helpers/world';
import { TABLE } from '../../src/mail/table';
import { TelnetInterpreter, TELNET_PORT } from '../flash/telnet';

const binary = espruinoBinary();

/** The modules the CLI put before the script, in its form Modules.addCached("<name>",function(){...}). */
const uploaded = (code: string): string[] => [...code.matchAll(/Modules\.addCached\(("[^"]*"),function\(\)\{/g)].map((m) => JSON.parse(m[1])).sort();

/** The user script of the s9mail page: ten lines that send one mail (Serial1 set up by `serial`). */
function sendScript(serial: string, servers: MailServers, subject: string, req = 's9mail'): string {
  const o = { apn: 'internet', smtp: clientAccounts(servers).smtp, from: { address: 'pump4@example.org', name: 'Pump 4' } };
  return `${serial}
require(${JSON.stringify(req)}).connect(Serial1, ${JSON.stringify(o)}, function (err, mail) {
  if (err) return console.log("modem: " + err.message);
  mail.sendMail({to: "ops@example.org", subject: ${JSON.stringify(subject)}, body: "Level 12%"}, function (err, res) {
    console.log(err ? "not sent: " + err.code + " " + err.message : "<sent " + res.commands + " commands, jsvars " + process.memory().usage + ">");
    mail.close();
  });
});
`;
}

/** The code the CLI would send (`-o`), run on a sandbox board whose Serial1 is wired to a fresh emulator. */
async function runInSandbox(code: string, until: RegExp): Promise<{ sb: Sandbox; log: string[] }> {
  const emu = new Sim900Emulator({ ...FAST_EMULATOR });
  await new Promise<void>((r) => emu.once('booted', () => r()));
  await emu.drained();
  const log: string[] = [];
  const sb = bootSandbox({ log: (...a: any[]) => log.push(a.join(' ')) });
  const port = sb.ports.Serial1;
  port.onWrite((b) => emu.input(b));
  emu.on('output', (b: Buffer) => port.feed(b));
  sb.run(code);
  for (let t = 0; t < 1500 && !log.some((l) => until.test(l)); t++) await new Promise((r) => setTimeout(r, 20));
  emu.close();
  assert.ok(log.some((l) => until.test(l)), `the script did not print ${until}; its output:\n${log.join('\n')}`);
  return { sb, log };
}

/** A server for the modules over HTTP (module URL) or HTTPS (GitHub's raw host through the CLI's proxy setting). */
async function fileServer(https: boolean, seen: string[]): Promise<{ server: Server; host: string; port: number }> {
  const handler = (req: any, res: any) => {
    seen.push(req.url);
    // a proxy request carries the whole URL: https://raw.githubusercontent.com/<owner>/<repo>/<sha>/<path>
    const raw = /^https:\/\/raw\.githubusercontent\.com\/[^/]+\/[^/]+\/[^/]+\/(.*)$/.exec(req.url);
    const rel = raw ? raw[1] : req.url.replace(/^\/modules\//, '');
    const file = join(ROOT, 'build', 'modules', rel.replace(/^build\/modules\//, ''));
    if (!/^(build\/modules\/)?s9[a-z]+(\.min)?\.js$/.test(rel) || !existsSync(file)) return res.writeHead(404), res.end();
    res.writeHead(200, { 'content-type': 'application/javascript' });
    res.end(readFileSync(file));
  };
  const c = testCertificate();
  const server: Server = https ? (createHttps({ cert: c.cert, key: c.key }, handler) as any) : createHttp(handler);
  // plain HTTP on port 80 of a loopback address of its own: EspruinoTools 0.1.67 under Node cannot fetch a module URL
  // with a port in it (it passes "host:port" as the host name: ENOTFOUND)
  for (let i = 3; ; i++) {
    const host = https ? '127.0.0.1' : `127.0.0.${i}`;
    const ok = await new Promise<boolean>((r) => {
      server.once('error', () => r(false));
      server.listen(https ? 0 : 80, host, () => r(true));
    });
    if (ok) return { server, host, port: (server.address() as any).port };
    if (https || i == 20) throw new Error(`no loopback address with port 80 free for the module URL server`);
  }
}

const t = suite('published modules through the espruino CLI');
let servers: MailServers;
t.before(async () => {
  servers = await startMailServers();
});
t.after(async () => {
  await servers.stop();
});

t('a plain script requires s9mail from the project\'s modules folder (MODULE_URL=modules): the CLI sends s9mail alone, and the mail arrives', async () => {
  const project = makeProject(sendScript('Serial1.setup(115200, {});', servers, 'from the modules folder'));
  try {
    const r = await upload(project, {}, 60000);
    assert.is(r.code, 0, r.stderr + r.stdout);
    assert.not.match(r.stdout + r.stderr, /not found/i);
    const code = readFileSync(join(project, 'out.js'), 'latin1');
    // the modules it carries never reach the CLI's module search: one module on the wire
    assert.equal(uploaded(code), ['s9mail']);
    const before = servers.smtp.received.length;
    const { sb } = await runInSandbox(code, /^<sent|^not sent|^modem/);
    assert.is(servers.smtp.received.length, before + 1);
    const m = servers.smtp.received[before];
    assert.match(m.raw.toString('latin1'), /Subject: from the modules folder/);
    assert.match(m.raw.toString('latin1'), /Level 12%/);
    // sendMail's module came from s9mail's own copy and went after the job; the engine stays with the client
    for (let i = 0; i < 50 && sb.cached().includes('s9smtp'); i++) await new Promise((r) => setTimeout(r, 20));
    assert.equal(sb.cached().sort(), ['s9at', 's9mail']);
    assert.equal(sb.storage.api.list(), ['s9cmd'], 'the command table was written to Storage, nothing else');
    assert.is(sb.storage.read('s9cmd'), TABLE);
    sb.close();
  } finally {
    rmSync(project, { recursive: true, force: true });
  }
});

t('from a module URL: the example app (s9app) pulls s9mail (the MIME reader it carries); an alert goes out and the inbox reads it back through the MIME reader', async () => {
  const seen: string[] = [];
  const { server, host, port } = await fileServer(false, seen);
  const config = { apn: 'internet', emailTimeout: 10, to: ['board@example.org'], from: { address: 'pump4@example.org' }, ...clientAccounts(servers), inbox: { every: 0, deleteAfter: true }, watchdog: 0, modem: { poll: 20 } };
  const script = `var app = require("s9app").start({id: "linux", serial: "Serial1", baud: 115200, rxBufferSize: 640, chunkBytes: 1460}, ${JSON.stringify(config)});
app.onMail = function (msg, done) { console.log("<mail " + msg.headers.subject + " | " + msg.texts[0].text.trim() + " | " + msg.attachments.map(function (a) { return a.name + ":" + a.size; }).join() + ">"); done(); };
app.on("sent", function () { app.poll(function (err, n) { console.log("<polled " + (err ? err.code : n) + ">"); }); });
app.send({subject: "Grüße from the URL", body: "Tank 3: 12 %", attachment: {name: "log.txt", data: "line 1\\r\\nline 2\\r\\n"}});
`;
  const project = makeProject(script, []);
  try {
    const r = await upload(project, { moduleUrl: `http://${host}/modules`, allow: [{ host, port }] }, 60000);
    assert.is(r.code, 0, r.stderr + r.stdout);
    for (const n of ['s9app', 's9mail']) assert.ok(seen.includes(`/modules/${n}.min.js`), `${n}.min.js asked for: ${seen.join(' ')}`);
    assert.ok(!seen.some((u) => /s9(at|smtp|pop3|box|inbox|mime)/.test(u)), `only the modules required by name are asked for: ${seen.join(' ')}`);
    const code = readFileSync(join(project, 'out.js'), 'latin1');
    assert.equal(uploaded(code), ['s9app', 's9mail']);
    const { sb, log } = await runInSandbox(code, /^<polled/);
    // (the maildrop also holds the other tests' mails)
    assert.ok(log.some((l) => /^<polled [1-9]\d*>$/.test(l)), log.join('\n'));
    assert.ok(log.some((l) => /^<mail Grüße from the URL( \[alert \d+\])? \| Tank 3: 12 % \| log\.txt:16>$/.test(l)), log.join('\n'));
    sb.close();
  } finally {
    server.close();
    rmSync(project, { recursive: true, force: true });
  }
});

t('from a GitHub URL (…/blob/<sha>/build/modules/s9mail.min.js): the CLI asks raw.githubusercontent.com for the file at that path, and the mail arrives', async () => {
  const seen: string[] = [];
  const { server, port } = await fileServer(true, seen);
  const gh = 'https://github.com/example/sim900-mail/blob/0123456789abcdef0123456789abcdef01234567/build/modules/s9mail.min.js';
  const project = makeProject(sendScript('Serial1.setup(115200, {});', servers, 'from GitHub', gh), []);
  try {
    const c = testCertificate();
    const r = await upload(
      project,
      { moduleUrl: '', allow: [{ host: '127.0.0.1', port }], config: ['MODULE_PROXY_ENABLED=true', 'MODULE_PROXY_URL=127.0.0.1', `MODULE_PROXY_PORT=${port}`], env: { ...process.env, NODE_EXTRA_CA_CERTS: c.certFile } },
      60000,
    );
    assert.is(r.code, 0, r.stderr + r.stdout);
    assert.equal(seen, ['https://raw.githubusercontent.com/example/sim900-mail/0123456789abcdef0123456789abcdef01234567/build/modules/s9mail.min.js']);
    const code = readFileSync(join(project, 'out.js'), 'latin1');
    assert.equal(uploaded(code), [gh]);
    const before = servers.smtp.received.length;
    const { sb } = await runInSandbox(code, /^<sent|^not sent|^modem/);
    assert.is(servers.smtp.received.length, before + 1);
    assert.match(servers.smtp.received[before].raw.toString('latin1'), /Subject: from GitHub/);
    sb.close();
  } finally {
    server.close();
    rmSync(project, { recursive: true, force: true });
  }
});

t.run();

const device = suite('published modules: the espruino CLI uploads to the interpreter (espruino --telnet)');
device.before(async () => {
  if (binary) servers = await startMailServers();
});
device.after(async () => {
  if (binary) await servers.stop();
});

(binary ? device : device.skip)('a ten-line script from a modules folder, sent by the CLI direct to flash (MODULES_WAYS=RAM,flash,flash pretokenised for the others), then by npm run flash --script: each sends a mail through the emulator to the real SMTP server', async () => {
  if (!socatAvailable()) return console.log('modules: no socat: the interpreter test is skipped');
  const dir = join(tmpdir(), `sim900-modcli-${process.pid}`);
  mkdirSync(join(dir, 'board'), { recursive: true });
  const emu = new Sim900Emulator({ ...FAST_EMULATOR, baud: 115200 });
  const pty = await servePty(emu, join(dir, 'sim900'));
  const board = new TelnetInterpreter();
  try {
    const skip = await board.start(binary!, join(dir, 'board'), 'open');
    if (skip) return console.log(`modules: the interpreter test is skipped: ${skip}`);
    const path = realpathSync(join(dir, 'sim900'));
    const figures: string[] = [];
    const ways = (process.env.MODULES_WAYS || 'flash').split(',');
    const all = { RAM: { saveOnSend: 0 }, flash: { saveOnSend: 1, pretokenise: 0 }, 'flash pretokenised': { saveOnSend: 1, pretokenise: 1 } } as const;
    for (const [how, o] of Object.entries(all).filter(([k]) => ways.includes(k))) {
      const project = makeProject(sendScript(`Serial1.setup(115200, {path: ${JSON.stringify(path)}});`, servers, `from the interpreter (${how})`));
      try {
        const before = servers.smtp.received.length;
        const argv = uploadArgv(project, { ...o, port: `tcp://127.0.0.1:${TELNET_PORT}`, sleepS: 120 });
        const r = await board.exec(argv, 150000, { cwd: project, stopWhen: (out) => /<sent [^>]*>|not sent|modem:/.test(out) });
        const said = /<sent ([^>]*)>/.exec(r.out);
        const log = join(tmpdir(), `sim900-modules-cli-${how.replace(/\W+/g, '-')}.log`);
        if (!said) writeFileSync(log, r.out + r.err);
        assert.ok(said, `${how}: the board did not report the mail sent (the CLI's output is in ${log}):\n${r.out.slice(0, 1500)}\n...\n${r.out.slice(-1500)}\n${r.err.slice(-1000)}\ninterpreter:\n${board.output.slice(-1000)}`);
        assert.not.match(r.out, /Module s9\w+ not found|Uncaught/);
        for (let i = 0; i < 100 && servers.smtp.received.length === before; i++) await new Promise((res) => setTimeout(res, 50));
        assert.match(servers.smtp.received[before].raw.toString('latin1'), new RegExp(`Subject: from the interpreter \\(${how}\\)`));
        figures.push(`${how}: ${said![1]}`);
      } finally {
        rmSync(project, { recursive: true, force: true });
      }
    }
    // npm run flash -- --script: the same script with the modules the CLI finds, pretokenised by us, as .bootcde
    const project = makeProject(sendScript(`Serial1.setup(115200, {path: ${JSON.stringify(path)}});`, servers, 'from npm run flash --script'), []);
    try {
      const before = servers.smtp.received.length;
      const r = await board.flash(['--board', 'linux', '--port', `tcp://127.0.0.1:${TELNET_PORT}`, '--fast', '--script', join(project, 'app.js')]);
      assert.is(r.code, 0, r.out + r.err);
      assert.match(r.out, /flash: done: 1 files/);
      for (let i = 0; i < 200 && servers.smtp.received.length === before; i++) await new Promise((res) => setTimeout(res, 50));
      assert.match(servers.smtp.received[before].raw.toString('latin1'), /Subject: from npm run flash --script/);
      figures.push(`npm run flash --script: ${/\.bootcde +(\d+) bytes/.exec(r.out)![1]} bytes of .bootcde`);
    } finally {
      rmSync(project, { recursive: true, force: true });
    }
    console.log(`modules: the uploads to ${binary} (${board.where}):\n  ${figures.join('\n  ')}`);
  } finally {
    await board.close();
    await pty.close();
    emu.close();
    rmSync(dir, { recursive: true, force: true });
  }
});

if (!binary) console.log('modules: no Espruino interpreter (set ESPRUINO=/path/to/espruino): the CLI-to-interpreter test is skipped');
device.run();
