// AT+SAPBR: the bearer profiles AT+EMAILCID points at.

import type { Core } from '../core';
import { intParam, strParam, ExtendedCommand } from '../atparse';
import { Res, OK, ERR, NONE } from '../state';
import { abortSessions } from '../sessions';
import { regStat, isRegistered, changeRegistration } from '../registration';

const SAPBR_TAGS = ['CONTYPE', 'APN', 'PHONENUM', 'USER', 'PWD', 'RATE'];

export async function sapbr(m: Core, c: ExtendedCommand): Promise<Res> {
  const sim800 = m.opts.dialect === 'sim800';
  if (c.form === 'test') return m.infoOk(`+SAPBR: (0-${sim800 ? 4 : 5}),(1-3), "ConParamTag","ConParamValue"`);
  if (c.form !== 'write') return ERR;
  const p = m.params(c);
  if (!p || p.length < 2) return ERR;
  const type = intParam(p[0]);
  const cid = intParam(p[1]);
  if (type === null || cid === null || cid < 1 || cid > 3) return ERR;
  const b = m.bearers[cid - 1];
  switch (type) {
    case 0: {
      if (p.length !== 2) return ERR;
      if (b.status !== 1) return ERR;
      b.status = 2;
      const gen = m.generation;
      await m.sleep(m.rng.range(m.opts.sapbrCloseDelayMs));
      if (gen !== m.generation) return NONE;
      b.status = 3;
      b.ip = '0.0.0.0';
      if (cid === m.email.cid) abortSessions(m, 61);
      return OK;
    }
    case 1: {
      if (p.length !== 2) return ERR;
      if (b.status === 1) return { t: 'cme', code: 3 };
      if (b.status !== 3) return ERR;
      // no network (radio off, not registered): ERROR; detached: the module attaches first (27.007 +CGACT does)
      if (!isRegistered(regStat(m))) return ERR;
      if (!m.attached) changeRegistration(m, () => (m.attached = true));
      b.status = 0;
      const gen = m.generation;
      await m.sleep(m.rng.range(m.opts.sapbrOpenDelayMs));
      if (gen !== m.generation) return NONE;
      if (m.opts.sapbrOpenFails) {
        b.status = 3;
        return ERR;
      }
      b.status = 1;
      b.ip = m.opts.bearerIp || `10.${m.rng.int(1, 254)}.${m.rng.int(0, 255)}.${m.rng.int(1, 254)}`;
      return OK;
    }
    case 2:
      if (p.length !== 2) return ERR;
      return m.infoOk(`+SAPBR: ${cid},${b.status},"${b.status === 1 ? b.ip : '0.0.0.0'}"`);
    case 3: {
      if (p.length !== 4) return ERR;
      const tag = (strParam(p[2]) || '').toUpperCase();
      const val = strParam(p[3]);
      if (SAPBR_TAGS.indexOf(tag) < 0 || val === null) return ERR;
      if (tag === 'CONTYPE' && ['GPRS', 'CSD'].indexOf(val.toUpperCase()) < 0) return ERR;
      if (tag === 'RATE' && !/^[0-3]$/.test(val)) return ERR;
      if (tag === 'APN' && val.length > 64) return ERR;
      if ((tag === 'USER' || tag === 'PWD') && val.length > 32) return ERR;
      b.params[tag] = tag === 'CONTYPE' ? val.toUpperCase() : val;
      return OK;
    }
    case 4: {
      if (p.length !== 2) return ERR;
      // The real SIM900 (docs/module-facts.md §2.4, T07) prints a multi-line block, not "+SAPBR: tag,value".
      const lines = ['+SAPBR:'];
      for (const t of SAPBR_TAGS) lines.push(`${t}: ${b.params[t]}`);
      m.info(lines);
      return OK;
    }
    case 5:
      if (sim800 || p.length !== 2) return ERR;
      return OK;
    default:
      return ERR;
  }
}
