// Checks what a user passes for a mail before a byte goes to the module: addresses, names, subject, body,
// attachment name. Whatever reaches the module later goes through the AT engine's one parameter encoder too.
import { mailError, type MailError } from '../errors';

export interface Address {
  address: string;
  name?: string;
}

/** "a@b.c", {address, name} or "Name <a@b.c>" -> Address, or a ParameterError. */
export function toAddress(v: any, what: string): Address | MailError {
  if (v && typeof v === 'object' && typeof v.address === 'string') return checkAddress({ address: v.address, name: v.name }, what);
  if (typeof v !== 'string') return mailError('ParameterError', 'E_PARAM', `${what}: expected an address, got ${typeof v}`);
  const lt = v.lastIndexOf('<');
  if (lt >= 0 && v.charAt(v.length - 1) === '>') {
    let name = v.substr(0, lt).trim();
    if (name.charAt(0) === '"' && name.charAt(name.length - 1) === '"') name = name.substr(1, name.length - 2);
    return checkAddress({ address: v.substring(lt + 1, v.length - 1).trim(), name: name || undefined }, what);
  }
  return checkAddress({ address: v.trim() }, what);
}

// local@domain with printable ASCII only and none of the characters that would break the AT string or a header.
const ADDRESS = /^[A-Za-z0-9!#$%&'*+\/=?^_`{|}~.-]+@[A-Za-z0-9.-]+$/;

function checkAddress(a: Address, what: string): Address | MailError {
  if (!ADDRESS.test(a.address) || a.address.charAt(0) === '.' || a.address.indexOf('..') >= 0)
    return mailError('ParameterError', 'E_PARAM', `${what}: "${printable(a.address)}" is not a plain e-mail address`);
  if (a.name !== undefined && a.name !== null) {
    const bad = badText(a.name, false);
    if (bad) return mailError('ParameterError', 'E_PARAM', `${what} name: ${bad}`);
  }
  return a;
}

/** Addresses as one list: a single value or an array. */
export function toAddressList(v: any, what: string): Address[] | MailError {
  if (v === undefined || v === null) return [];
  const list = Array.isArray(v) ? v : [v];
  const out: Address[] = [];
  for (let i = 0; i < list.length; i++) {
    const a = toAddress(list[i], `${what}[${i}]`);
    if (a instanceof Error) return a;
    out.push(a as Address);
  }
  return out;
}

/**
 * Why a header-bound text cannot go to the module, or null. `unicode`: non-ASCII allowed (it travels in hex when
 * the charset is UTF-8). CR and LF are refused even then: decoded by the module they would start a new header.
 */
export function badText(s: any, unicode: boolean): string | null {
  if (typeof s !== 'string') return `expected a string, got ${typeof s}`;
  if (/[\r\n]/.test(s)) return 'contains CR or LF (it would start a new mail header)';
  if (/[\x00-\x1f\x7f]/.test(s)) return 'contains a control character';
  if (!unicode && s.indexOf('"') >= 0) return 'contains a double quote (it would end the AT string parameter)';
  if (!unicode && /[^\x20-\x7e]/.test(s)) return 'contains non-ASCII characters';
  return null;
}

/** Why a body cannot go to the module as it is, or null (plain ASCII bodies go as typed; others in hex). */
export function badBody(s: any, hex: boolean): string | null {
  if (typeof s !== 'string') return `expected a string, got ${typeof s}`;
  if (hex) return null;
  if (/[\x1a\x1b]/.test(s)) return 'contains Ctrl-Z or ESC (they end or cancel the body prompt)';
  if (/[\x00-\x08\x0b\x0c\x0e-\x1f\x7f]/.test(s)) return 'contains a control character';
  if (/[^\x00-\x7e]/.test(s)) return 'contains non-ASCII characters';
  return null;
}

export function isAscii(s: string): boolean {
  return !/[^\x00-\x7f]/.test(s);
}

/** Shows a refused value in an error message without its control characters. */
export function printable(s: string): string {
  return String(s).replace(/[\x00-\x1f\x7f-\uffff]/g, '?').substr(0, 60);
}

/** A file name a module may put in a MIME header: no path, no quotes, no control characters. */
export function badFileName(s: any): string | null {
  if (typeof s !== 'string' || !s.length) return 'a file name is required';
  if (/[\\\/]/.test(s)) return 'contains a path separator';
  const bad = badText(s, false);
  if (bad) return bad;
  if (s.indexOf(';') >= 0) return 'contains ";" (it would add a MIME parameter)';
  return null;
}
