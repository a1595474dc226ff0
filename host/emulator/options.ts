// Options of the SIM900 emulator, with their defaults. Every number that is a range [min, max] is drawn with
// the emulator's seeded PRNG.

export type Range = number | [number, number];

export interface Maxima {
  smtpServer: number;
  userName: number;
  password: number;
  senderAddress: number;
  senderName: number;
  rcptAddress: number;
  rcptName: number;
  /** Highest <index> of AT+SMTPRCPT (indices 0..rcptIndexMax). */
  rcptIndexMax: number;
  subject: number;
  body: number;
  fileName: number;
  charset: number;
  pop3Server: number;
  /** +SMTPFT: 1,<maxLength>. */
  ftMax: number;
  /** Upper bound of AT+POP3READ=<reqLength>. */
  pop3Read: number;
  /** Upper bound of <msgNumber> reported by the =? forms. */
  msgNumber: number;
}

export interface Faults {
  /**
   * Probability, per line boundary the module produces (before any line it sends, right after a counted
   * POP3READ block, after "+SMTPFT: 2,<n>" while the host sends its bytes), of a noise URC there. Never inside a
   * line or counted data; held while the host is in a data phase and flushed after the final result.
   */
  noiseRate: number;
  /** Noise URCs to choose from (the non-reset URCs of docs/module-facts.md §3.7; never RDY or +CFUN: 1). */
  noiseUrcs: string[];
  /**
   * Probability, per SMTP stage / attachment chunk / POP3 command / POP3READ data block, that the network drops the
   * bearer: "+SAPBR <cid>: DEACT", then "+SMTPSEND: 61" or "+POP3OUT: 61".
   */
  bearerLossRate: number;
  /** Probability, per SMTP stage / attachment chunk / AT+POP3READ, that the module resets (boot URCs, all lost). */
  resetRate: number;
  /**
   * Probability, per SMTP stage / attachment chunk / POP3 command / POP3READ data block, that the TCP connection
   * drops: "+SMTPSEND: 63" or "+POP3OUT: 63".
   */
  tcpDropRate: number;
  /**
   * Probability, per AT+POP3READ data block, that the module restarts inside the counted data: the header and
   * part of the bytes, silence for resetInDataPauseMs, then the boot URCs; everything is lost as with a reset.
   */
  resetInDataRate: number;
  /** Probability, per AT+SMTPFT=<len> with len > 1, of "+SMTPFT: 2,<cnf>" with 1 <= cnf < len (cnf bytes taken). */
  ftShortRate: number;
  /** Each "+SMTPFT: 1,<max>" announces a random maximum in [64, maxima.ftMax] instead of maxima.ftMax. */
  ftMaxVary: boolean;
}

export interface EmulatorOptions {
  /** 'sim900' (AT+SMTPBODY execution form with "> " prompt) or 'sim800' (AT+SMTPBODY=<len> then DOWNLOAD). */
  dialect: 'sim900' | 'sim800';
  seed: number;
  /** Pace output at this baud rate (10 bits per byte). 0 = no pacing (as fast as the event loop goes). */
  baud: number;
  /** Split output into random chunks of 1..chunkMax bytes, each its own 'output' event. 0 = off. */
  chunkMax: number;
  /** Emit the boot URCs when created (true), or start powered off until powerOn() (false). */
  autoBoot: boolean;
  /** Delay before the boot URCs, and between them. */
  bootDelayMs: Range;
  /** Emit the power-on garbage 00 49 49 49 49 FF FF FF FF before RDY (real modules do at 115200). */
  bootGarbage: boolean;
  /** Include the boot URCs RDY / +CFUN: 1 / +CPIN: READY / Call Ready / SMS Ready (fixed baud: true). */
  bootUrcs: boolean;
  sapbrOpenDelayMs: Range;
  sapbrCloseDelayMs: Range;
  /** AT+SAPBR=1,<cid> fails with ERROR (status stays 3), as on a module without network. */
  sapbrOpenFails: boolean;
  /** Delay before the network work of SMTPSEND / POP3 commands starts (models GPRS latency). */
  networkDelayMs: Range;
  /** Extra delay before a final network URC (+SMTPSEND:, +POP3xxx:). */
  resultDelayMs: Range;
  /**
   * Extra time each SMTP step takes on the server's side (greeting, EHLO, AUTH, MAIL FROM, each RCPT TO, DATA,
   * end of data, QUIT); scaled by timeoutScale like EMAILTO. A step slower than AT+EMAILTO ends the send with 64.
   */
  smtpStageDelayMs: Range;
  /** The same for each POP3 answer (greeting, USER, PASS, each command); slower than EMAILTO: 64. */
  pop3StageDelayMs: Range;
  /** Silence between the cut data and the boot URCs of a resetInDataRate fault (the client sees a 1.5 s gap). */
  resetInDataPauseMs: Range;
  /** Scale applied to AT+EMAILTO seconds (tests use e.g. 0.01 so a 10 s timeout takes 100 ms). */
  timeoutScale: number;
  /** Clear server/auth/from/rcpt/subject/body/file after each AT+SMTPSEND (MGAMAN's claim, docs/module-facts.md §7.2). */
  clearAfterSend: boolean;
  /** POP3READ data includes the server's "+OK ..." status line. */
  pop3IncludeOk: boolean;
  /** POP3READ data includes the final ".\r\n" line. */
  pop3IncludeDot: boolean;
  /** POP3READ data has the server's dot-stuffing removed (a data line "..x" reads ".x"); default false: raw. */
  pop3Unstuff: boolean;
  /** Interval of the "+POP3READ: 3,<n>" reminder while unread data waits (0 = never repeat). */
  pop3ReminderMs: number;
  /** Unread data older than this makes the module quit POP3 with "+POP3OUT: 69" (0 = never). */
  pop3UnreadQuitMs: number;
  /** Downlink throughput for POP3 data in bytes per second (GPRS is a few KB/s); 0 = as fast as the server. */
  pop3RateBps: number;
  /** What to do with bytes that arrive while a command is still executing: queue them, or drop them. */
  busyInput: 'queue' | 'drop';
  /**
   * Bytes that arrive after a data command's CR (its LF excepted) but before the module has written DOWNLOAD, the
   * "> " prompt or "+SMTPFT: 2,<n>": dropped (and noted in violations), or kept as the first data bytes.
   */
  earlyData: 'drop' | 'keep';
  /** Time the module takes before it writes DOWNLOAD, "> " or "+SMTPFT: 2,<n>" (real modules answer in 20-90 ms). */
  promptDelayMs: Range;
  /** The name used in EHLO. */
  ehloName: string;
  /**
   * The firmware has AT+EMAILSSL (the SIM800 family does; the V1.02 SIM900 manual has no such command, some SIM900
   * firmware accepts it). Left out: what the dialect's module has (sim800 yes, sim900 no). Without it every form of
   * AT+EMAILSSL answers ERROR.
   */
  emailssl?: boolean;
  /**
   * The module checks the server's certificate (chain to `tlsCa`, and the name given in AT+SMTPSRV/AT+POP3SRV).
   * Default false: SIMCom's e-mail TLS does not verify unless certificates are loaded into the module, which these
   * commands cannot do. A refused certificate fails the handshake: +SMTPSEND: 63 / +POP3IN: 63.
   */
  tlsVerify: boolean;
  /** The authorities trusted when tlsVerify is on (PEM); null: Node's built-in list. */
  tlsCa: string | Buffer | null;
  /** The newest TLS version the module speaks (its TLS stack predates TLS 1.3). */
  tlsMaxVersion: 'TLSv1.2' | 'TLSv1.3';
  /** The module's clock for the Date header (default: now). */
  now: () => Date;
  maxima: Maxima;
  faults: Faults;
  /**
   * Network routing, like the carrier's DNS: maps the host/port that AT+SMTPSRV / AT+POP3SRV name to the one
   * actually connected to (e.g. the manual's "mail.sim.com",25 -> a test server on 127.0.0.1). Return null to
   * resolve the name with the system resolver as usual.
   */
  route: ((host: string, port: number, service: 'smtp' | 'pop3') => { host: string; port: number } | null) | null;
  /** The IP address the bearer gets (default: a random 10.x.y.z). */
  bearerIp: string | null;
  /** Firmware revision (AT+CGMR, AT+GMR, AT+GSV); left out: the dialect's (1137B03SIM900M64_ST_MMS, 1418B04SIM800L24). */
  revision?: string;
  /** "<rssi>,<ber>" of AT+CSQ while the module is registered. */
  csq: string;
  /** AT+CGSN / AT+GSN. */
  imei: string;
  /** AT+CCID: the SIM card's ICCID. */
  ccid: string;
  /** The network the module registers on (AT+COPS): long and short name, numeric MCC+MNC. */
  operator: { long: string; short: string; numeric: string };
  /** Registration status once registered: 1 home network, 5 roaming (also 0, 2 or 3: never registers). */
  registration: number;
  /** Time from power-on (or AT+CFUN=1) to registration; meanwhile the status is 2 (searching). */
  registerDelayMs: Range;
}

export const DEFAULT_MAXIMA: Maxima = {
  smtpServer: 64,
  userName: 32,
  password: 32,
  senderAddress: 48,
  senderName: 48,
  rcptAddress: 48,
  rcptName: 48,
  rcptIndexMax: 4,
  subject: 64,
  body: 4096,
  fileName: 48,
  charset: 16,
  pop3Server: 64,
  ftMax: 1360,
  pop3Read: 1460,
  msgNumber: 65535,
};

export const DEFAULT_FAULTS: Faults = {
  noiseRate: 0,
  noiseUrcs: ['RING', '+CMTI: "SM",1', 'UNDER-VOLTAGE WARNNING', '+CREG: 1', '+CGREG: 1', 'Call Ready', 'SMS Ready', '+CPIN: READY'],
  bearerLossRate: 0,
  resetRate: 0,
  tcpDropRate: 0,
  resetInDataRate: 0,
  ftShortRate: 0,
  ftMaxVary: false,
};

export function defaultOptions(): EmulatorOptions {
  return {
    dialect: 'sim900',
    seed: 1,
    baud: 0,
    chunkMax: 0,
    autoBoot: true,
    bootDelayMs: 0,
    bootGarbage: false,
    bootUrcs: true,
    sapbrOpenDelayMs: [1000, 3000],
    sapbrCloseDelayMs: [500, 1500],
    sapbrOpenFails: false,
    networkDelayMs: 0,
    resultDelayMs: 0,
    smtpStageDelayMs: 0,
    pop3StageDelayMs: 0,
    resetInDataPauseMs: 2000,
    timeoutScale: 1,
    clearAfterSend: false,
    pop3IncludeOk: false,
    pop3IncludeDot: true,
    pop3Unstuff: false,
    pop3ReminderMs: 30000,
    pop3UnreadQuitMs: 120000,
    pop3RateBps: 0,
    busyInput: 'queue',
    earlyData: 'drop',
    promptDelayMs: 0,
    ehloName: 'sim900',
    tlsVerify: false,
    tlsCa: null,
    tlsMaxVersion: 'TLSv1.2',
    now: () => new Date(),
    maxima: { ...DEFAULT_MAXIMA },
    faults: { ...DEFAULT_FAULTS, noiseUrcs: DEFAULT_FAULTS.noiseUrcs.slice() },
    route: null,
    bearerIp: null,
    csq: '18,0',
    imei: '861234567890127',
    ccid: '89010010000000000019',
    operator: { long: 'Test Network', short: 'TEST', numeric: '00101' },
    registration: 1,
    registerDelayMs: 0,
  };
}

export type PartialOptions = Partial<Omit<EmulatorOptions, 'maxima' | 'faults'>> & {
  maxima?: Partial<Maxima>;
  faults?: Partial<Faults>;
};

export function resolveOptions(o: PartialOptions | undefined): EmulatorOptions {
  const d = defaultOptions();
  if (!o) return d;
  const { maxima, faults, ...rest } = o;
  const out: EmulatorOptions = { ...d, ...(rest as Partial<EmulatorOptions>) };
  out.maxima = { ...d.maxima, ...(maxima || {}) };
  out.faults = { ...d.faults, ...(faults || {}) };
  return out;
}
