// The network commands bring-up code sends (3GPP 27.007): AT+CREG, AT+CGREG, AT+CGATT, AT+COPS, AT+CSQ. Formats in
// docs/module-facts.md §3.15-§3.17; the registration model is registration.ts.

import type { Core } from '../core';
import { intParam, strParam, ExtendedCommand } from '../atparse';
import { Res, OK, ERR } from '../state';
import { regStat, gprsStat, isRegistered, statText, changeRegistration } from '../registration';

/** AT+CREG and AT+CGREG: n 0 (no URC), 1 (+CREG: <stat>), 2 (with the location). */
function regCommand(m: Core, c: ExtendedCommand, name: 'CREG' | 'CGREG'): Res {
  const n = name === 'CREG' ? m.creg : m.cgreg;
  if (c.form === 'test') return m.infoOk(`+${name}: (0-2)`);
  if (c.form === 'read') return m.infoOk(`+${name}: ${n},${statText(name === 'CREG' ? regStat(m) : gprsStat(m), n)}`);
  if (c.form !== 'write') return ERR;
  const p = m.params(c);
  const v = p && p.length === 1 ? intParam(p[0]) : null;
  if (v === null || v > 2) return ERR;
  if (name === 'CREG') m.creg = v;
  else m.cgreg = v;
  return OK;
}

export const creg = (m: Core, c: ExtendedCommand): Res => regCommand(m, c, 'CREG');
export const cgreg = (m: Core, c: ExtendedCommand): Res => regCommand(m, c, 'CGREG');

export function cgatt(m: Core, c: ExtendedCommand): Res {
  if (c.form === 'test') return m.infoOk('+CGATT: (0,1)');
  if (c.form === 'read') return m.infoOk(`+CGATT: ${isRegistered(gprsStat(m)) ? 1 : 0}`);
  if (c.form !== 'write') return ERR;
  const p = m.params(c);
  const v = p && p.length === 1 ? intParam(p[0]) : null;
  if (v !== 0 && v !== 1) return ERR;
  // attaching needs the network; detaching always works (and deactivates the bearers)
  if (v === 1 && !isRegistered(regStat(m))) return { t: 'cme', code: 100 };
  changeRegistration(m, () => (m.attached = v === 1));
  return OK;
}

/** The operator's name in AT+COPS <format> 0 (long), 1 (short), 2 (numeric). */
function operName(m: Core, format: number): string {
  const o = m.opts.operator;
  return format === 0 ? o.long : format === 1 ? o.short : o.numeric;
}

export function cops(m: Core, c: ExtendedCommand): Res {
  if (c.form === 'test') {
    const o = m.opts.operator;
    return m.infoOk(`+COPS: (2,"${o.long}","${o.short}","${o.numeric}"),,(0-4),(0-2)`);
  }
  if (c.form === 'read') {
    if (!isRegistered(regStat(m))) return m.infoOk(`+COPS: ${m.copsMode}`);
    return m.infoOk(`+COPS: ${m.copsMode},${m.copsFormat},"${operName(m, m.copsFormat)}"`);
  }
  if (c.form !== 'write') return ERR;
  const p = m.params(c);
  if (!p || p.length < 1 || p.length > 3) return ERR;
  const mode = intParam(p[0]);
  const format = p.length > 1 ? intParam(p[1]) : m.copsFormat;
  if (mode === null || mode > 4 || format === null || format > 2) return ERR;
  if (mode === 1 || mode === 4) {
    const oper = strParam(p[2]);
    if (oper === null) return ERR;
    // only the one network is there: choosing another fails (mode 4 falls back to automatic)
    if (oper !== operName(m, format) && mode === 1) return { t: 'cme', code: 30 };
  } else if (p.length > (mode === 3 ? 2 : 3)) return ERR;
  if (p.length > 1) m.copsFormat = format;
  if (mode !== 3) changeRegistration(m, () => (m.copsMode = mode === 4 ? 0 : mode));
  return OK;
}

export function csq(m: Core, c: ExtendedCommand): Res {
  if (c.form === 'test') return m.infoOk('+CSQ: (0-31,99),(0-7,99)');
  if (c.form !== 'exec') return ERR;
  // no radio (AT+CFUN=0/4) or no network at all: signal unknown
  return m.infoOk('+CSQ: ' + (m.cfun !== 1 || m.netStat === 0 ? '99,99' : m.opts.csq));
}
