// Makes this Node process look like Espruino to the board code run from its sources (the tests "via source"):
//  - require("s9at"), require("s9mail"), ... find the sources of those Storage modules (host/build.ts MODULES) and
//    require("Storage") a folder-backed Storage holding the data files a board carries (the command table, the charset tables);
//  - Modules.removeCached(name) forgets a module as Espruino does (its next require evaluates it anew);
//  - E.toString / E.toUint8Array, and Uint8Array.prototype.set taking a binary string as Espruino's does.
// Import it for its side effects before any board code.
import Module from 'node:module';
import { join } from 'node:path';
import { FolderStorage } from './storage';
import { ROOT } from './boards';
import { MODULES } from './build';
import { TABLE } from '../src/mail/table';
import { charsetTables } from './charset-tables';

const FILES: Record<string, string> = {};
for (const m of MODULES) FILES[m.name] = join(ROOT, m.entry);

/** The Storage of board code run from its sources (a fresh folder per test process). */
export const nodeStorage = new FolderStorage();
nodeStorage.write('s9cmd', TABLE);
nodeStorage.write('s9cs', charsetTables());
const STORAGE_ID = '\0espruino-storage';

const M: any = Module;
const resolve = M._resolveFilename;
M._resolveFilename = function (request: string, ...rest: any[]) {
  if (FILES[request]) return FILES[request];
  if (request === 'Storage') return STORAGE_ID;
  return resolve.call(this, request, ...rest);
};
const load = M._load;
M._load = function (request: string, ...rest: any[]) {
  if (request === 'Storage') return nodeStorage.api;
  return load.call(this, request, ...rest);
};

const g: any = globalThis;
if (!g.Modules)
  g.Modules = {
    removeCached(name: string) {
      // (Espruino throws for a module that is not in the cache)
      if (!FILES[name] || !require.cache[FILES[name]]) throw new Error(`Module "${name}" not found`);
      delete require.cache[FILES[name]];
    },
    addCached() {},
  };
if (!g.E)
  g.E = {
    toString: (d: any) => (typeof d === 'string' ? d : Buffer.from(d.buffer ? new Uint8Array(d.buffer, d.byteOffset, d.byteLength) : d).toString('latin1')),
    toUint8Array: (d: any) => new Uint8Array(typeof d === 'string' ? Buffer.from(d, 'latin1') : d),
    on() {},
    kickWatchdog() {},
    enableWatchdog() {},
    getSizeOf: () => 0,
  };
const set = Uint8Array.prototype.set;
Object.defineProperty(Uint8Array.prototype, 'set', {
  configurable: true,
  writable: true,
  value: function (this: Uint8Array, src: any, offset?: number) {
    return set.call(this, typeof src === 'string' ? Buffer.from(src, 'latin1') : src, offset);
  },
});
