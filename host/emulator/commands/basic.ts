// The basic module commands: V.25ter (ATE, ATV, ATQ, ATZ, AT&F, AT&W, S registers ...), +CPIN, +CMEE, +IPR, +CFUN,
// +CPOWD, +CIURC. Identification is identity.ts, registration and the network network.ts.

import type { Core } from '../core';
import { intParam, ExtendedCommand } from '../atparse';
import { Res, OK, ERR, NONE } from '../state';
import { reset, powerDown } from '../boot';
import { ati } from './identity';
import { changeRegistration, startRegistration } from '../registration';

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
      return ati(m);
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

export function cpin(m: Core, c: ExtendedCommand): Res {
  if (c.form === 'read') return m.infoOk('+CPIN: READY');
  if (c.form === 'test') return OK;
  return { t: 'cme', code: 3 };
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
  // the SIM800 family also runs at 230400 and 460800 (PYDRV's list of rates)
  const rates = [0, 1200, 2400, 4800, 9600, 19200, 38400, 57600, 115200].concat(m.opts.dialect === 'sim800' ? [230400, 460800] : []);
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
  // the radio goes off (0: minimum, 4: flight mode) or on again: registration follows, bearers drop
  const was = m.cfun;
  changeRegistration(m, () => {
    m.cfun = fun;
    if (fun !== 1) m.netStat = 0;
  });
  if (fun === 1 && was !== 1) startRegistration(m);
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
