// The Storage files a flash writes: their bytes, the room they take, their order, and the code that erases the
// library files a previous flash left.

/** the Storage files of the library start with this; stale ones are erased */
export const LIBRARY_PREFIX = 's9';

/** Storage files as they are to be written: name -> exact bytes. */
export type StorageFiles = { [name: string]: Buffer };

/** The built files (latin1 strings) and the --config file as bytes. */
export function storageFiles(built: { [name: string]: string }, mailJson: string | null): StorageFiles {
  const out: StorageFiles = {};
  for (const n of Object.keys(built)) out[n] = Buffer.from(built[n], 'latin1');
  if (mailJson !== null) out['mail.json'] = Buffer.from(mailJson);
  return out;
}

/** Storage bytes a file takes (Espruino's src/jsflash.c): a 32-byte header (size, 28-character name), its data padded to 8 bytes (4 on most chips). */
export function storageCost(bytes: number): number {
  return 32 + Math.ceil(bytes / 8) * 8;
}

export function storageNeed(files: StorageFiles): number {
  return Object.keys(files).reduce((t, n) => t + storageCost(files[n].length), 0);
}

/**
 * The order of the writes: .bootcde first, because in the earlier one-bundle layout it held the whole library, the
 * largest file a previous flash can have left; rewritten first, its room is free for the modules. mail.json last.
 */
export function writeOrder(names: string[]): string[] {
  const rest = names.filter((n) => n !== '.bootcde' && n !== 'mail.json').sort();
  return [...names.filter((n) => n === '.bootcde'), ...rest, ...names.filter((n) => n === 'mail.json')];
}

/** One line of JS that erases the library's files (s9*) on the board that are not in `names`: those a previous flash left. */
export function eraseStaleSource(names: string[]): string {
  const keep = names.filter((n) => n.startsWith(LIBRARY_PREFIX)).sort();
  return `require("Storage").list(/^${LIBRARY_PREFIX}/).forEach(function(n){if(${JSON.stringify(keep)}.indexOf(n)<0)require("Storage").erase(n)})`;
}
