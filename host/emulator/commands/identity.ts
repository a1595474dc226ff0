// Who the module is: ATI, AT+GSV, AT+CGMI/GMI, AT+CGMM/GMM, AT+CGMR/GMR, AT+CGSN/GSN (IMEI), AT+CCID (the SIM's
// ICCID). The strings follow the dialect's module (docs/module-facts.md §3.15); IMEI, ICCID and revision are options.

import type { Core } from '../core';
import type { ExtendedCommand } from '../atparse';
import { Res, OK, ERR } from '../state';

const MODEL = { sim900: { ati: 'SIM900 R11.0', model: 'SIMCOM_SIM900', revision: '1137B03SIM900M64_ST_MMS' }, sim800: { ati: 'SIM800 R14.18', model: 'SIMCOM_SIM800L', revision: '1418B04SIM800L24' } };

function model(m: Core) {
  return MODEL[m.opts.dialect];
}

export function revision(m: Core): string {
  return m.opts.revision ?? model(m).revision;
}

/** ATI (a basic command: its digits are ignored, as V.250's ATI<n> variants all print the same here). */
export function ati(m: Core): Res {
  m.info([model(m).ati]);
  return OK;
}

/** The execution form prints one line, the test form is OK, read and write are errors. */
function simpleInfo(m: Core, c: ExtendedCommand, text: string): Res {
  if (c.form === 'test') return OK;
  if (c.form !== 'exec') return ERR;
  return m.infoOk(text);
}

export function gsv(m: Core, c: ExtendedCommand): Res {
  if (c.form !== 'exec') return ERR;
  m.info(['SIMCOM_Ltd', model(m).model, 'Revision:' + revision(m)]);
  return OK;
}

export const cgmi = (m: Core, c: ExtendedCommand): Res => simpleInfo(m, c, 'SIMCOM_Ltd');
export const cgmm = (m: Core, c: ExtendedCommand): Res => simpleInfo(m, c, model(m).model);
export const cgmr = (m: Core, c: ExtendedCommand): Res => simpleInfo(m, c, 'Revision:' + revision(m));
export const cgsn = (m: Core, c: ExtendedCommand): Res => simpleInfo(m, c, m.opts.imei);
export const ccid = (m: Core, c: ExtendedCommand): Res => simpleInfo(m, c, m.opts.ccid);
