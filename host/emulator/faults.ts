// Faults of the network and of the module itself, on demand (the public methods) or drawn with the seeded
// probabilities of options.faults at the points where a real one would hurt.

import type { Core } from './core';
import { failSmtp, abortSessions, pop3Lost } from './sessions';
import { reset, resetAfter } from './boot';

/** The network drops bearer `cid`: "+SAPBR <cid>: DEACT", and an e-mail session on it fails with 61. */
export function loseBearer(m: Core, cid: number): void {
  const b = m.bearers[cid - 1];
  if (!b || b.status !== 1) return;
  b.status = 3;
  b.ip = '0.0.0.0';
  m.urc(`+SAPBR ${cid}: DEACT`);
  if (cid === m.email.cid) abortSessions(m, 61);
}

/** Drops the TCP connection of the running SMTP/POP3 session: 63. */
export function dropTcp(m: Core): void {
  if (m.smtp) failSmtp(m.smtp, 63, 'TCP dropped (fault)');
  const p = m.pop3;
  if (p) {
    p.session.onLost = null;
    p.session.abort(63, 'TCP dropped (fault)');
    // a command on its way reports the failure itself; an idle session reports it now
    if (!p.pending || p.read) pop3Lost(m, p, 63);
  }
}

/** At an SMTP stage or after an attachment chunk: the bearer lost, the connection dropped, or a reset. */
export function sendFault(m: Core): void {
  const f = m.opts.faults;
  if (m.rng.chance(f.bearerLossRate)) loseBearer(m, m.email.cid);
  else if (m.rng.chance(f.tcpDropRate)) dropTcp(m);
  else if (m.rng.chance(f.resetRate)) reset(m);
}

/** Before a POP3 command goes to the server: the bearer lost ("+POP3OUT: 61") or the connection dropped (63). */
export function pop3Fault(m: Core): void {
  const f = m.opts.faults;
  if (m.rng.chance(f.bearerLossRate)) loseBearer(m, m.email.cid);
  else if (m.rng.chance(f.tcpDropRate)) dropTcp(m);
}

/**
 * At an AT+POP3READ, before it answers: a reset (resetRate); and when it has a data block to give, the bearer
 * lost or the connection dropped. true when a fault struck: the session is gone and its URCs ("+SAPBR 1: DEACT",
 * "+POP3OUT: <code>", or the boot URCs) are all the answer the command gets.
 */
export function readFault(m: Core, dataBlock: boolean): boolean {
  const f = m.opts.faults;
  const gen = m.generation;
  const st = m.pop3;
  if (m.rng.chance(f.resetRate)) reset(m);
  else if (dataBlock && m.rng.chance(f.bearerLossRate)) loseBearer(m, m.email.cid);
  else if (dataBlock && m.rng.chance(f.tcpDropRate)) dropTcp(m);
  return gen !== m.generation || m.pop3 !== st;
}

/**
 * resetInDataRate: the module restarts in the middle of a counted POP3READ block. The header and part of the
 * bytes go out, the line is silent for resetInDataPauseMs, then the boot URCs follow. true when it struck.
 */
export function resetInData(m: Core, head: Buffer, data: Buffer): boolean {
  if (!m.rng.chance(m.opts.faults.resetInDataRate)) return false;
  const part = data.length > 1 ? m.rng.int(1, data.length - 1) : 0;
  m.unit(head);
  m.out.push(data.subarray(0, part));
  resetAfter(m, m.rng.range(m.opts.resetInDataPauseMs));
  return true;
}
