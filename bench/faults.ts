// `npm run faults [-- --seeds N] [-- --only <fault>] [-- --json]`: the fault matrix (issue 11). For every fault and
// seed, a fresh emulator with that fault, the client from the sources, real servers: one send, then one retrieve of
// what arrived. Each operation is judged against the servers, not against what the client says:
//  - hang: an operation that never called back (within a bound far above every wait of the client's);
//  - false success: sendMail answered success but the SMTP server never got the mail;
//  - false failure: sendMail answered an error but the mail was delivered;
//  - recovery: after a failed operation, the same operation with the fault switched off must succeed at once;
//  - a retrieve (or its recovery) must bring the whole message byte for byte.
// The figures are counts over all seeds; "ok" means 0 hangs, 0 false results, 0 failed recoveries.
import '../host/espruino-node';
import { createHash, randomBytes } from 'node:crypto';
import { simpleParser } from 'mailparser';
import { Sim900Emulator, type PartialOptions } from '../host/emulator';
import { clientAccounts, startMailServers, type MailServers } from '../host/servers';
import { connect, type Mail } from '../src/mail/client';
import { EmulatorSerial, FAST_EMULATOR } from '../test/helpers/world';

export interface FaultSpec {
  name: string;
  /** emulator options with the fault on */
  on: PartialOptions;
  /** attachment bytes of the mail (default 3000) */
  size?: number;
  /** what the run checks besides the rules above, e.g. the retrieve's rate */
  note?: string;
}

/** The faults the emulator can make (host/emulator/options.ts), each at a rate that hits most runs. */
export const FAULTS: FaultSpec[] = [
  { name: 'urc-storm', on: { chunkMax: 7, faults: { noiseRate: 0.5 } as any } },
  { name: 'reset', on: { faults: { resetRate: 0.2 } as any } },
  { name: 'bearer-loss', on: { faults: { bearerLossRate: 0.2 } as any } },
  { name: 'tcp-drop', on: { faults: { tcpDropRate: 0.2 } as any } },
  { name: 'slow-downlink-2KBps', on: { pop3RateBps: 2000 }, size: 15000, note: 'a 20 KB message read at 2 KB/s' },
];

export interface FaultFigures {
  runs: number;
  hangs: number;
  falseSuccesses: number;
  falseFailures: number;
  failures: number;
  recoveriesFailed: number;
  retrievesIncomplete: number;
  errors: Record<string, number>;
  seconds: number;
}

const HANG_MS = 180000;
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

async function booted(emu: Sim900Emulator): Promise<void> {
  await new Promise<void>((r) => emu.once('booted', () => r()));
  await emu.drained();
}

/** The fault switched off in place (the emulator reads its options as it goes). */
function faultOff(emu: Sim900Emulator, spec: FaultSpec): void {
  const o: any = (emu as any).opts;
  for (const k of Object.keys(spec.on)) {
    if (k == 'faults') for (const f of Object.keys((spec.on as any).faults)) o.faults[f] = typeof o.faults[f] == 'number' ? 0 : o.faults[f];
    else if (typeof o[k] == 'number') o[k] = 0;
  }
}

export async function runFault(servers: MailServers, spec: FaultSpec, seeds: number, log: (s: string) => void): Promise<FaultFigures> {
  const f: FaultFigures = { runs: 0, hangs: 0, falseSuccesses: 0, falseFailures: 0, failures: 0, recoveriesFailed: 0, retrievesIncomplete: 0, errors: {}, seconds: 0 };
  const t0 = Date.now();
  for (let seed = 1; seed <= seeds; seed++) {
    f.runs++;
    const emu = new Sim900Emulator(Object.assign({}, FAST_EMULATOR, { seed, timeoutScale: 0.05 }, spec.on));
    await booted(emu);
    const mail: Mail = connect(new EmulatorSerial(emu), { apn: 'internet', emailTimeout: 10, ...clientAccounts(servers), from: { address: 'board@example.org' } } as any);
    const count = (e: any) => (f.errors[e.code] = (f.errors[e.code] || 0) + 1);
    try {
      const subject = `fault ${spec.name} ${seed} ${randomBytes(4).toString('hex')}`;
      const data = randomBytes(spec.size || 3000);
      const arrived = () => servers.smtp.received.some((m) => m.raw.toString('latin1').includes(subject));
      const send = () => mail.sendMail({ to: 'a@example.org', subject, body: 'b', attachment: { name: 'x.bin', data: new Uint8Array(data) } });
      let r = await within(send(), HANG_MS);
      if (r.hung) {
        f.hangs++;
        continue;
      }
      await new Promise((res) => setTimeout(res, 300));
      if (!r.e && !arrived()) f.falseSuccesses++;
      const first = r.e;
      if (r.e) {
        count(r.e);
        f.failures++;
        if (arrived()) f.falseFailures++;
        else {
          faultOff(emu, spec);
          r = await within(send(), HANG_MS);
          if (r.hung) f.hangs++;
          if (r.hung || r.e) f.recoveriesFailed++, r.e && count(r.e), VERBOSE && log(`  seed ${seed}: send failed (${r.e && r.e.message}) after ${first.code}`);
        }
      }
      // the retrieve, with the fault on again where it was switched off for the recovery
      const read = async (): Promise<boolean> => {
        const box: any = await mail.pop3Login();
        const list: any[] = await box.uidl();
        let ok = false;
        for (const item of list) {
          const parts: Buffer[] = [];
          await box.retrieve(item.n, (c: string) => parts.push(Buffer.from(c, 'latin1')));
          const m = await simpleParser(Buffer.concat(parts));
          if (m.subject === subject) ok = !!m.attachments[0] && createHash('sha256').update(m.attachments[0].content).digest('hex') === createHash('sha256').update(data).digest('hex');
          await box.remove(item.n);
        }
        await box.logout();
        return ok;
      };
      if (!arrived()) continue;
      let g = await within(read(), HANG_MS);
      if (g.hung) {
        f.hangs++;
        continue;
      }
      if (g.e || !g.v) {
        if (g.e) count(g.e), f.failures++;
        faultOff(emu, spec);
        g = await within(read(), HANG_MS);
        if (g.hung) f.hangs++;
        // a recovery that finds the mail gone was preceded by a delete that did take effect: not a failure
        if (g.hung || g.e) f.recoveriesFailed++, g.e && count(g.e), VERBOSE && log(`  seed ${seed}: retrieve failed (${g.e && g.e.message})`);
        else if (!g.v) f.retrievesIncomplete++;
      }
    } finally {
      mail.close();
      emu.close();
    }
  }
  f.seconds = Math.round((Date.now() - t0) / 100) / 10;
  const ok = !f.hangs && !f.falseSuccesses && !f.falseFailures && !f.recoveriesFailed && !f.retrievesIncomplete;
  log(
    `faults/${spec.name}: ${f.runs} runs, ${f.failures} failed operations (${Object.keys(f.errors).map((k) => k + ' ' + f.errors[k]).join(', ') || 'none'}), ` +
      `hangs ${f.hangs}, false successes ${f.falseSuccesses}, false failures ${f.falseFailures}, failed recoveries ${f.recoveriesFailed}, incomplete retrieves ${f.retrievesIncomplete} ` +
      `in ${f.seconds} s${spec.note ? ' (' + spec.note + ')' : ''}: ${ok ? 'ok' : 'NOT OK'}`,
  );
  return f;
}

export async function benchFaults(log: (s: string) => void, seeds: number, only?: string): Promise<Record<string, FaultFigures>> {
  const servers = await startMailServers();
  const out: Record<string, FaultFigures> = {};
  try {
    for (const spec of FAULTS) if (!only || spec.name == only) out[spec.name] = await runFault(servers, spec, seeds, log);
  } finally {
    await servers.stop();
  }
  return out;
}

if (require.main === module) {
  const argv = process.argv.slice(2);
  const opt = (n: string) => (argv.indexOf(n) >= 0 ? argv[argv.indexOf(n) + 1] : undefined);
  benchFaults(console.log, Number(opt('--seeds') || 50), opt('--only')).then(
    (r) => {
      if (argv.includes('--json')) console.log(JSON.stringify(r));
      const bad = Object.values(r).some((f) => f.hangs || f.falseSuccesses || f.falseFailures || f.recoveriesFailed || f.retrievesIncomplete);
      process.exit(bad ? 1 : 0);
    },
    (e) => {
      console.error(e);
      process.exit(1);
    },
  );
}
