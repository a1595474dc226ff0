// Parsing the information lines of AT responses: "+SMTPSRV: "mail.sim.com",25", "+SMTPRCPT: (0-2),(0-4),48,48".

/** A field: a number, a string (quotes removed), or a range/list given in parentheses. */
export type Field = number | string | number[];

/** The part of a line after "<prefix>: " (or the whole line when the prefix is absent). */
export function payload(line: string, prefix: string): string {
  if (line.indexOf(prefix) !== 0) return line;
  let s = line.substr(prefix.length);
  if (s.charAt(0) === ':') s = s.substr(1);
  return s.charAt(0) === ' ' ? s.substr(1) : s;
}

/** "(0-2)" -> [0, 2]; "(0,1)" -> [0, 1]; "(1-3,5)" -> [1, 3, 5] (a range as its two ends, a list as its items). */
function parseGroup(s: string): number[] {
  const out: number[] = [];
  const items = s.split(',');
  for (let i = 0; i < items.length; i++) {
    const dash = items[i].indexOf('-', 1);
    if (dash > 0) {
      out.push(parseInt(items[i].substr(0, dash), 10));
      out.push(parseInt(items[i].substr(dash + 1), 10));
    } else out.push(parseInt(items[i], 10));
  }
  return out;
}

/** Splits at commas outside quotes and parentheses; strings lose their quotes, digits become numbers. */
export function fields(s: string): Field[] {
  const out: Field[] = [];
  let i = 0;
  const n = s.length;
  while (i <= n) {
    while (s.charAt(i) === ' ') i++;
    let end: number;
    let value: Field;
    const c = s.charAt(i);
    if (c === '"') {
      end = s.indexOf('"', i + 1);
      if (end < 0) end = n;
      value = s.substring(i + 1, end);
      end = s.indexOf(',', end);
    } else if (c === '(') {
      const close = s.indexOf(')', i);
      value = parseGroup(s.substring(i + 1, close < 0 ? n : close));
      end = close < 0 ? -1 : s.indexOf(',', close);
    } else {
      end = s.indexOf(',', i);
      const raw = s.substring(i, end < 0 ? n : end).trim();
      value = /^\d+$/.test(raw.charAt(0) === '-' ? raw.substr(1) : raw) ? parseInt(raw, 10) : raw;
    }
    out.push(value);
    if (end < 0) break;
    i = end + 1;
  }
  return out;
}

export function num(f: Field | undefined): number {
  return typeof f === 'number' ? f : typeof f === 'string' ? parseInt(f, 10) : NaN;
}

export function str(f: Field | undefined): string {
  return f === undefined ? '' : String(f);
}

/** The largest value a range field allows, e.g. (0-4) -> 4. */
export function maxOf(f: Field | undefined): number {
  if (typeof f === 'number') return f;
  if (f && typeof f === 'object' && f.length) return f[f.length - 1];
  return NaN;
}

export function minOf(f: Field | undefined): number {
  if (typeof f === 'number') return f;
  if (f && typeof f === 'object' && f.length) return f[0];
  return NaN;
}
