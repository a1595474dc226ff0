// The host -> module side: command lines (echo, backspace, "A/"), the "> " body prompt, and counted data
// (DOWNLOAD, AT+SMTPFT bytes). Data counts from the moment the module has asked for it; bytes before are dropped
// or kept (options.earlyData, docs/module-facts.md §4.18).

import type { Core } from './core';
import { OK, ERR } from './state';
import { runLine } from './exec';
import { bodyValid } from './commands/settings';

/** Host -> module bytes: ignored before RDY; while a command runs, queued (or dropped) and noted as a violation. */
export function feed(m: Core, data: Buffer | Uint8Array | string): void {
  if (m.closed) return;
  const b = typeof data === 'string' ? Buffer.from(data, 'latin1') : Buffer.from(data);
  if (m.mode === 'off' || m.mode === 'boot') return; // not listening yet
  if (m.busy && m.mode === 'cmd') {
    const printable = b.toString('latin1').replace(/[\r\n]/g, '');
    if (printable.length > 0 || b.indexOf(0x0d) >= 0) m.violations.push('input while a command is executing');
    if (m.opts.busyInput === 'drop') return;
  }
  m.inbuf = m.inbuf.length ? Buffer.concat([m.inbuf, b]) : b;
  pumpInput(m);
}

export function pumpInput(m: Core): void {
  while (m.inbuf.length > 0 && !m.busy && !m.closed) {
    // a CR ends a command line and an LF right after it belongs to that line end, whatever the command started:
    // it is not the first byte of a "> " body, of DOWNLOAD's counted bytes or of AT+SMTPFT's (clients that end
    // lines with CR LF work on real modules)
    if (m.afterCr) {
      m.afterCr = false;
      if (m.inbuf[0] === 0x0a) {
        m.inbuf = m.inbuf.subarray(1);
        continue;
      }
    }
    if (m.mode !== 'cmd' && m.mode !== 'off' && m.mode !== 'boot' && !m.dataOpen) {
      if (m.opts.earlyData === 'keep') return; // taken once the module has asked for the data
      m.violations.push(`${m.inbuf.length} byte(s) written before the module asked for data (${m.mode}): dropped`);
      m.inbuf = Buffer.alloc(0);
      return;
    }
    switch (m.mode) {
      case 'cmd':
        pumpCommand(m);
        break;
      case 'prompt':
        pumpPrompt(m);
        break;
      case 'download':
      case 'ftdata':
        pumpCounted(m);
        break;
      default:
        m.inbuf = Buffer.alloc(0);
        return;
    }
  }
}

function pumpCommand(m: Core): void {
  const b = m.inbuf;
  let echoed = '';
  let i = 0;
  for (; i < b.length; i++) {
    const c = b[i];
    if (c === 0x0d) {
      echoed += '\r';
      i++;
      m.afterCr = true;
      break;
    }
    if (c === 0x0a && m.line.length === 0) continue; // LF after CR / blank line
    if (c === 0x1a || c === 0x1b || c === 0x00) continue;
    if (c === 0x08) {
      if (m.line.length) m.line = m.line.substring(0, m.line.length - 1);
      echoed += '\b';
      continue;
    }
    if (m.line.length < 4096) m.line += String.fromCharCode(c);
    echoed += String.fromCharCode(c);
    if (m.line.length === 2 && m.line.toUpperCase() === 'A/') {
      // "A/" repeats the last command line, without a CR.
      i++;
      m.echoBytes(echoed);
      m.inbuf = b.subarray(i);
      m.line = '';
      runLine(m, m.lastLine);
      return;
    }
  }
  m.echoBytes(echoed);
  m.inbuf = b.subarray(i);
  if (echoed.endsWith('\r')) {
    const l = m.line;
    m.line = '';
    runLine(m, l);
  }
}

function pumpPrompt(m: Core): void {
  const b = m.inbuf;
  let i = 0;
  for (; i < b.length; i++) if (b[i] === 0x1a || b[i] === 0x1b) break;
  const chunk = b.subarray(0, i);
  if (chunk.length) {
    m.echoBytes(chunk.toString('latin1'));
    if (m.dataLen + chunk.length > m.opts.maxima.body) m.promptOverflow = true;
    if (!m.promptOverflow) {
      m.dataBuf.push(Buffer.from(chunk));
      m.dataLen += chunk.length;
    }
  }
  if (i >= b.length) {
    m.inbuf = Buffer.alloc(0);
    return;
  }
  const term = b[i];
  m.inbuf = b.subarray(i + 1);
  const body = Buffer.concat(m.dataBuf);
  m.dataBuf = [];
  m.dataLen = 0;
  m.mode = 'cmd';
  if (term === 0x1b) {
    // ESC cancels: the stored body stays as it was.
    m.final(OK);
    return;
  }
  if (m.promptOverflow || !bodyValid(m, body)) {
    m.final(ERR);
    return;
  }
  m.email.body = body;
  m.final(OK);
}

function pumpCounted(m: Core): void {
  const need = m.dataNeed - m.dataLen;
  const take = Math.min(need, m.inbuf.length);
  m.dataBuf.push(Buffer.from(m.inbuf.subarray(0, take)));
  m.dataLen += take;
  m.inbuf = m.inbuf.subarray(take);
  if (m.dataLen >= m.dataNeed) {
    const all = Buffer.concat(m.dataBuf);
    m.dataBuf = [];
    m.dataLen = 0;
    const done = m.dataDone!;
    m.dataDone = null;
    m.mode = 'cmd';
    done(all);
  }
}
