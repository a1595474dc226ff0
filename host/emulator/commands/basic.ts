// The basic module commands: V.25ter (ATE, ATV, ATQ, ATI, S registers ...), identification, +CSQ, +CPIN, +CREG,
// +CGATT, +CMEE, +IPR, +CFUN, +CPOWD, +CIURC.

import type { Core } from '../core';
import { intParam, ExtendedCommand } from '../atparse';
import { Res, OK, ERR, NONE } from '../state';
import { reset, powerDown } from '../boot';
import { loseBearer } from '../faults';

export function basic(m: Core, name: string, arg: string): Res {
  const n = arg === '' ? 0 : parseInt(arg, 10);
  switch (name) {
    case 'E':
      if (n > 1) return ERR;
      m.echo = n === 1;
      return OK;
    case 'V':
      if (n > 1) return ERR;
      m.verbose = n === 1;
      return OK;
    case 'Q':
      if (n > 1) return ERR;
      m.quiet = n === 1;
      return OK;
    case 'I':
      m.info([`SIM900 R11.0`]);
      return OK;
    case 'Z':
      // the stored user profile (AT&W's), the factory one until something was stored
      if (n > 0) return ERR;
      m.loadProfile(m.profile);
      return OK;
    case '&F':
      if (n > 0) return ERR;
      m.loadProfile({ echo: true, verbose: true, quiet: false, cmee: 0 });
      return OK;
    case '&W':
      if (n > 0) return ERR;
      m.profile = { echo: m.echo, verbose: m.verbose, quiet: m.quiet, cmee: m.cmee };
      return OK;
    case '&V':
    case 'X':
    case 'L':
    case 'M':
      return OK;
    case '&D':
    case '&C':
      return n > 2 ? ERR : OK;
    case 'S3':
      return arg === '?' ? (m.info(['013']), OK) : arg === '=13' || arg === '' ? OK : ERR;
    case 'S4':
      return arg === '?' ? (m.info(['010']), OK) : arg === '=10' || arg === '' ? OK : ERR;
    case 'S5':
      return arg === '?' ? (m.info(['008']), OK) : OK;
    case 'S0':
      return arg === '?' ? (m.info(['000']), OK) : OK;
    default:
      return ERR;
  }
}

export function gsv(m: Core, c: ExtendedCommand): Res {
  if (c.form !== 'exec') return ERR;
  m.info(['SIMCOM_Ltd', 'SIMCOM_SIM900', 'Revision:' + m.opts.revision]);
  return OK;
}

export const cgmi = (m: Core, c: ExtendedCommand): Res => m.simpleInfo(c, 'SIMCOM_Ltd');
export const cgmm = (m: Core, c: ExtendedCommand): Res => m.simpleInfo(c, 'SIMCOM_SIM900');
export const cgmr = (m: Core, c: ExtendedCommand): Res => m.simpleInfo(c, 'Revision:' + m.opts.revision);
export const cgsn = (m: Core, c: ExtendedCommand): Res => m.simpleInfo(c, '861234567890123');

export function csq(m: Core, c: ExtendedCommand): Res {
  if (c.form === 'test') return m.infoOk('+CSQ: (0-31,99),(0-7,99)');
  if (c.form !== 'exec') return ERR;
  return m.infoOk('+CSQ: ' + m.opts.csq);
}

export function cpin(m: Core, c: ExtendedCommand): Res {
  if (c.form === 'read') return m.infoOk('+CPIN: READY');
  if (c.form === 'test') return OK;
  return { t: 'cme', code: 3 };
}

export function creg(m: Core, c: ExtendedCommand): Res {
  if (c.form === 'read') return m.infoOk(`+CREG: ${m.creg},${m.cfun === 1 ? 1 : 0}`);
  if (c.form === 'test') return m.infoOk('+CREG: (0-2)');
  if (c.form === 'write') {
    const v = intParam((m.params(c) || [])[0]);
    if (v === null || v > 2) return ERR;
    m.creg = v;
    return OK;
  }
  return ERR;
}

export function cgatt(m: Core, c: ExtendedCommand): Res {
  if (c.form === 'read') return m.infoOk(`+CGATT: ${m.cfun === 1 ? 1 : 0}`);
  if (c.form === 'test') return m.infoOk('+CGATT: (0,1)');
  if (c.form === 'write') {
    const v = intParam((m.params(c) || [])[0]);
    return v === 0 || v === 1 ? OK : ERR;
  }
  return ERR;
}

export function cmee(m: Core, c: ExtendedCommand): Res {
  if (c.form === 'read') return m.infoOk(`+CMEE: ${m.cmee}`);
  if (c.form === 'test') return m.infoOk('+CMEE: (0-2)');
  if (c.form === 'write') {
    const v = intParam((m.params(c) || [])[0]);
    if (v === null || v > 2) return ERR;
    m.cmee = v;
    return OK;
  }
  return ERR;
}

export function ipr(m: Core, c: ExtendedCommand): Res {
  const rates = [0, 1200, 2400, 4800, 9600, 19200, 38400, 57600, 115200];
  if (c.form === 'read') return m.infoOk(`+IPR: ${m.ipr}`);
  if (c.form === 'test') return m.infoOk(`+IPR: (),(${rates.join(',')})`);
  if (c.form !== 'write') return ERR;
  const v = intParam((m.params(c) || [])[0]);
  if (v === null || rates.indexOf(v) < 0) return ERR;
  m.ipr = v;
  // The new rate applies after the OK: pace from then on (when pacing is on).
  if (m.opts.baud > 0 && v > 0) {
    m.final(OK);
    m.out.setBaud(v);
    return NONE;
  }
  return OK;
}

export function cfun(m: Core, c: ExtendedCommand): Res {
  if (c.form === 'read') return m.infoOk(`+CFUN: ${m.cfun}`);
  if (c.form === 'test') return m.infoOk('+CFUN: (0,1,4),(0,1)');
  if (c.form !== 'write') return ERR;
  const p = m.params(c);
  if (!p) return ERR;
  const fun = intParam(p[0]);
  const rst = p.length > 1 ? intParam(p[1]) : 0;
  if (fun === null || [0, 1, 4].indexOf(fun) < 0 || rst === null || rst > 1 || p.length > 2) return ERR;
  if (rst === 1) {
    m.final(OK);
    const gen = m.generation;
    m.later(50, () => {
      if (gen === m.generation) reset(m);
    });
    return NONE;
  }
  m.cfun = fun;
  if (fun !== 1) for (let i = 1; i <= 3; i++) loseBearer(m, i);
  return OK;
}

export function cpowd(m: Core, c: ExtendedCommand): Res {
  if (c.form === 'test') return m.infoOk('+CPOWD: (0,1)');
  if (c.form !== 'write') return ERR;
  const v = intParam((m.params(c) || [])[0]);
  if (v !== 0 && v !== 1) return ERR;
  powerDown(m, v === 1);
  return NONE;
}

export function ciurc(m: Core, c: ExtendedCommand): Res {
  if (c.form === 'read') return m.infoOk('+CIURC: 1');
  return c.form === 'exec' ? ERR : OK;
}
