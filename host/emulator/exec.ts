// Command execution: a command line ("AT..." up to CR) is split into its commands, each one is dispatched to its
// handler (commands/*.ts), and the line gets one final result.

import type { Core } from './core';
import { splitCommands, Command, ExtendedCommand } from './atparse';
import { Res, OK, ERR } from './state';
import * as basicCmds from './commands/basic';
import * as identity from './commands/identity';
import * as network from './commands/network';
import { sapbr } from './commands/sapbr';
import * as settings from './commands/settings';
import { smtpsend, smtpft } from './commands/send';
import { pop3in, pop3simple, pop3cmd, pop3out } from './commands/pop3';
import { pop3read } from './commands/pop3read';

const MAX_LINE = 556;

type Handler = (m: Core, c: ExtendedCommand) => Res | Promise<Res>;

/** The extended commands the module knows, by name (without "AT"). */
const EXTENDED: Record<string, Handler> = {
  '+GSV': identity.gsv,
  '+CGMI': identity.cgmi,
  '+GMI': identity.cgmi,
  '+CGMM': identity.cgmm,
  '+GMM': identity.cgmm,
  '+CGMR': identity.cgmr,
  '+GMR': identity.cgmr,
  '+CGSN': identity.cgsn,
  '+GSN': identity.cgsn,
  '+CCID': identity.ccid,
  '+CPIN': basicCmds.cpin,
  '+CSQ': network.csq,
  '+CREG': network.creg,
  '+CGREG': network.cgreg,
  '+CGATT': network.cgatt,
  '+COPS': network.cops,
  '+CMEE': basicCmds.cmee,
  '+IPR': basicCmds.ipr,
  '+CFUN': basicCmds.cfun,
  '+CPOWD': basicCmds.cpowd,
  '+CIURC': basicCmds.ciurc,
  '+SAPBR': sapbr,
  '+EMAILCID': settings.emailcid,
  '+EMAILTO': settings.emailto,
  '+EMAILSSL': settings.emailssl,
  '+SMTPSRV': settings.smtpsrv,
  '+SMTPAUTH': settings.smtpauth,
  '+SMTPFROM': settings.smtpfrom,
  '+SMTPRCPT': settings.smtprcpt,
  '+SMTPSUB': settings.smtpsub,
  '+SMTPBODY': settings.smtpbody,
  '+SMTPFILE': settings.smtpfile,
  '+SMTPCS': settings.smtpcs,
  '+SMTPSEND': smtpsend,
  '+SMTPFT': smtpft,
  '+POP3SRV': settings.pop3srv,
  '+POP3IN': pop3in,
  '+POP3NUM': (m, c) => pop3simple(m, c, 'NUM'),
  '+POP3LIST': (m, c) => pop3simple(m, c, 'LIST'),
  '+POP3UIDL': (m, c) => pop3simple(m, c, 'UIDL'),
  '+POP3DEL': (m, c) => pop3simple(m, c, 'DEL'),
  '+POP3RSET': (m, c) => pop3simple(m, c, 'RSET'),
  '+POP3CMD': pop3cmd,
  '+POP3READ': pop3read,
  '+POP3OUT': pop3out,
};

/** Runs one command line (without its CR). Lines not starting with "AT" are ignored. */
export function runLine(m: Core, raw: string): void {
  // Strip anything before the "AT" prefix that is not text (line noise, 0xFF sync bytes).
  const l = raw.replace(/^[^A-Za-z]+/, '');
  if (l.length < 2 || l.substring(0, 2).toUpperCase() !== 'AT') return; // not a command: ignored
  m.lastLine = l;
  const rest = l.substring(2);
  if (rest.length > MAX_LINE) {
    m.final(ERR);
    return;
  }
  const cmds = splitCommands(rest);
  if (!cmds) {
    m.final(ERR);
    return;
  }
  m.busy = true;
  const gen = m.generation;
  execAll(m, cmds)
    .then((r) => {
      if (gen !== m.generation) return;
      if (r.t !== 'data' && r.t !== 'none') m.final(r);
    })
    .catch((e) => {
      if (gen !== m.generation) return;
      m.violations.push('internal error: ' + (e && e.message));
      m.final(ERR);
    })
    .finally(() => {
      if (gen !== m.generation) return;
      m.busy = false;
      m.pump();
    });
}

async function execAll(m: Core, cmds: Command[]): Promise<Res> {
  if (cmds.length === 0) return OK;
  // A command that opens a data phase (prompt, DOWNLOAD, attachment bytes) must end the line.
  for (let i = 0; i < cmds.length - 1; i++) {
    const c = cmds[i];
    if (c.kind === 'ext' && (c.name === '+SMTPBODY' || c.name === '+SMTPFT') && c.form !== 'test') return ERR;
  }
  for (let i = 0; i < cmds.length; i++) {
    const c = cmds[i];
    // "Other AT commands (but AT+POP3OUT) can not be executed until the data of response are read completely."
    if (m.pop3 && m.pop3.read && !(c.kind === 'ext' && (c.name === '+POP3READ' || c.name === '+POP3OUT'))) return ERR;
    let r: Res;
    if (c.kind === 'basic') r = basicCmds.basic(m, c.name, c.arg);
    else {
      const h = EXTENDED[c.name];
      r = h ? await h(m, c) : ERR;
    }
    if (r.t === 'data' && i !== cmds.length - 1) return ERR;
    if (r.t !== 'ok') return r;
  }
  return OK;
}
