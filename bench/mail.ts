// `npm run bench` part for the email client (issue 5), against real servers (Dovecot POP3 + the SMTP server from
// host/servers) and the SIM900 emulator, with the client from the sources:
//  - roundTripsFirstAlert / roundTripsRepeatAlert: AT commands written for a first and a second identical plain
//    alert after power-up (the first one includes the bearer, the =? limits and the persistent settings), the
//    command names of the repeat, and whether the repeat re-sent a setting the module still holds;
//  - attachmentLineRateRatio: a 64 KB binary attachment at 115200 baud, bytes per second from the first
//    AT+SMTPFT=<n> to the final +SMTPSEND: 1, divided by the line rate 11520 B/s (10 bits per byte).
//
// Line pacing. The emulator paces only its own output (module -> host, host/emulator/output.ts); its input()
// takes whatever the host writes at once. An attachment goes almost entirely host -> module (1360 data bytes per
// chunk against ~60 bytes of replies), so with unpaced input the transfer would look several times faster than
// the wire allows. A real UART sends the host's bytes at the line rate too, so for the realistic figure the
// serial port below also paces the client's writes: every write is queued (like a TX buffer) and handed to the
// emulator in pieces of at most 4 ms of line time, each piece when its last bit would have left the host's TX pin
// (a running clock at 10 bits per byte, restarted when the line was idle). Both directions are then paced,
// independently, as on a full-duplex UART. The unpaced-input figure is reported beside it
// (attachmentLineRateRatioUnpacedInput) only to show what the pacing changes; it is not the goal's figure.
//
// Bytes counted: `attachmentLineRateRatio` counts the bytes that cross the UART as attachment data, i.e. the
// base64 text in 76-character CRLF lines (78 bytes per 57 raw bytes, the sum of the <n> of every AT+SMTPFT=<n>);
// `attachmentRawLineRateRatio` counts the raw attachment bytes (65536) over the same time, so it is the encoded
// ratio times 57/78 and can never reach 0.95 with base64 over the UART.
import '../host/espruino-node';
import { createHash, randomBytes } from 'node:crypto';
import { simpleParser } from 'mailparser';
import { Sim900Emulator, type PartialOptions } from '../host/emulator';
import { clientAccounts, startMailServers, type MailServers } from '../host/servers';
import { connect, type Mail } from '../src/mail/client';

export interface MailBench {
  roundTripsFirstAlert: number;
  roundTripsRepeatAlert: number;
  /** command names of the first alert, in order */
  firstAlertCommands: string[];
  /** command names of the repeat alert, in order, e.g. "AT+SMTPSRV" */
  repeatAlertCommands: string[];
  /** true when the repeat alert sent AT+EMAILCID / AT+EMAILTO / AT+EMAILSSL / AT+SAPBR / AT+SMTPCS / a =? form / the clear-list AT+SMTPRCPT=0 */
  repeatAlertResendsHeld: boolean;
  /** the offending command lines, if any */
  repeatAlertHeldSent: string[];
  attachmentRawBytes: number;
  /** base64 bytes that crossed the UART as attachment data (sum of AT+SMTPFT=<n>) */
  attachmentWireBytes: number;
  attachmentSeconds: number;
  attachmentLineRateRatio: number;
  attachmentRawLineRateRatio: number;
  attachmentLineRateRatioUnpacedInput: number;
  attachmentChunks: number;
  attachmentSha256Match: boolean;
}

const BAUD = 115200;
const LINE_RATE = BAUD / 10; // bytes per second, 10 bits per byte (start + 8 data + stop)
const ATTACHMENT_BYTES = 64 * 1024;

/** The emulator's timing that does not matter for these figures (bearer open/close delays) made short. */
const EMULATOR_BASE: PartialOptions = {
  sapbrOpenDelayMs: 5,
  sapbrCloseDelayMs: 5,
  // docs/module-facts.md §7.2: the module drops server, auth, sender, recipients, subject, body and file after a send
  clearAfterSend: true,
};

/** A Serial-like port over the emulator; with `baud` it delivers the host's writes at that line rate. */
class BenchSerial {
  private fns: ((d: string) => void)[] = [];
  private txQueue: Buffer[] = [];
  private txTimer: NodeJS.Timeout | null = null;
  private txStart = 0;
  private txBytes = 0;
  onOutput: ((s: string, t: number) => void) | null = null;

  constructor(
    private emu: Sim900Emulator,
    private baud: number,
  ) {
    emu.on('output', (b: Buffer) => {
      const s = b.toString('latin1');
      if (this.onOutput) this.onOutput(s, now());
      for (const f of this.fns.slice()) f(s);
    });
  }
  on(_ev: string, fn: (d: string) => void): void {
    this.fns.push(fn);
  }
  removeListener(_ev: string, fn: (d: string) => void): void {
    this.fns = this.fns.filter((f) => f !== fn);
  }
  setup(): void {}
  write(d: string | Uint8Array): void {
    const b = typeof d === 'string' ? Buffer.from(d, 'latin1') : Buffer.from(d);
    if (this.baud <= 0) {
      this.emu.input(b);
      return;
    }
    this.txQueue.push(b);
    if (!this.txTimer) this.pump();
  }
  close(): void {
    if (this.txTimer) clearTimeout(this.txTimer);
    this.txTimer = null;
    this.txQueue = [];
  }

  /** Hands the next piece (at most 4 ms of line time) to the emulator when its last byte has left the TX pin. */
  private pump(): void {
    this.txTimer = null;
    if (!this.txQueue.length) return;
    const t = now();
    const lineFreeAt = this.txStart + (this.txBytes * 10000) / this.baud;
    if (t > lineFreeAt + 1) {
      // idle line: restart the clock (a write starts when it is made)
      this.txStart = t;
      this.txBytes = 0;
    }
    const pieceMax = Math.max(1, Math.floor((this.baud / 10000) * 4));
    const head = this.txQueue[0];
    const piece = head.length <= pieceMax ? head : head.subarray(0, pieceMax);
    if (piece === head) this.txQueue.shift();
    else this.txQueue[0] = head.subarray(pieceMax);
    this.txBytes += piece.length;
    const due = this.txStart + (this.txBytes * 10000) / this.baud;
    this.txTimer = setTimeout(() => {
      this.emu.input(piece);
      this.pump();
    }, Math.max(0, due - now()));
  }
}

function now(): number {
  return Number(process.hrtime.bigint()) / 1e6;
}

interface Rig {
  emu: Sim900Emulator;
  serial: BenchSerial;
  mail: Mail;
  /** every command line the client issued, with the time it was issued (ms) */
  commands: { t: number; line: string }[];
  stop(): void;
}

/** A freshly powered-up module (boot URCs passed) and a client connected to it. */
async function rig(servers: MailServers, emuOpts: PartialOptions, paceWrites: boolean): Promise<Rig> {
  const emu = new Sim900Emulator(Object.assign({}, EMULATOR_BASE, emuOpts));
  const booted = new Promise<void>((r) => emu.once('booted', () => r()));
  const serial = new BenchSerial(emu, paceWrites ? emuOpts.baud || BAUD : 0);
  const mail = connect(serial, {
    apn: 'internet',
    emailTimeout: 30,
    ...clientAccounts(servers),
    from: { address: 'board@example.org', name: 'Pump station 4' },
  } as any);
  // every command the client issues goes through the engine's send (mail.commands counts them)
  // (the engine writes a command as soon as it is issued when no other command runs, as is the case for
  // AT+SMTPFT=<n>, which the client issues on the module's +SMTPFT: 1 URC)
  const commands: { t: number; line: string }[] = [];
  const send = mail.at.send;
  mail.at.send = (cmd, cb): void => {
    commands.push({ t: now(), line: cmd.line });
    send(cmd, cb);
  };
  await booted;
  await emu.drained();
  await new Promise((r) => setTimeout(r, 5));
  return {
    emu,
    serial,
    mail,
    commands,
    stop() {
      mail.close();
      serial.close();
      emu.close();
    },
  };
}

function commandName(line: string): string {
  const m = /^AT(\+[A-Z0-9]+|[A-Z&][A-Z0-9]*)/.exec(line);
  if (!m) return line;
  const rest = line.slice(2 + m[1].length);
  // the test and read forms keep their suffix (AT+EMAILCID=? is a limits query, AT+EMAILCID=1 a setting)
  return 'AT' + m[1] + (rest === '=?' || rest === '?' ? rest : '');
}

const HELD = ['AT+EMAILCID', 'AT+EMAILTO', 'AT+EMAILSSL', 'AT+SAPBR', 'AT+SMTPCS'];

async function roundTrips(servers: MailServers, log: (s: string) => void): Promise<Pick<MailBench, 'roundTripsFirstAlert' | 'roundTripsRepeatAlert' | 'firstAlertCommands' | 'repeatAlertCommands' | 'repeatAlertResendsHeld' | 'repeatAlertHeldSent'>> {
  const r = await rig(servers, {}, false);
  try {
    const alert = { to: 'ops@example.org', subject: 'pump 4 down', body: 'pressure 0.2 bar' };
    const c0 = r.mail.commands;
    const first = await r.mail.sendMail(alert);
    const c1 = r.mail.commands;
    const firstLines = r.commands.slice(c0, c1).map((c) => c.line);
    const mark = r.commands.length;
    const second = await r.mail.sendMail(alert);
    const c2 = r.mail.commands;
    const repeat = r.commands.slice(mark).map((c) => c.line);
    if (first.commands !== c1 - c0 || second.commands !== c2 - c1 || repeat.length !== second.commands)
      throw new Error(`command counts disagree: sendMail ${first.commands}/${second.commands}, mail.commands ${c1 - c0}/${c2 - c1}, seen ${repeat.length}`);
    await servers.smtp.waitForMessage(servers.smtp.received.length - 1, 5000);
    const held = repeat.filter((l) => HELD.some((h) => l.indexOf(h) === 0) || l.indexOf('=?') >= 0 || l === 'AT+SMTPRCPT=0');
    const out = {
      roundTripsFirstAlert: first.commands,
      roundTripsRepeatAlert: second.commands,
      firstAlertCommands: firstLines.map(commandName),
      repeatAlertCommands: repeat.map(commandName),
      repeatAlertResendsHeld: held.length > 0,
      repeatAlertHeldSent: held,
    };
    log(`mail/alerts: first alert ${out.roundTripsFirstAlert} AT commands: ${out.firstAlertCommands.join(' ')}`);
    log(`mail/alerts: repeat ${out.roundTripsRepeatAlert}: ${out.repeatAlertCommands.join(' ')}`);
    log(`mail/alerts: repeat re-sends a held setting: ${out.repeatAlertResendsHeld}${held.length ? ' (' + held.join(', ') + ')' : ''}`);
    return out;
  } finally {
    r.stop();
  }
}

interface AttachmentRun {
  seconds: number;
  wireBytes: number;
  chunks: number;
  shaMatch: boolean;
}

async function attachmentRun(servers: MailServers, paceWrites: boolean): Promise<AttachmentRun> {
  const r = await rig(servers, { baud: BAUD }, paceWrites);
  try {
    const data = randomBytes(ATTACHMENT_BYTES);
    let tail = '';
    let end = 0;
    r.serial.onOutput = (s, t) => {
      tail = (tail + s).slice(-40);
      if (!end && tail.indexOf('+SMTPSEND: 1') >= 0) end = t;
    };
    const before = servers.smtp.received.length;
    const res = await r.mail.sendMail({
      to: 'ops@example.org',
      subject: 'camera 2',
      body: 'picture attached',
      attachment: { name: 'cam2.jpg', data: new Uint8Array(data.buffer, data.byteOffset, data.length), type: 'binary' },
    });
    if (res.attachmentBytes !== ATTACHMENT_BYTES) throw new Error(`attachmentBytes ${res.attachmentBytes} != ${ATTACHMENT_BYTES}`);
    const ft = r.commands.filter((l) => /^AT\+SMTPFT=[1-9]/.test(l.line));
    if (!ft.length || !end) throw new Error('no AT+SMTPFT=<n> or no +SMTPSEND: 1 seen');
    const wireBytes = ft.reduce((a, l) => a + parseInt(l.line.slice(10), 10), 0);
    const msg = await servers.smtp.waitForMessage(before, 10000);
    const parsed = await simpleParser(msg.raw);
    const got = parsed.attachments[0] && parsed.attachments[0].content;
    const shaMatch = !!got && createHash('sha256').update(got).digest('hex') === createHash('sha256').update(data).digest('hex');
    return { seconds: (end - ft[0].t) / 1000, wireBytes, chunks: ft.length, shaMatch };
  } finally {
    r.stop();
  }
}

export async function benchMail(log: (s: string) => void): Promise<MailBench> {
  const servers = await startMailServers();
  try {
    const rt = await roundTrips(servers, log);
    const paced = await attachmentRun(servers, true);
    const unpaced = await attachmentRun(servers, false);
    const ratio = (bytes: number, s: number): number => Math.round((bytes / s / LINE_RATE) * 1000) / 1000;
    const out: MailBench = {
      ...rt,
      attachmentRawBytes: ATTACHMENT_BYTES,
      attachmentWireBytes: paced.wireBytes,
      attachmentSeconds: Math.round(paced.seconds * 1000) / 1000,
      attachmentLineRateRatio: ratio(paced.wireBytes, paced.seconds),
      attachmentRawLineRateRatio: ratio(ATTACHMENT_BYTES, paced.seconds),
      attachmentLineRateRatioUnpacedInput: ratio(unpaced.wireBytes, unpaced.seconds),
      attachmentChunks: paced.chunks,
      attachmentSha256Match: paced.shaMatch && unpaced.shaMatch,
    };
    log(
      `mail/attachment: 64 KB binary at ${BAUD} baud, both directions paced: ${paced.wireBytes} base64 bytes in ${paced.chunks} AT+SMTPFT chunks, ` +
        `${out.attachmentSeconds} s from the first AT+SMTPFT=<n> to +SMTPSEND: 1 -> line-rate ratio ${out.attachmentLineRateRatio} (goal 0.95), raw bytes ${out.attachmentRawLineRateRatio}`,
    );
    log(`mail/attachment: with unpaced host writes (emulator paces only its output) the ratio would read ${out.attachmentLineRateRatioUnpacedInput}; sha256 match ${out.attachmentSha256Match}`);
    return out;
  } finally {
    await servers.stop();
  }
}
