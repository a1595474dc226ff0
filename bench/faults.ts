// `npm run faults [-- --seeds N] [--only <fault>] [--via source|module|both] [--json] [--verbose]`: the fault matrix
// (issue 11). For every fault and seed: a fresh emulator with that fault, the client (from the sources, or the linux
// board's Storage modules in the sandbox), real servers; one send, then one retrieve of what arrived. Each operation
// is judged against the servers, not against what the client says:
//  - hang: an operation that never called back (within a bound far above every wait of the client's);
//  - false success: sendMail answered success but the SMTP server never got the mail;
//  - false failure: sendMail answered an error but the mail was delivered;
//  - unexpected failure: any failure under a condition the client must ride out (URCs, short counts, slow links);
//  - recovery: after a failed operation, the same operation with the fault switched off must succeed at once;
//  - a retrieve (or its recovery) must bring the whole message byte for byte.
// "ok" means all of these are 0.
import '../host/espruino-node';
import { createHash, randomBytes } from 'node:crypto';
import { readdirSync, unlinkSync } from 'node:fs';
import { join } from 'node:path';
import { simpleParser } from 'mailparser';
import type { PartialOptions } from '../host/emulator';
import { SMTP_STAGES, startMailServers, type MailServers, type MailServersOptions } from '../host/servers';
import { startWorld, type Via, type World } from '../test/helpers/world';

export interface FaultSpec {
  name: string;
  /** emulator options with the fault on */
  on: PartialOptions;
  /** attachment bytes of the mail (default 3000) */
  size?: number;
  /** recipients of the mail (default 1) */
  recipients?: number;
  /** the client's emailTimeout (AT+EMAILTO), default 10 */
  emailTimeout?: number;
  /** servers of its own (e.g. a slow SMTP server); the seeds then run all at once and only send */
  servers?: MailServersOptions;
  /** a condition the client must ride out: every failure counts against it */
  transparent?: boolean;
  /** what the run shows besides the rules above */
  note?: string;
}

const every = (delayMs: number) => SMTP_STAGES.filter((s) => s != 'rset' && s != 'noop').map((stage) => ({ stage, delayMs, times: Infinity }));

/** The faults the emulator can make (host/emulator/options.ts), each at a rate that hits most runs. */
export const FAULTS: FaultSpec[] = [
  { name: 'urc-storm', on: { chunkMax: 7, faults: { noiseRate: 0.5 } }, transparent: true, note: 'URCs at any line boundary, around counted data' },
  { name: 'reset', on: { faults: { resetRate: 0.2 } } },
  { name: 'reset-in-read', on: { faults: { resetInDataRate: 0.3 } } as PartialOptions, size: 9000 },
  { name: 'bearer-loss', on: { faults: { bearerLossRate: 0.2 } } },
  { name: 'tcp-drop', on: { faults: { tcpDropRate: 0.2 } } },
  { name: 'ft-short-counts', on: { faults: { ftShortRate: 0.5, ftMaxVary: true } } as PartialOptions, size: 9000, transparent: true, note: '+SMTPFT: 2,<fewer than asked>, a changing maximum' },
  { name: 'slow-downlink-2KBps', on: { pop3RateBps: 2000 }, size: 15000, transparent: true, note: 'a 20 KB message read at 2 KB/s' },
  {
    name: 'slow-smtp-stages-8s',
    on: { timeoutScale: 1 },
    servers: { smtp: { faults: every(8000) } },
    recipients: 3,
    emailTimeout: 10,
    transparent: true,
    note: 'every SMTP step answered in 8 s, AT+EMAILTO=10, 3 recipients: no false failure, no duplicate',
  },
];

export interface FaultFigures {
  runs: number;
  hangs: number;
  falseSuccesses: number;
  falseFailures: number;
  unexpectedFailures: number;
  duplicates: number;
  failures: number;
  recoveriesFailed: number;
  retrievesIncomplete: number;
  errors: Record<string, number>;
  seconds: number;
}

const HANG_MS = 300000;
const VERBOSE = process.argv.includes('--verbose');

function within<T>(p: Promise<T>, ms: number): Promise<{ v?: T; e?: any; hung?: boolean }> {
  return new Promise((resolve) => {
    const t = setTimeout(() => resolve({ hung: true }), ms);
    p.then(
      (v) => (clearTimeout(t), resolve({ v })),
      (e) => (clearTimeout(t), resolve({ e })),
    );
  });
}

/** The fault switched off in place (the emulator reads its options as it goes). */
function faultOff(w: World, spec: FaultSpec): void {
  const o: any = (w.emu as any).opts;
  const off = (v: any) => (typeof v == 'boolean' ? false : typeof v == 'number' || Array.isArray(v) ? 0 : v);
  for (const k of Object.keys(spec.on)) {
    if (k == 'faults') for (const f of Object.keys((spec.on as any).faults)) o.faults[f] = off(o.faults[f]);
    else if (k != 'timeoutScale') o[k] = off(o[k]);
  }
}

function emptyMailbox(servers: MailServers): void {
  for (const sub of ['new', 'cur']) {
    const dir = join(servers.pop3.maildir, sub);
    for (const f of readdirSync(dir)) unlinkSync(join(dir, f));
  }
}

const sha = (b: Uint8Array) => createHash('sha256').update(b).digest('hex');

async function oneSeed(servers: MailServers, spec: FaultSpec, via: Via, seed: number, f: FaultFigures, retrieve: boolean, log: (s: string) => void): Promise<void> {
  f.runs++;
  const w = await startWorld({
    reuse: servers,
    via,
    emulator: Object.assign({ seed, timeoutScale: 0.05 }, spec.on),
    client: { emailTimeout: spec.emailTimeout || 10, from: { address: 'board@example.org' } },
  });
  const count = (e: any) => (f.errors[e.code] = (f.errors[e.code] || 0) + 1);
  const say = (s: string) => VERBOSE && log(`  ${spec.name} ${via} seed ${seed}: ${s}`);
  try {
    const subject = `fault ${spec.name} ${seed} ${randomBytes(4).toString('hex')}`;
    const data = randomBytes(spec.size || 3000);
    const to: string[] = [];
    for (let i = 0; i < (spec.recipients || 1); i++) to.push(`r${i}@example.org`);
    const arrivals = () => servers.smtp.received.filter((m) => m.raw.toString('latin1').includes(subject)).length;
    const send = () => w.mail.sendMail({ to, subject, body: 'b', attachment: { name: 'x.bin', data: new Uint8Array(data) } });
    let r = await within(send(), HANG_MS);
    if (r.hung) return void (f.hangs++, say('send hung'));
    await new Promise((res) => setTimeout(res, 300));
    if (!r.e && !arrivals()) f.falseSuccesses++, say('send answered success, nothing arrived');
    if (r.e) {
      count(r.e);
      f.failures++;
      if (spec.transparent) f.unexpectedFailures++, say(`send failed: ${r.e.message}`);
      if (arrivals()) f.falseFailures++, say(`send failed (${r.e.message}) but the mail arrived`);
      else {
        const first = r.e;
        faultOff(w, spec);
        r = await within(send(), HANG_MS);
        if (r.hung) f.hangs++;
        if (r.hung || r.e) f.recoveriesFailed++, r.e && count(r.e), say(`send failed (${r.e && r.e.message}) after ${first.code}`);
      }
    }
    if (arrivals() > 1) f.duplicates++, say(`${arrivals()} copies arrived`);
    if (!retrieve || !arrivals()) return;
    // the retrieve, with the fault on again where it was switched off for the recovery
    Object.assign((w.emu as any).opts.faults, (spec.on as any).faults || {});
    const read = async (): Promise<boolean> => {
      const box: any = await w.mail.pop3Login();
      const list: any[] = await box.uidl();
      let ok = false;
      for (const item of list) {
        const parts: Buffer[] = [];
        await box.retrieve(item.n, (c: string) => parts.push(Buffer.from(c, 'latin1')));
        const m = await simpleParser(Buffer.concat(parts));
        if (m.subject === subject) ok = !!m.attachments[0] && sha(m.attachments[0].content) === sha(data);
        await box.remove(item.n);
      }
      await box.logout();
      return ok;
    };
    let g = await within(read(), HANG_MS);
    if (g.hung) return void (f.hangs++, say('retrieve hung'));
    if (g.e || !g.v) {
      if (g.e) count(g.e), f.failures++, say(`retrieve failed: ${g.e.message}`);
      if (spec.transparent) f.unexpectedFailures++;
      faultOff(w, spec);
      g = await within(read(), HANG_MS);
      if (g.hung) f.hangs++;
      // a recovery that finds the mail gone was preceded by a delete that did take effect: not a failure
      if (g.hung || g.e) f.recoveriesFailed++, g.e && count(g.e), say(`retrieve recovery failed (${g.e && g.e.message})`);
      else if (!g.v && !g.e && !(await gone(w))) f.retrievesIncomplete++;
    }
  } finally {
    await w.stop();
  }
}

/** After a recovery that did not find the mail: true when the mailbox is empty (a delete took effect before). */
async function gone(w: World): Promise<boolean> {
  const box: any = await w.mail.pop3Login();
  const n = (await box.count()).count;
  await box.logout();
  return n == 0;
}

export async function runFault(shared: MailServers, spec: FaultSpec, seeds: number, via: Via, log: (s: string) => void): Promise<FaultFigures> {
  const f: FaultFigures = { runs: 0, hangs: 0, falseSuccesses: 0, falseFailures: 0, unexpectedFailures: 0, duplicates: 0, failures: 0, recoveriesFailed: 0, retrievesIncomplete: 0, errors: {}, seconds: 0 };
  const t0 = Date.now();
  if (spec.servers) {
    // a server of its own is slow by design: the seeds run side by side and only send (they share one mailbox)
    const servers = await startMailServers(spec.servers);
    try {
      const all: Promise<void>[] = [];
      for (let seed = 1; seed <= seeds; seed++) all.push(oneSeed(servers, spec, via, seed, f, false, log));
      await Promise.all(all);
    } finally {
      await servers.stop();
    }
  } else for (let seed = 1; seed <= seeds; seed++) await oneSeed(shared, spec, via, seed, f, true, log);
  f.seconds = Math.round((Date.now() - t0) / 100) / 10;
  log(
    `faults/${spec.name} (${via}): ${f.runs} runs, ${f.failures} failed operations (${Object.keys(f.errors).map((k) => k + ' ' + f.errors[k]).join(', ') || 'none'}), ` +
      `hangs ${f.hangs}, false successes ${f.falseSuccesses}, false failures ${f.falseFailures}, unexpected failures ${f.unexpectedFailures}, duplicates ${f.duplicates}, ` +
      `failed recoveries ${f.recoveriesFailed}, incomplete retrieves ${f.retrievesIncomplete} in ${f.seconds} s${spec.note ? ' (' + spec.note + ')' : ''}: ${ok(f) ? 'ok' : 'NOT OK'}`,
  );
  return f;
}

export function ok(f: FaultFigures): boolean {
  return !f.hangs && !f.falseSuccesses && !f.falseFailures && !f.unexpectedFailures && !f.duplicates && !f.recoveriesFailed && !f.retrievesIncomplete;
}

export async function benchFaults(log: (s: string) => void, seeds: number, vias: Via[], only?: string): Promise<Record<string, FaultFigures>> {
  const servers = await startMailServers();
  const out: Record<string, FaultFigures> = {};
  try {
    for (const spec of FAULTS)
      if (!only || spec.name == only)
        for (const via of vias) {
          emptyMailbox(servers);
          out[spec.name + '/' + via] = await runFault(servers, spec, seeds, via, log);
        }
  } finally {
    await servers.stop();
  }
  return out;
}

if (require.main === module) {
  const argv = process.argv.slice(2);
  const opt = (n: string) => (argv.indexOf(n) >= 0 ? argv[argv.indexOf(n) + 1] : undefined);
  const via = opt('--via') || 'both';
  const only = opt('--only');
  const seeds = Number(opt('--seeds') || 50);
  const bad = (s: string) => (console.error(`faults: ${s}`), process.exit(2));
  if (['source', 'module', 'both'].indexOf(via) < 0) bad(`--via is source, module or both, not ${via}`);
  if (!(seeds >= 1 && Number.isInteger(seeds))) bad(`--seeds wants a whole number >= 1`);
  if (only && !FAULTS.some((s) => s.name == only)) bad(`no fault ${only} (one of ${FAULTS.map((s) => s.name).join(', ')})`);
  const json = argv.includes('--json');
  benchFaults(json ? console.error : console.log, seeds, via == 'both' ? ['source', 'module'] : [via as Via], only).then(
    (r) => {
      if (json) console.log(JSON.stringify(r));
      process.exit(Object.values(r).every(ok) ? 0 : 1);
    },
    (e) => {
      console.error(e);
      process.exit(1);
    },
  );
}
