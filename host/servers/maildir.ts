// Maildir delivery the way an MDA does it: write the whole file into tmp/, then rename it into new/ under a
// unique name (time, microseconds, pid, counter, host), so a reader never sees a partial message.
import { mkdirSync, openSync, writeSync, fsyncSync, closeSync, renameSync, chownSync, unlinkSync } from 'node:fs';
import { join } from 'node:path';
import { hostname } from 'node:os';

export interface MaildirOwner {
  uid: number;
  gid: number;
}

let counter = 0;
let lastSec = 0;
let lastUsec = -1;

/** Creates <dir>/{tmp,new,cur} (and <dir>) when missing, owned by `owner` when given. */
export function ensureMaildir(dir: string, owner?: MaildirOwner): void {
  for (const d of [dir, join(dir, 'tmp'), join(dir, 'new'), join(dir, 'cur')]) {
    mkdirSync(d, { recursive: true, mode: 0o700 });
    if (owner) chownSync(d, owner.uid, owner.gid);
  }
}

/** The host part of a Maildir name, with '/' and ':' escaped as the Maildir convention says. */
function safeHost(): string {
  return hostname().replace(/\//g, '\\057').replace(/:/g, '\\072') || 'localhost';
}

/** Delivers `raw` into the Maildir and returns the path of the file in new/. */
export function deliverToMaildir(dir: string, raw: Buffer, owner?: MaildirOwner): string {
  const wall = Date.now();
  let sec = Math.floor(wall / 1000);
  let usec = (wall % 1000) * 1000 + (Math.floor(process.hrtime()[1] / 1000) % 1000);
  // names of one process must sort in delivery order (Dovecot numbers new mail by name): never go back in time
  if (sec < lastSec || (sec === lastSec && usec <= lastUsec)) {
    sec = lastSec;
    usec = lastUsec + 1;
    if (usec > 999999) {
      sec++;
      usec = 0;
    }
  }
  lastSec = sec;
  lastUsec = usec;
  counter++;
  const base = `${sec}.M${String(usec).padStart(6, '0')}P${process.pid}Q${counter}.${safeHost()}`;
  const tmp = join(dir, 'tmp', base);
  const fd = openSync(tmp, 'wx', 0o600);
  try {
    let off = 0;
    while (off < raw.length) off += writeSync(fd, raw, off, raw.length - off);
    fsyncSync(fd);
  } catch (e) {
    closeSync(fd);
    unlinkSync(tmp);
    throw e;
  }
  closeSync(fd);
  if (owner) chownSync(tmp, owner.uid, owner.gid);
  const dest = join(dir, 'new', base);
  renameSync(tmp, dest);
  return dest;
}
