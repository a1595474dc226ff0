// The AT session as a picture: record an emulator's session (record.ts), render it as one self-contained HTML page
// (html.ts), and keep that page written to a file while the session runs (traceToFile).
import { renameSync, writeFileSync } from 'node:fs';
import type { Sim900Emulator } from '../emulator';
import { recordSession, type RecorderOptions, type TraceRecorder } from './record';
import { renderHtml, type RenderOptions } from './html';

export { recordSession, TraceRecorder, STEPS, isRun, redactSecrets, stepOfCommand } from './record';
export type { Step, TraceEvent, TraceRun, TraceItem, TraceStats, RecorderOptions } from './record';
export { renderHtml, esc, printable, COLORS } from './html';
export type { RenderOptions } from './html';

/** The page of what `rec` has recorded so far. */
export function traceHtml(rec: TraceRecorder, o?: RenderOptions): string {
  return renderHtml(rec.items(), rec.stats(), o);
}

export interface TraceFile {
  readonly recorder: TraceRecorder;
  readonly path: string;
  /** Writes the page now (whole, through a temporary file and a rename); returns its size in bytes. */
  flush(): number;
  /** Writes the page a last time and stops recording; returns its size in bytes. */
  close(): number;
}

export interface TraceFileOptions extends RenderOptions, Pick<RecorderOptions, 'showSecrets' | 'maxItems'> {
  /** least ms between two rewrites after final results (default 1000) */
  minIntervalMs?: number;
  /** rewrite at least this often while events come (default 5000) */
  everyMs?: number;
}

/**
 * Records `emu`'s session and keeps the page at `path` up to date: rewritten after final results (at most once per
 * minIntervalMs) and every everyMs while anything new came, so that a killed process leaves the session up to its
 * last seconds. The timers never keep the process alive.
 */
export function traceToFile(emu: Sim900Emulator, path: string, o: TraceFileOptions = {}): TraceFile {
  const minIntervalMs = o.minIntervalMs ?? 1000;
  // (a long session makes a big page: the gap between rewrites grows with the time one takes, 20 times that)
  let minInterval = minIntervalMs;
  let dirty = false;
  let closed = false;
  let last = 0;
  let soon: NodeJS.Timeout | null = null;
  const write = (): number => {
    if (soon) clearTimeout(soon);
    soon = null;
    dirty = false;
    last = Date.now();
    const html = traceHtml(recorder, o);
    const tmp = `${path}.${process.pid}.tmp`;
    writeFileSync(tmp, html);
    renameSync(tmp, path);
    minInterval = Math.max(minIntervalMs, 20 * (Date.now() - last));
    return Buffer.byteLength(html);
  };
  const safeWrite = () => {
    try {
      write();
    } catch (e) {
      process.stderr.write(`trace: cannot write ${path}: ${(e as Error).message}\n`);
    }
  };
  const recorder = recordSession(emu, {
    showSecrets: o.showSecrets,
    maxItems: o.maxItems,
    onEvent: () => (dirty = true),
    onFinal: () => {
      if (closed || soon) return;
      soon = setTimeout(safeWrite, Math.max(0, last + minInterval - Date.now()));
      soon.unref();
    },
  });
  const every = setInterval(() => dirty && !closed && Date.now() - last >= minInterval && safeWrite(), o.everyMs ?? 5000);
  every.unref();
  try {
    write(); // the file exists from the start
  } catch (e) {
    recorder.detach();
    clearInterval(every);
    throw new Error(`trace: cannot write ${path}: ${(e as NodeJS.ErrnoException).code ?? (e as Error).message}`);
  }
  return {
    recorder,
    path,
    flush: write,
    close() {
      if (closed) return 0;
      closed = true;
      clearInterval(every);
      const n = write();
      recorder.detach();
      return n;
    },
  };
}
