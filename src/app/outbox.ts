// The persistent outbox: every alert is in Storage before send() answers, and leaves it only once the module
// reported +SMTPSEND: 1 (or it was set aside as undeliverable). Storage names (at most 28 characters):
//   obseq        the last sequence number handed out
//   ob<seq>      a waiting alert, JSON {id, subject, body, att?: {name, type, file, own}, tries, error?}
//   oa<seq>      the bytes of an attachment given as data (the alert owns it)
//   ox<seq>      an alert set aside after a permanent failure, with its error
// An attachment file is written before its record: a crash between the two leaves an orphan oa<seq> that
// recover() removes, never a record without its bytes.
import { mailError } from '../errors';

export interface AlertAttachment {
  name: string;
  type?: 'text' | 'binary';
  /** the bytes, copied into Storage */
  data?: string | Uint8Array;
  /** or a file already in Storage, sent from there and left alone */
  file?: string;
}

export interface Alert {
  subject: string;
  body: string;
  attachment?: AlertAttachment;
}

export interface Record {
  id: number;
  subject: string;
  body: string;
  att?: { name: string; type?: string; file: string; own: boolean };
  tries: number;
  error?: { code: string; message: string };
}

const SEQ = 'obseq';
const PAD = '00000000';

function seqName(prefix: string, id: number): string {
  const s = String(id);
  return prefix + PAD.substr(0, Math.max(0, 8 - s.length)) + s;
}

export class Outbox {
  storage: any;

  constructor(storage: any) {
    this.storage = storage;
  }

  /** Writes the alert; returns its id. Throws a ParameterError for a malformed alert (nothing written). */
  add(alert: Alert): number {
    if (!alert || typeof alert.subject !== 'string' || typeof alert.body !== 'string')
      throw paramError('alert: needs a string subject and a string body');
    const a = alert.attachment;
    if (a && (typeof a.name !== 'string' || (a.data === undefined && typeof a.file !== 'string')))
      throw paramError('alert.attachment: needs a name and either data or a Storage file');
    if (a && a.file !== undefined && this.storage.read(a.file, 0, 0) === undefined)
      throw paramError(`alert.attachment.file: Storage file "${a.file}" not found`);
    const st = this.storage;
    const id = (parseInt(st.read(SEQ) || '0', 10) || 0) + 1;
    st.write(SEQ, String(id));
    const rec: Record = { id: id, subject: alert.subject, body: alert.body, tries: 0 };
    if (a) {
      if (a.data !== undefined) {
        const f = seqName('oa', id);
        st.write(f, a.data);
        rec.att = { name: a.name, type: a.type, file: f, own: true };
      } else rec.att = { name: a.name, type: a.type, file: a.file as string, own: false };
    }
    st.write(seqName('ob', id), JSON.stringify(rec));
    return id;
  }

  /** Ids of waiting alerts, oldest first. */
  ids(): number[] {
    const out: number[] = [];
    const names = this.storage.list(/^ob\d+$/);
    for (const n of names) out.push(parseInt(n.substr(2), 10));
    out.sort((x, y) => x - y);
    return out;
  }

  get(id: number): Record | undefined {
    const s = this.storage.read(seqName('ob', id));
    if (s === undefined) return undefined;
    try {
      return JSON.parse(s);
    } catch (e) {
      return undefined;
    }
  }

  /** Counts a failed try (persisted, so that a restart keeps the backoff's place). */
  tried(rec: Record, err: any): void {
    rec.tries++;
    rec.error = { code: String((err && err.code) || 'E_UNKNOWN'), message: String((err && err.message) || err) };
    this.storage.write(seqName('ob', rec.id), JSON.stringify(rec));
  }

  /** Sent: the record goes first (the commit point), then the attachment bytes it owned. */
  done(rec: Record): void {
    this.storage.erase(seqName('ob', rec.id));
    if (rec.att && rec.att.own) this.storage.erase(rec.att.file);
  }

  /** Undeliverable: kept aside under ox<seq> with the error, for the user to read. */
  setAside(rec: Record, err: any): void {
    rec.error = { code: String((err && err.code) || 'E_UNKNOWN'), message: String((err && err.message) || err) };
    this.storage.write(seqName('ox', rec.id), JSON.stringify(rec));
    this.storage.erase(seqName('ob', rec.id));
  }

  /** Alerts set aside, with their errors. */
  failed(): Record[] {
    const out: Record[] = [];
    for (const n of this.storage.list(/^ox\d+$/)) {
      const s = this.storage.read(n);
      if (s !== undefined) out.push(JSON.parse(s));
    }
    return out;
  }

  /** Removes attachment files whose record never got written (a crash inside add()). */
  recover(): number {
    let removed = 0;
    for (const n of this.storage.list(/^oa\d+$/)) {
      const id = parseInt(n.substr(2), 10);
      if (this.storage.read(seqName('ob', id), 0, 0) === undefined && this.storage.read(seqName('ox', id), 0, 0) === undefined) {
        this.storage.erase(n);
        removed++;
      }
    }
    return removed;
  }

  /** Size of a record's attachment, read from Storage without loading it. */
  attachmentSize(rec: Record): number {
    if (!rec.att) return 0;
    const s = this.storage.read(rec.att.file);
    return s === undefined ? -1 : s.length;
  }
}

function paramError(message: string): Error {
  return mailError('ParameterError', 'E_PARAM', message);
}
