// POP3 through the module: log-in, count, size, uid, the multi-line commands (LIST, UIDL, TOP, RETR) read back
// with AT+POP3READ in pieces of at most 1460 bytes, delete, reset, log-out.
import { intParam, quote } from '../at/params';
import { mailError, type MailError } from '../errors';
import { pop3Error, pop3Negative } from './codes';
import { param, type Callback, type Sim900Mail } from './client';
import { collectLines, DotDecoder, type Sink } from './dot';
import { fields, num, payload, str } from './parse';

/** AT+POP3READ takes 1-1460 bytes a time (manual 2.19). */
export const READ_MAX = 1460;

/** Sends a POP3 command whose answer comes after OK as one of `finals` or as +POP3OUT: <code>. */
function pop3Cmd(c: Sim900Mail, line: string, finals: string[], cb: Callback<string>): void {
  const no = notLoggedIn(c, line);
  if (no) return cb(no);
  c.exec(line, { finals: finals.concat(['+POP3OUT:']), afterOk: true, finalTimeout: c.networkTimeout() }, (err, res) => {
    if (err) return cb(err);
    const fin: string = res!.final;
    if (fin.indexOf('+POP3OUT:') === 0) {
      // the module ended the POP3 session
      c.release('pop3');
      return cb(pop3Error(num(fields(payload(fin, '+POP3OUT'))[0]), line));
    }
    cb(null, fin);
  });
}

/** Why a POP3 command cannot run: no session, or the module ended it (its +POP3OUT code). */
function notLoggedIn(c: Sim900Mail, line: string): MailError | null {
  if (c.session === 'pop3') return null;
  if (c.pop3Lost) return c.pop3Lost;
  return mailError('Pop3StateError', 'E_POP3_NOT_LOGGED_IN', `${line}: not logged in to POP3 (call pop3Login first)`);
}

/** The fields after the prefix of a "+POP3xxx: 1,..." answer, or the -ERR error for "+POP3xxx: 0". */
function positive(fin: string, name: string, line: string): any[] | MailError {
  const f = fields(payload(fin, '+' + name));
  if (num(f[0]) !== 1) return pop3Negative(line);
  return f;
}

function msgNumber(n: number): string | MailError {
  return param(() => intParam(n, 1, 65535, 'message number'));
}

function pop3SrvLine(c: Sim900Mail, acc: any): string | MailError {
  return param(
    () =>
      'AT+POP3SRV=' +
      quote(acc.host, c.limit('POP3SRV', 0, 50), 'POP3 server') + ',' +
      quote(acc.user, c.limit('POP3SRV', 1, 32), 'POP3 user') + ',' +
      quote(acc.password, c.limit('POP3SRV', 2, 32), 'POP3 password') + ',' +
      intParam(acc.port || 110, 1, c.limit('POP3SRV', 3, 65535), 'POP3 port'),
  );
}

/** Logs in with AT+POP3SRV and AT+POP3IN; the POP3 session holds the module until pop3Logout. */
export function pop3Login(c: Sim900Mail, account: any, cb: Callback<void>): void {
  const acc = account || c.opts.pop3;
  if (!acc || typeof acc.host !== 'string') return cb(mailError('ParameterError', 'E_PARAM', 'POP3 server: not configured'));
  // checked before anything is written (against the module's maxima once they are known, defaults before)
  const line = pop3SrvLine(c, acc);
  if (line instanceof Error) return cb(line);
  c.acquire('pop3', (err) => {
    if (err) return cb(err);
    const fail = (e: MailError): void => {
      c.release('pop3');
      cb(e);
    };
    c.pop3Lost = null;
    c.prepare((e1) => {
      if (e1) return fail(e1);
      // the limits are known now: check against the module's own maxima
      const again = pop3SrvLine(c, acc);
      if (again instanceof Error) return fail(again);
      c.setting('POP3SRV', again as string, (e2) => {
        if (e2) return fail(e2);
        c.exec('AT+POP3IN', { finals: ['+POP3IN:'], afterOk: true, finalTimeout: c.networkTimeout() }, (e3, res) => {
          if (e3) return fail(e3);
          const code = num(fields(payload(res!.final, '+POP3IN'))[0]);
          if (code !== 1) return fail(pop3Error(code, 'AT+POP3IN'));
          cb(null);
        });
      });
    });
  });
}

/** AT+POP3NUM: {count, size} of the maildrop. */
export function pop3Count(c: Sim900Mail, cb: Callback<{ count: number; size: number }>): void {
  pop3Cmd(c, 'AT+POP3NUM', ['+POP3NUM:'], (err, fin) => {
    if (err) return cb(err);
    const f = positive(fin!, 'POP3NUM', 'AT+POP3NUM');
    if (f instanceof Error) return cb(f);
    cb(null, { count: num(f[1]), size: num(f[2]) });
  });
}

/** AT+POP3LIST=<n>: the size of one message. */
export function pop3Size(c: Sim900Mail, n: number, cb: Callback<number>): void {
  const p = msgNumber(n);
  if (p instanceof Error) return cb(p);
  const line = 'AT+POP3LIST=' + p;
  pop3Cmd(c, line, ['+POP3LIST:'], (err, fin) => {
    if (err) return cb(err);
    const f = positive(fin!, 'POP3LIST', line);
    if (f instanceof Error) return cb(f);
    cb(null, num(f[2]));
  });
}

/** AT+POP3UIDL=<n>: the unique id of one message. */
export function pop3Uid(c: Sim900Mail, n: number, cb: Callback<string>): void {
  const p = msgNumber(n);
  if (p instanceof Error) return cb(p);
  const line = 'AT+POP3UIDL=' + p;
  pop3Cmd(c, line, ['+POP3UIDL:'], (err, fin) => {
    if (err) return cb(err);
    const f = positive(fin!, 'POP3UIDL', line);
    if (f instanceof Error) return cb(f);
    // the uid is 1-70 characters 0x21-0x7E: everything after "1,<n>,"
    const rest = payload(fin!, '+POP3UIDL');
    const second = rest.indexOf(',', rest.indexOf(',') + 1);
    cb(null, rest.substr(second + 1).trim());
  });
}

/** AT+POP3DEL=<n>: marks a message deleted (gone at a normal log-out). */
export function pop3Delete(c: Sim900Mail, n: number, cb: Callback<void>): void {
  const p = msgNumber(n);
  if (p instanceof Error) return cb(p);
  const line = 'AT+POP3DEL=' + p;
  pop3Cmd(c, line, ['+POP3DEL:'], (err, fin) => {
    if (err) return cb(err);
    const f = positive(fin!, 'POP3DEL', line);
    cb(f instanceof Error ? f : null);
  });
}

/** AT+POP3RSET: unmarks deleted messages. A negative answer is spelt +POP3REST: 0 in the manual. */
export function pop3Reset(c: Sim900Mail, cb: Callback<void>): void {
  pop3Cmd(c, 'AT+POP3RSET', ['+POP3RSET:', '+POP3REST:'], (err, fin) => {
    if (err) return cb(err);
    cb(num(fields(payload(payload(fin!, '+POP3RSET'), '+POP3REST'))[0]) === 1 ? null : pop3Negative('AT+POP3RSET'));
  });
}

/** AT+POP3OUT: ends the session; deletions take effect. */
export function pop3Logout(c: Sim900Mail, cb: Callback<void>): void {
  if (c.session !== 'pop3') {
    // nothing to end; a session the module ended itself reports why
    const lost = c.pop3Lost;
    c.pop3Lost = null;
    return cb(lost);
  }
  c.exec('AT+POP3OUT', { finals: ['+POP3OUT:'], afterOk: true, finalTimeout: c.networkTimeout() }, (err, res) => {
    c.release('pop3');
    if (err) return cb(err);
    const code = num(fields(payload(res!.final, '+POP3OUT'))[0]);
    cb(code === 1 ? null : pop3Error(code, 'AT+POP3OUT'));
  });
}

/**
 * A multi-line command (AT+POP3CMD=1 LIST, 2 UIDL, 3 TOP, 4 RETR) and its data read with AT+POP3READ, dot-unstuffed,
 * to `sink` in pieces of at most 1460 bytes. The callback gets the number of bytes delivered.
 */
export function pop3Multi(c: Sim900Mail, line: string, sink: Sink, cb: Callback<number>): void {
  pop3Cmd(c, line, ['+POP3CMD:'], (err, fin) => {
    if (err) return cb(err);
    if (num(fields(payload(fin!, '+POP3CMD'))[0]) !== 1) return cb(pop3Negative(line));
    readAll(c, new DotDecoder(sink, READ_MAX), cb);
  });
}

/** Reads until AT+POP3READ says the response is complete, waiting for +POP3READ: 3 when the module has no data yet. */
function readAll(c: Sim900Mail, dec: DotDecoder, cb: Callback<number>): void {
  let more = false;
  let waiting: (() => void) | null = null;
  let idle = 0;
  const onMore = (): void => {
    more = true;
    if (waiting) {
      const w = waiting;
      waiting = null;
      w();
    }
  };
  c.at.urc('+POP3READ: 3,', onMore);
  // the module may end the session while we wait for data (+POP3OUT: <code>)
  c.on('pop3out', onMore);
  const end = (err: MailError | null): void => {
    c.at.offUrc('+POP3READ: 3,', onMore);
    c.off('pop3out', onMore);
    if (err) return cb(err);
    dec.end();
    cb(null, dec.bytes);
  };
  const step = (): void => {
    more = false;
    if (c.session !== 'pop3') return end(c.pop3Lost || mailError('Pop3StateError', 'E_POP3_NOT_LOGGED_IN', 'the POP3 session ended during a read'));
    c.exec('AT+POP3READ=' + READ_MAX, {
      counted: ['+POP3READ: 1,', '+POP3READ: 2,'],
      onData: (chunk: string) => dec.write(chunk),
      finals: ['+POP3OUT:'],
      timeout: 20000,
    }, (err, res) => {
      if (err) return end(c.session !== 'pop3' && c.pop3Lost ? c.pop3Lost : err);
      const r: any = res;
      if (r.final && r.final.indexOf('+POP3OUT:') === 0) {
        c.release('pop3');
        return end(pop3Error(num(fields(payload(r.final, '+POP3OUT'))[0]), 'AT+POP3READ'));
      }
      const head = r.lines.length ? r.lines[r.lines.length - 1] : '';
      const f = fields(payload(head, '+POP3READ'));
      const status = num(f[0]);
      const cnf = num(f[1]);
      if (status === 2 || dec.done) return end(null);
      if (status !== 1) return end(mailError('ProtocolError', 'E_PROTOCOL', 'AT+POP3READ: unexpected answer ' + JSON.stringify(head)));
      if (cnf >= READ_MAX || more) {
        idle = 0;
        return step();
      }
      // less than asked: the module has no more data yet; it reports +POP3READ: 3 when it has
      if (++idle > 3) return end(mailError('Pop3ReadTimeoutError', 'E_POP3_READ_TIMEOUT', 'AT+POP3READ: no data arrived from the POP3 server'));
      const timer = setTimeout(() => {
        waiting = null;
        step();
      }, (c.opts.emailTimeout || 30) * 1000);
      waiting = () => {
        clearTimeout(timer);
        step();
      };
    });
  };
  step();
}

/** LIST of all: [{n, size}]. */
export function pop3List(c: Sim900Mail, cb: Callback<{ n: number; size: number }[]>): void {
  const col = collectLines();
  pop3Multi(c, 'AT+POP3CMD=1', col.sink, (err) => {
    if (err) return cb(err);
    const out = [];
    for (const l of col.lines()) {
      const sp = l.split(' ');
      if (sp.length >= 2) out.push({ n: parseInt(sp[0], 10), size: parseInt(sp[1], 10) });
    }
    cb(null, out);
  });
}

/** UIDL of all: [{n, uid}]. */
export function pop3Uidl(c: Sim900Mail, cb: Callback<{ n: number; uid: string }[]>): void {
  const col = collectLines();
  pop3Multi(c, 'AT+POP3CMD=2', col.sink, (err) => {
    if (err) return cb(err);
    const out = [];
    for (const l of col.lines()) {
      const sp = l.split(' ');
      if (sp.length >= 2) out.push({ n: parseInt(sp[0], 10), uid: str(sp[1]) });
    }
    cb(null, out);
  });
}

/** TOP: the headers and the first `lines` lines of the body of message n, streamed to sink. */
export function pop3Top(c: Sim900Mail, n: number, lines: number, sink: Sink, cb: Callback<number>): void {
  const p = msgNumber(n);
  if (p instanceof Error) return cb(p);
  const l = param(() => intParam(lines, 0, 65535, 'line count'));
  if (l instanceof Error) return cb(l);
  pop3Multi(c, 'AT+POP3CMD=3,' + p + ',' + l, sink, cb);
}

/** RETR: the whole message n, streamed to sink in pieces of at most 1460 bytes. */
export function pop3Retrieve(c: Sim900Mail, n: number, sink: Sink, cb: Callback<number>): void {
  const p = msgNumber(n);
  if (p instanceof Error) return cb(p);
  pop3Multi(c, 'AT+POP3CMD=4,' + p, sink, cb);
}

/** Finds a message's number by its unique id (UIDL of all), or an E_NOT_FOUND error. */
export function pop3Find(c: Sim900Mail, uid: string, cb: Callback<number>): void {
  pop3Uidl(c, (err, list) => {
    if (err) return cb(err);
    for (const e of list!) if (e.uid === uid) return cb(null, e.n);
    cb(mailError('NotFoundError', 'E_NOT_FOUND', `no message with uid ${uid}`));
  });
}
