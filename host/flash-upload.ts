// The paced upload (--fast): Storage writes sent one command at a time over a BoardConsole, each sent only once the
// board has answered the one before (its completion marker), so the link never carries more than one command.
import type { BoardConsole } from './flash-console';

/**
 * File bytes per write command: 2048 base64 characters, a line of about 2.1 KB. What a command costs is mostly the
 * wait for its answer (the Linux port sleeps up to 50 ms when idle and does not wake for telnet input: about 45 ms a
 * command whatever its length; 384-byte pieces as the espruino CLI writes took 6.4 s for the library, 768-byte 3.1 s,
 * 1536-byte 1.7 s). After reset() even the smallest board (2756 JsVars) has room for the line, its string literal and
 * the decoded piece (about 500 JsVars).
 */
export const WRITE_PIECE = 1536;
/** one Storage write, including a compaction of the Storage area on a real board */
export const WRITE_TIMEOUT_MS = 20000;

/**
 * The writes of one Storage file, in the espruino CLI's own form: the first creates the file with its full size
 * (offset 0, size), the others fill it in at their offsets.
 */
export function writeExpressions(name: string, bytes: Buffer, piece = WRITE_PIECE): string[] {
  if (!bytes.length) throw new Error(`${name} is empty: Espruino cannot create a zero-length Storage file`);
  if (piece % 3) throw new Error('the write piece must be a multiple of 3 (whole base64 groups)');
  const out: string[] = [];
  for (let at = 0; at < bytes.length; at += piece) {
    const b64 = bytes.subarray(at, at + piece).toString('base64');
    out.push(`require("Storage").write(${JSON.stringify(name)},atob("${b64}"),${at}${at === 0 ? ',' + bytes.length : ''})`);
  }
  return out;
}

export interface UploadStats {
  commands: number;
  /** characters sent */
  sent: number;
  ms: number;
}

/** Writes `names` (in this order) of `files`, each command after the last one's answer; every write must answer true. */
export async function pacedWrite(con: BoardConsole, files: { [name: string]: Buffer }, names: string[], piece = WRITE_PIECE): Promise<UploadStats> {
  const t0 = Date.now();
  let commands = 0;
  let sent = 0;
  for (const name of names) {
    const writes = writeExpressions(name, files[name], piece);
    for (let i = 0; i < writes.length; i++) {
      const ok = await con.run(writes[i], WRITE_TIMEOUT_MS, `the write of ${name} at byte ${i * piece}`);
      commands++;
      sent += writes[i].length + 20;
      if (ok !== 'true') throw new Error(`writing ${name} at byte ${i * piece}: require("Storage").write answered ${JSON.stringify(ok)}, not true`);
    }
  }
  return { commands, sent, ms: Date.now() - t0 };
}
