// Shared helpers for the servers tests (not a test file itself).
import * as net from 'node:net';
import * as fs from 'node:fs';
import type { MailServers } from '../../host/servers';

export function authPlain(s: MailServers): string {
  return 'AUTH PLAIN ' + Buffer.from(`\0${s.pop3.user}\0${s.pop3.password}`).toString('base64');
}

/** Sends commands one by one (each must get a 2xx/3xx), then `data` dot-stuffed, then QUIT. */
export async function rawSmtp(s: MailServers, cmds: string[], data: string): Promise<string[]> {
  const sock = net.connect(s.smtp.port, '127.0.0.1');
  const replies: string[] = [];
  let buf = '';
  let want: ((r: string) => void) | null = null;
  sock.on('data', (d) => {
    buf += d.toString('latin1');
    const m = /(^|\r\n)(\d{3}) [^\r\n]*\r\n$/.exec(buf);
    if (m && want) {
      const w = want;
      want = null;
      const r = buf;
      buf = '';
      w(r);
    }
  });
  const next = () => new Promise<string>((r) => (want = r));
  const send = async (line: string) => {
    const p = next();
    sock.write(Buffer.from(line, 'latin1'));
    const r = await p;
    replies.push(r);
    if (!/^[23]/.test(r)) throw new Error('SMTP refused ' + JSON.stringify(line) + ': ' + r);
    return r;
  };
  replies.push(await next());
  for (const c of cmds) await send(c + '\r\n');
  await send(data.replace(/(^|\n)\./g, '$1..') + (data.endsWith('\r\n') ? '' : '\r\n') + '.\r\n');
  await send('QUIT\r\n');
  sock.destroy();
  return replies;
}

export function childPids(ppid: number): number[] {
  return fs
    .readdirSync('/proc')
    .filter((e) => /^\d+$/.test(e))
    .filter((e) => {
      try {
        const st = fs.readFileSync(`/proc/${e}/stat`, 'utf8');
        return Number(st.slice(st.lastIndexOf(')') + 2).split(' ')[1]) === ppid;
      } catch {
        return false;
      }
    })
    .map(Number);
}

export function canConnect(port: number): Promise<boolean> {
  return new Promise((resolve) => {
    const c = net.connect(port, '127.0.0.1');
    c.on('connect', () => {
      c.destroy();
      resolve(true);
    });
    c.on('error', () => resolve(false));
  });
}

