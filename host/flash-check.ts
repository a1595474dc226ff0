// The self-check: for each Storage file the board reports its size and the CRC32 of each 1 KB piece (E.CRC32 over
// require("Storage").read(name, offset, 1024), so no file is ever read whole into RAM), and the host compares them with
// the bytes it meant to write.
import { crc32 } from 'node:zlib';
import type { BoardConsole } from './flash-console';

export const CHECK_PIECE = 1024;
export const CHECK_TIMEOUT_MS = 20000;

export interface Digest {
  size: number;
  crcs: number[];
}

/** What the board should answer for `bytes`. */
export function hostDigest(bytes: Buffer, piece = CHECK_PIECE): Digest {
  const crcs: number[] = [];
  for (let at = 0; at < bytes.length; at += piece) crcs.push(crc32(bytes.subarray(at, at + piece)));
  return { size: bytes.length, crcs };
}

/**
 * JS for the board: "missing", "nocrc" (no E.CRC32 in this firmware), or "<size> <crc> <crc> ...". It reads at most
 * one piece past the expected size, so a longer file shows as longer without being read to its end.
 */
export function checkExpression(name: string, expectedSize: number, piece = CHECK_PIECE): string {
  return (
    '(function(S,n,P,m){if(typeof E.CRC32!="function")return "nocrc";var r=[],l=0,i=0,p;' +
    'for(;i<=m;i+=P){p=S.read(n,i,P);if(p===undefined)return "missing";if(!p.length)break;l+=p.length;r.push(E.CRC32(p));if(p.length<P)break}' +
    `return l+" "+r.join(" ")})(require("Storage"),${JSON.stringify(name)},${piece},${expectedSize})`
  );
}

/** The problem with a file, from the board's answer to checkExpression(); null when it checks out. */
export function compareDigest(name: string, bytes: Buffer, answer: string, piece = CHECK_PIECE): string | null {
  if (answer === 'missing') return `${name} is missing on the board`;
  if (answer === 'nocrc') return `${name} cannot be checked: this firmware has no E.CRC32`;
  const parts = answer.trim().split(' ');
  const nums = parts.map(Number);
  if (!parts.length || nums.some((n) => !Number.isInteger(n) || n < 0)) return `${name}: the board's answer ${JSON.stringify(answer.slice(0, 80))} is not a size and checksums`;
  const want = hostDigest(bytes, piece);
  const size = nums[0];
  const crcs = nums.slice(1);
  if (size !== want.size) return `${name} has ${size > want.size ? 'more than ' + want.size : size} bytes on the board, ${want.size} were written`;
  for (let i = 0; i < want.crcs.length; i++) {
    if (crcs[i] !== want.crcs[i]) {
      const from = i * piece;
      return `${name} differs on the board in bytes ${from}-${Math.min(from + piece, want.size) - 1} (CRC32 ${crcs[i] === undefined ? 'missing' : crcs[i]}, expected ${want.crcs[i]})`;
    }
  }
  return null;
}

/** Checks each file on the board, one command per file; returns name -> problem for those that do not check out. */
export async function checkFiles(con: BoardConsole, files: { [name: string]: Buffer }, names: string[]): Promise<{ [name: string]: string }> {
  const problems: { [name: string]: string } = {};
  for (const n of names) {
    const answer = await con.run(checkExpression(n, files[n].length), CHECK_TIMEOUT_MS, `the check of ${n}`);
    const p = compareDigest(n, files[n], answer);
    if (p) problems[n] = p;
  }
  return problems;
}

/** The Storage files of the library (s9*) on the board that `keep` does not hold: what a flash erases, a check reports. */
export async function staleFiles(con: BoardConsole, prefix: string, keep: string[]): Promise<string[]> {
  const answer = await con.run(`JSON.stringify(require("Storage").list(/^${prefix}/))`, CHECK_TIMEOUT_MS, 'the list of Storage files');
  let names: string[];
  try {
    names = JSON.parse(answer);
  } catch (e) {
    throw new Error(`the board's list of Storage files is not JSON: ${JSON.stringify(answer.slice(0, 80))}`);
  }
  return names.filter((n) => !keep.includes(n)).sort();
}

/** E.getErrorFlags() (which also clears them), as written in the docs: FIFO_FULL, LOW_MEMORY... */
export async function errorFlags(con: BoardConsole): Promise<string[]> {
  // lower case on the wire: the console watch would take "FIFO_FULL" in an answer for an error report
  const answer = await con.run('E.getErrorFlags().join(" ").toLowerCase()', CHECK_TIMEOUT_MS, 'E.getErrorFlags()');
  return answer.trim() ? answer.trim().toUpperCase().split(/\s+/) : [];
}
