// require("Storage") for the host sandbox, backed by a folder: one file per Storage file, so a test can stop a
// sandboxed board and start another on the same folder, as a board keeps its flash across a reset.
import { existsSync, mkdirSync, mkdtempSync, readFileSync, readdirSync, renameSync, statSync, unlinkSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';

/** Espruino 2v29 limits a Storage file name to 28 characters. */
export const MAX_NAME = 28;
/** StorageFile data lives in files named name + "\x01", "\x02", ... on a board; here in one file with this suffix. */
const STORAGEFILE_SUFFIX = '\x01';

function encodeName(name: string): string {
  return Buffer.from(name, 'latin1').toString('hex');
}
function decodeName(file: string): string {
  return Buffer.from(file, 'hex').toString('latin1');
}

export class FolderStorage {
  readonly dir: string;
  readonly api: any;
  /** total flash for Storage, to answer getFree() */
  capacity = 1 << 20;

  constructor(dir?: string) {
    this.dir = dir ?? mkdtempSync(join(tmpdir(), 'espruino-storage-'));
    mkdirSync(this.dir, { recursive: true });
    const self = this;
    this.api = {
      read: (name: string, offset?: number, length?: number) => self.read(name, offset, length),
      readJSON: (name: string, noExceptions?: boolean) => {
        const s = self.read(name);
        if (s === undefined) return undefined;
        try {
          return JSON.parse(s);
        } catch (e) {
          if (noExceptions) return undefined;
          throw e;
        }
      },
      readArrayBuffer: (name: string) => {
        const s = self.read(name);
        return s === undefined ? undefined : Uint8Array.from(Buffer.from(s, 'latin1')).buffer;
      },
      write: (name: string, data: any, offset?: number, size?: number) => self.write(name, data, offset, size),
      writeJSON: (name: string, data: any) => self.write(name, JSON.stringify(data)),
      erase: (name: string) => self.erase(name),
      eraseAll: () => {
        for (const f of readdirSync(self.dir)) unlinkSync(join(self.dir, f));
      },
      list: (re?: RegExp | string) => self.list(re),
      getFree: () => self.capacity - self.used(),
      getStats: () => ({ totalBytes: self.capacity, freeBytes: self.capacity - self.used(), fileBytes: self.used(), fileCount: self.list().length, trashBytes: 0, trashCount: 0 }),
      compact: () => {},
      debug: () => {},
      open: (name: string, mode: string) => self.open(name, mode),
    };
  }

  private path(name: string): string {
    if (typeof name !== 'string' || !name.length) throw new Error('Storage: no file name');
    if (name.length > MAX_NAME) throw new Error(`Storage: file name "${name}" longer than ${MAX_NAME} characters`);
    return join(this.dir, encodeName(name));
  }

  read(name: string, offset?: number, length?: number): string | undefined {
    const p = this.path(name);
    if (!existsSync(p)) return undefined;
    let s = readFileSync(p).toString('latin1');
    if (offset !== undefined) s = s.substr(offset, length ?? s.length);
    return s;
  }

  write(name: string, data: any, offset?: number, size?: number): boolean {
    const p = this.path(name);
    const bytes = typeof data === 'string' ? Buffer.from(data, 'latin1') : Buffer.from(data.buffer ? new Uint8Array(data.buffer, data.byteOffset, data.byteLength) : data);
    // a new file (or a rewrite, once the old copy is compacted away) needs room; Espruino throws this when the
    // Storage area is full
    if (!offset) {
      const old = existsSync(p) ? statSync(p).size : 0;
      if (this.used() - old + (size ?? bytes.length) > this.capacity) throw new Error('Unable to find or create file');
    }
    if (offset === undefined && size === undefined) {
      this.atomicWrite(p, bytes);
      return true;
    }
    // Espruino: a write with a size creates a file of that size (erased flash, 0xFF) and later writes fill it.
    let file: Buffer;
    if (size !== undefined && (offset ?? 0) === 0) file = Buffer.alloc(size, 0xff);
    else if (existsSync(p)) file = readFileSync(p);
    else throw new Error(`Storage: write at offset ${offset} into missing file "${name}"`);
    const at = offset ?? 0;
    if (at + bytes.length > file.length) throw new Error(`Storage: write past the end of "${name}"`);
    bytes.copy(file, at);
    this.atomicWrite(p, file);
    return true;
  }

  private atomicWrite(p: string, bytes: Buffer): void {
    const tmp = p + '.tmp';
    writeFileSync(tmp, bytes);
    renameSync(tmp, p);
  }

  erase(name: string): void {
    const p = this.path(name);
    if (existsSync(p)) unlinkSync(p);
  }

  list(re?: RegExp | string): string[] {
    const names = readdirSync(this.dir)
      .filter((f) => !f.endsWith('.tmp'))
      .map(decodeName)
      .sort();
    if (re === undefined) return names;
    const r = typeof re === 'string' ? new RegExp(re.replace(/[.*+?^${}()|[\]\\]/g, '\\$&')) : re;
    return names.filter((n) => r.test(n));
  }

  used(): number {
    return readdirSync(this.dir).reduce((a, f) => a + statSync(join(this.dir, f)).size, 0);
  }

  open(name: string, mode: string): any {
    if (name.length > MAX_NAME - 1) throw new Error(`Storage: StorageFile name "${name}" longer than ${MAX_NAME - 1} characters`);
    const store = this;
    const fname = name + STORAGEFILE_SUFFIX;
    if (mode === 'w') store.write(fname, '');
    else if (mode === 'a') {
      if (store.read(fname) === undefined) store.write(fname, '');
    } else if (mode !== 'r') throw new Error(`Storage: open mode must be "r", "w" or "a", got "${mode}"`);
    let pos = 0;
    return {
      read(len: number): string | undefined {
        const all = store.read(fname);
        if (all === undefined || pos >= all.length) return undefined;
        const s = all.substr(pos, len);
        pos += s.length;
        return s;
      },
      readLine(): string | undefined {
        const all = store.read(fname);
        if (all === undefined || pos >= all.length) return undefined;
        const nl = all.indexOf('\n', pos);
        const end = nl < 0 ? all.length : nl + 1;
        const s = all.substring(pos, end);
        pos = end;
        return s;
      },
      write(data: string): void {
        if (mode === 'r') throw new Error('Storage: file opened for reading');
        const prev = store.read(fname) ?? '';
        store.write(fname, prev + data);
      },
      getLength(): number {
        return (store.read(fname) ?? '').length;
      },
      erase(): void {
        store.erase(fname);
      },
    };
  }
}
