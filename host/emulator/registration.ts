// Network registration (3GPP 27.007 +CREG, +CGREG): the status follows the network (option registration, the time
// it takes after power-on or AT+CFUN=1, emu.setRegistration), AT+CFUN, AT+COPS=2 and AT+CGATT. A change sends
// "+CREG: <stat>" / "+CGREG: <stat>" to a host that asked with AT+CREG=1 / AT+CGREG=1 (with =2 the location too),
// and losing GPRS registration drops the open bearers ("+SAPBR <cid>: DEACT").

import type { Core } from './core';
import { loseBearer } from './faults';

/** The serving cell's location area code and cell id, as AT+CREG=2 reports them. */
export const CELL = { lac: '00C3', ci: '1F4C' };

/** Circuit-switched status (+CREG): 0 not registered, 1 home, 2 searching, 3 denied, 5 roaming. */
export function regStat(m: Core): number {
  return m.cfun !== 1 || m.copsMode === 2 ? 0 : m.netStat;
}

export function isRegistered(stat: number): boolean {
  return stat === 1 || stat === 5;
}

/** Packet-switched status (+CGREG): the same while attached (AT+CGATT=1), else 0. */
export function gprsStat(m: Core): number {
  return m.attached ? regStat(m) : 0;
}

/** "<stat>" for n=1, "<stat>,<lac>,<ci>" for n=2 once registered (the URC's text, and the read form after "<n>,"). */
export function statText(stat: number, n: number): string {
  return n === 2 && isRegistered(stat) ? `${stat},"${CELL.lac}","${CELL.ci}"` : String(stat);
}

/** Applies a change to what registration depends on, then reports what changed and drops bearers GPRS lost. */
export function changeRegistration(m: Core, apply: () => void): void {
  const cs = regStat(m);
  const ps = gprsStat(m);
  apply();
  const cs2 = regStat(m);
  const ps2 = gprsStat(m);
  if (cs2 !== cs && m.creg > 0) m.urc('+CREG: ' + statText(cs2, m.creg));
  if (ps2 !== ps && m.cgreg > 0) m.urc('+CGREG: ' + statText(ps2, m.cgreg));
  if (!isRegistered(ps2)) for (let cid = 1; cid <= 3; cid++) loseBearer(m, cid);
}

/** Power-on or AT+CFUN=1: searching for registerDelayMs, then the network's answer (netAnswer). */
export function startRegistration(m: Core): void {
  const delay = m.rng.range(m.opts.registerDelayMs);
  if (delay <= 0) {
    changeRegistration(m, () => (m.netStat = m.netAnswer));
    return;
  }
  changeRegistration(m, () => (m.netStat = 2));
  const gen = m.generation;
  m.later(delay, () => {
    if (gen === m.generation && m.netStat === 2) changeRegistration(m, () => (m.netStat = m.netAnswer));
  });
}

/** The network changes its answer (emu.setRegistration): lost coverage 0, denied 3, home 1, roaming 5 ... */
export function setNetwork(m: Core, stat: number): void {
  m.netAnswer = stat;
  if (m.cfun === 1 && m.mode !== 'off') changeRegistration(m, () => (m.netStat = stat));
}
