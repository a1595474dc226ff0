// Test helper: minimal in-process SMTP and POP3 servers, so the emulator's fault tests control every answer
// (and can act at an exact protocol step) without Dovecot.
import * as net from 'node:net';

export interface FakeSmtp {
  port: number;
  /** Message data of every completed DATA, still dot-stuffed, without the final ".\r\n". */
  messages: string[];
  /** Commands received, in order. */
  commands: string[];
  /** Called with each command line before it is answered. */
  onCommand: ((line: string) => void) | null;
  close(): Promise<void>;
}

export interface FakePop3 {
  port: number;
  /** The mailbox: message texts (CRLF lines, not dot-stuffed). */
  messages: string[];
  commands: string[];
  close(): Promise<void>;
}

function listen(server: net.Server, sockets: Set<net.Socket>): Promise<number> {
  server.on('connection', (s) => {
    sockets.add(s);
    s.on('close', () => sockets.delete(s));
    s.on('error', () => undefined);
  });
  return new Promise((r) => server.listen(0, '127.0.0.1', () => r((server.address() as net.AddressInfo).port)));
}

function closer(server: net.Server, sockets: Set<net.Socket>): () => Promise<void> {
  return () => {
    for (const s of sockets) s.destroy();
    return new Promise((r) => server.close(() => r()));
  };
}

/** Lines (without CRLF) of a socket, with a raw mode for DATA (raw(b) returns what follows the data, or null). */
function lines(s: net.Socket, onLine: (l: string) => void, raw: () => ((b: string) => string | null) | null): void {
  let buf = '';
  s.on('data', (d: Buffer) => {
    buf += d.toString('latin1');
    for (;;) {
      const r = raw();
      if (r) {
        const rest = r(buf);
        buf = rest ?? '';
        if (rest === null) return;
        continue;
      }
      const i = buf.indexOf('\r\n');
      if (i < 0) return;
      const l = buf.substring(0, i);
      buf = buf.substring(i + 2);
      onLine(l);
    }
  });
}

export async function fakeSmtp(): Promise<FakeSmtp> {
  const sockets = new Set<net.Socket>();
  const h: FakeSmtp = { port: 0, messages: [], commands: [], onCommand: null, close: async () => undefined };
  const server = net.createServer((s) => {
    let data: string | null = null;
    s.write('220 fake ESMTP\r\n');
    lines(
      s,
      (l) => {
        h.commands.push(l);
        if (h.onCommand) h.onCommand(l);
        const u = l.toUpperCase();
        if (u.startsWith('EHLO')) s.write('250-fake\r\n250 AUTH PLAIN LOGIN\r\n');
        else if (u.startsWith('AUTH PLAIN')) s.write('235 ok\r\n');
        else if (u === 'DATA') {
          data = '';
          s.write('354 go on\r\n');
        } else if (u === 'QUIT') {
          s.write('221 bye\r\n');
          s.end();
        } else s.write('250 ok\r\n');
      },
      () =>
        data === null
          ? null
          : (b: string) => {
              data! += b;
              const k = data!.indexOf('\r\n.\r\n');
              if (k < 0) return null;
              h.messages.push(data!.substring(0, k));
              const rest = data!.substring(k + 5);
              data = null;
              s.write('250 queued\r\n');
              return rest;
            },
    );
  });
  h.port = await listen(server, sockets);
  h.close = closer(server, sockets);
  return h;
}

export async function fakePop3(messages: string[]): Promise<FakePop3> {
  const sockets = new Set<net.Socket>();
  const h: FakePop3 = { port: 0, messages, commands: [], close: async () => undefined };
  const size = (m: string) => Buffer.byteLength(m, 'latin1');
  const stuffed = (m: string) => m.replace(/^\./gm, '..');
  const server = net.createServer((s) => {
    s.write('+OK fake POP3\r\n');
    lines(
      s,
      (l) => {
        h.commands.push(l);
        const [cmd, arg] = l.split(' ');
        const n = Number(arg);
        const m = h.messages[n - 1];
        switch (cmd.toUpperCase()) {
          case 'STAT':
            s.write(`+OK ${h.messages.length} ${h.messages.reduce((a, x) => a + size(x), 0)}\r\n`);
            break;
          case 'LIST':
            if (arg) s.write(m ? `+OK ${n} ${size(m)}\r\n` : '-ERR no such message\r\n');
            else s.write('+OK\r\n' + h.messages.map((x, i) => `${i + 1} ${size(x)}\r\n`).join('') + '.\r\n');
            break;
          case 'UIDL':
            s.write(m ? `+OK ${n} uid${n}\r\n` : '-ERR no such message\r\n');
            break;
          case 'RETR':
            s.write(m ? '+OK\r\n' + stuffed(m) + '.\r\n' : '-ERR no such message\r\n');
            break;
          case 'QUIT':
            s.write('+OK bye\r\n');
            s.end();
            break;
          default:
            s.write('+OK\r\n');
        }
      },
      () => null,
    );
  });
  h.port = await listen(server, sockets);
  h.close = closer(server, sockets);
  return h;
}
