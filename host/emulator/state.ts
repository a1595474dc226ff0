// The emulator's state types: input modes, command results, bearer profiles, the e-mail settings, the running
// SMTP and POP3 sessions, and their fresh values.

import type { SmtpSession } from './smtp';
import type { Pop3Session } from './pop3';
import type { NetFail } from './netline';
import type { Recipient } from './compose';

export type Mode = 'off' | 'boot' | 'cmd' | 'prompt' | 'download' | 'ftdata';

/** Result of one command of a command line. */
export type Res =
  | { t: 'ok' }
  | { t: 'error' }
  | { t: 'cme'; code: number }
  | { t: 'data' } // entered a data phase: the final result comes later
  | { t: 'none' }; // no final result now (sent already, comes as a URC, or never: power down, reset)

export const OK: Res = { t: 'ok' };
export const ERR: Res = { t: 'error' };
export const DATA: Res = { t: 'data' };
export const NONE: Res = { t: 'none' };

export interface BearerProfile {
  status: number; // 0 connecting, 1 connected, 2 closing, 3 closed
  ip: string;
  params: Record<string, string>;
}

export function freshBearer(): BearerProfile {
  return { status: 3, ip: '0.0.0.0', params: { CONTYPE: 'GPRS', APN: '', PHONENUM: '', USER: '', PWD: '', RATE: '2' } };
}

export interface SmtpState {
  session: SmtpSession;
  encodeType: number;
  /** Set while the module waits for AT+SMTPFT (after "+SMTPFT: 1,<max>"). */
  ft: { resolve: () => void; reject: (f: NetFail) => void; timer: NodeJS.Timeout | null } | null;
  /** The <maxLength> of the last "+SMTPFT: 1,<max>". */
  ftMax: number;
  done: boolean;
}

export interface ReadState {
  chunks: Buffer[];
  avail: number;
  complete: boolean;
  /** A read returned less than requested before the end: report new data with "+POP3READ: 3,<n>". */
  shortRead: boolean;
  lastRead: number;
  reminder: NodeJS.Timeout | null;
  /** Bytes received from the server but not yet "arrived" (downlink throttling). */
  incoming: Buffer[];
  endPending: boolean;
  throttle: NodeJS.Timeout | null;
}

export interface Pop3State {
  session: Pop3Session;
  loggedIn: boolean;
  /** A POP3 command is on its way to the server (its URC not yet sent). */
  pending: boolean;
  read: ReadState | null;
  /** Transcript lines already copied to the emulator's pop3Transcript. */
  copied: number;
}

export interface EmailSettings {
  cid: number;
  timeout: number;
  smtpHost: string;
  smtpPort: number;
  authType: number;
  user: string;
  password: string;
  fromAddress: string;
  fromName: string;
  rcpts: Recipient[];
  subject: string;
  body: Buffer;
  charset: string;
  /** AT+EMAILSSL: kept across sends (unlike server and recipients), lost at a reset. */
  ssl: number;
  fileType: number;
  fileName: string;
  encodeType: number;
  pop3Host: string;
  pop3User: string;
  pop3Password: string;
  pop3Port: number;
}

export function freshEmail(): EmailSettings {
  return {
    cid: 1,
    timeout: 30,
    smtpHost: '',
    smtpPort: 25,
    authType: 0,
    user: '',
    password: '',
    fromAddress: '',
    fromName: '',
    rcpts: [],
    subject: '',
    body: Buffer.alloc(0),
    charset: 'ASCII',
    ssl: 0,
    fileType: 0,
    fileName: '',
    encodeType: 0,
    pop3Host: '',
    pop3User: '',
    pop3Password: '',
    pop3Port: 110,
  };
}

export interface SentRecord {
  code: number;
  transcript: string[];
}

export function isHex(s: string): boolean {
  return s.length % 2 === 0 && /^[0-9A-Fa-f]*$/.test(s);
}

export function q(s: string): string {
  return '"' + s + '"';
}
