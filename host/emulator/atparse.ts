// Command-line parsing for the SIM900 emulator: splits one command line (the text after the "AT" prefix)
// into basic commands (E0, V1, &W, S3=13 ...) and extended commands (+NAME with =?, ?, =params or nothing).

export type Form = 'test' | 'read' | 'write' | 'exec';

export interface BasicCommand {
  kind: 'basic';
  /** Upper-case name: "E", "V", "&W", "S3", "I" ... */
  name: string;
  /** Digits (or "=v" / "?" for S registers) following the name, raw. */
  arg: string;
}

export interface ExtendedCommand {
  kind: 'ext';
  /** Upper-case name including the "+", e.g. "+SMTPSRV". */
  name: string;
  form: Form;
  /** Raw parameter text for the write form (after "="), without the terminating ";". */
  raw: string;
}

export type Command = BasicCommand | ExtendedCommand;

export interface Param {
  /** Value with the quotes removed. */
  value: string;
  quoted: boolean;
  /** True when nothing at all was given at this position (e.g. the middle of "1,,2"). */
  empty: boolean;
}

/** Parses the text after "AT". Returns null on a syntax error. */
export function splitCommands(rest: string): Command[] | null {
  const out: Command[] = [];
  let i = 0;
  const n = rest.length;
  while (i < n) {
    const c = rest[i];
    if (c === ' ' || c === ';') {
      i++;
      continue;
    }
    if (c === '+' || c === '*' || c === '#' || c === '$' || c === '^') {
      let j = i + 1;
      while (j < n && /[A-Za-z0-9_]/.test(rest[j])) j++;
      if (j === i + 1) return null;
      const name = rest.substring(i, j).toUpperCase();
      let form: Form = 'exec';
      let raw = '';
      if (rest.startsWith('=?', j)) {
        form = 'test';
        j += 2;
      } else if (rest[j] === '?') {
        form = 'read';
        j += 1;
      } else if (rest[j] === '=') {
        form = 'write';
        j += 1;
        let k = j;
        let inQ = false;
        while (k < n) {
          const ch = rest[k];
          if (ch === '"') inQ = !inQ;
          else if (ch === ';' && !inQ) break;
          k++;
        }
        if (inQ) return null;
        raw = rest.substring(j, k);
        j = k;
      }
      // Only spaces may separate the command from a following ";" or the end of the line.
      while (j < n && rest[j] === ' ') j++;
      if (j < n && rest[j] !== ';') return null;
      out.push({ kind: 'ext', name, form, raw });
      i = j;
      continue;
    }
    if (c === '&') {
      if (i + 1 >= n || !/[A-Za-z]/.test(rest[i + 1])) return null;
      let j = i + 2;
      while (j < n && /[0-9]/.test(rest[j])) j++;
      out.push({ kind: 'basic', name: '&' + rest[i + 1].toUpperCase(), arg: rest.substring(i + 2, j) });
      i = j;
      continue;
    }
    if (/[A-Za-z]/.test(c)) {
      const L = c.toUpperCase();
      if (L === 'S') {
        let j = i + 1;
        while (j < n && /[0-9]/.test(rest[j])) j++;
        if (j === i + 1) return null;
        const reg = rest.substring(i + 1, j);
        let arg = '';
        if (rest[j] === '?') {
          arg = '?';
          j++;
        } else if (rest[j] === '=') {
          let k = j + 1;
          while (k < n && /[0-9]/.test(rest[k])) k++;
          arg = rest.substring(j, k);
          j = k;
        }
        out.push({ kind: 'basic', name: 'S' + reg, arg });
        i = j;
        continue;
      }
      if (L === 'D') {
        out.push({ kind: 'basic', name: 'D', arg: rest.substring(i + 1) });
        i = n;
        continue;
      }
      let j = i + 1;
      while (j < n && /[0-9]/.test(rest[j])) j++;
      out.push({ kind: 'basic', name: L, arg: rest.substring(i + 1, j) });
      i = j;
      continue;
    }
    return null;
  }
  return out;
}

/**
 * Splits a parameter list at commas outside quotes. A '"' opens a string that the next '"' closes (no escapes;
 * a comma inside quotes is literal). Spaces around parameters are dropped. Returns null on a malformed list
 * (unterminated quote, text after a closing quote).
 */
export function parseParams(raw: string): Param[] | null {
  const out: Param[] = [];
  if (raw.length === 0) return out;
  let i = 0;
  const n = raw.length;
  for (;;) {
    while (i < n && raw[i] === ' ') i++;
    if (raw[i] === '"') {
      const close = raw.indexOf('"', i + 1);
      if (close < 0) return null;
      out.push({ value: raw.substring(i + 1, close), quoted: true, empty: false });
      i = close + 1;
      while (i < n && raw[i] === ' ') i++;
      if (i < n && raw[i] !== ',') return null;
    } else {
      let j = raw.indexOf(',', i);
      if (j < 0) j = n;
      const v = raw.substring(i, j).trim();
      if (v.indexOf('"') >= 0) return null;
      out.push({ value: v, quoted: false, empty: v.length === 0 });
      i = j;
    }
    if (i >= n) break;
    i++; // the comma
    if (i >= n) {
      out.push({ value: '', quoted: false, empty: true });
      break;
    }
  }
  return out;
}

/** An integer parameter (quoted digits accepted, as modules tolerate "465"), or null. */
export function intParam(p: Param | undefined): number | null {
  if (!p || p.empty) return null;
  if (!/^[0-9]{1,9}$/.test(p.value)) return null;
  return parseInt(p.value, 10);
}

/** A string parameter (unquoted text tolerated), or null when absent. */
export function strParam(p: Param | undefined): string | null {
  if (!p) return null;
  if (p.empty && !p.quoted) return null;
  return p.value;
}

/** True if the text holds a control character (0x00-0x1F, 0x7F), which must never reach a mail header. */
export function hasControl(s: string): boolean {
  return /[\x00-\x1f\x7f]/.test(s);
}
