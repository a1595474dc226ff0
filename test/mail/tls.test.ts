// TLS (AT+EMAILSSL) end to end: the client, from the sources and from the linux bundle, sends and reads back through
// the emulator to servers that refuse plaintext (smtp-server and Dovecot with `ssl = required`), with TLS from the
// first byte and with STARTTLS/STLS, in both body dialects; a module without AT+EMAILSSL; what a plaintext client
// gets from TLS-only servers; the module's certificate check.
import { suite } from 'uvu';
import * as assert from 'uvu/assert';
import { createHash, randomBytes } from 'node:crypto';
import { simpleParser } from 'mailparser';
import { startMailServers, clientAccounts, type MailServers } from '../../host/servers';
import { testCertificate } from '../../host/servers/tls';
import { collector, startWorld, type Via, type World } from '../helpers/world';

const sha = (b: Buffer | Uint8Array) => createHash('sha256').update(b).digest('hex');
const count = (s: string, needle: string) => s.split(needle).length - 1;

/** The accounts of `s` with TLS mode `ssl` for both. */
function accounts(s: MailServers, ssl: string): any {
  const a = clientAccounts(s);
  return { smtp: { ...a.smtp, ssl }, pop3: { ...a.pop3, ssl } };
}

async function readBack(w: World): Promise<Buffer> {
  const box = await w.mail.pop3Login();
  const { count: n } = await box.count();
  const c = collector();
  await box.retrieve(n, c.sink);
  for (let i = 1; i <= n; i++) await box.remove(i);
  await box.logout();
  return c.buffer();
}

async function code(p: Promise<any>): Promise<string> {
  try {
    await p;
  } catch (e: any) {
    return e.code;
  }
  return 'no error';
}

for (const mode of ['implicit', 'starttls'] as const) {
  const t = suite(`TLS ${mode}: round trips`);
  let servers: MailServers;
  t.before(async () => {
    servers = await startMailServers({ tls: mode });
  });
  t.after(async () => {
    await servers.stop();
  });

  for (const via of ['source', 'module'] as Via[]) {
    for (const dialect of ['sim900', 'sim800'] as const) {
      t(`${via}, ${dialect}: a mail with an attachment goes over TLS and reads back over TLS`, async () => {
        const w = await startWorld({ via, reuse: servers, emulator: { dialect, emailssl: true }, client: accounts(servers, mode) });
        try {
          const data = randomBytes(3000).toString('latin1');
          const r = await w.mail.sendMail({ to: 'ops@example.org', subject: `TLS ${mode} ${dialect}`, body: 'Over TLS.', attachment: { name: 'b.bin', data } });
          assert.is(r.attachmentBytes, 3000);
          const got = servers.smtp.received.at(-1)!;
          assert.is(got.tls && got.tls.protocol, 'TLSv1.2', 'the SMTP server saw TLS 1.2 (the module speaks at most 1.2)');
          assert.ok(got.auth, 'authenticated after TLS');
          const send = w.emu.sends.at(-1)!;
          assert.ok(send.transcript.some((l) => /^TLS: TLSv1\.2 /.test(l)), send.transcript.join('\n'));
          const at = (re: RegExp, from = 0) => send.transcript.findIndex((l, i) => i >= from && re.test(l));
          if (mode === 'starttls') {
            // EHLO, STARTTLS, the handshake, EHLO again, and only then AUTH
            const tlsAt = at(/^TLS: /);
            assert.ok(at(/^C: EHLO /) < at(/^C: STARTTLS$/) && at(/^C: STARTTLS$/) < tlsAt, send.transcript.join('\n'));
            assert.ok(tlsAt < at(/^C: EHLO /, tlsAt) && at(/^C: EHLO /, tlsAt) < at(/^C: AUTH /), send.transcript.join('\n'));
          } else {
            assert.is(at(/^TLS: /), 0, 'TLS before the greeting');
            assert.is(at(/^C: STARTTLS$/), -1);
          }
          const logins = servers.pop3.logins().length;
          const raw = await readBack(w);
          const p = w.emu.pop3Transcript;
          if (mode === 'starttls') {
            // the greeting, CAPA listing STLS, STLS and its +OK, the handshake, and only then USER
            const stls = p.lastIndexOf('C: STLS');
            assert.ok(p.lastIndexOf('C: CAPA') < stls && p.lastIndexOf('S: STLS') < stls && p.lastIndexOf('S: STLS') > p.lastIndexOf('C: CAPA'), p.join('\n'));
            assert.ok(stls >= 0 && /^S: \+OK/.test(p[stls + 1]) && /^TLS: TLSv1\.2 /.test(p[stls + 2]) && /^C: USER /.test(p[stls + 3]), p.join('\n'));
          } else assert.ok(/^TLS: TLSv1\.2 /.test(p[0]), p.join('\n'));
          const m = await simpleParser(raw);
          assert.is(m.subject, `TLS ${mode} ${dialect}`);
          assert.is(sha(m.attachments[0].content), sha(Buffer.from(data, 'latin1')));
          // (Dovecot writes its log line a little after the client has its +OK)
          const login = await servers.pop3.waitForLogin(logins);
          assert.is(login.tls, 'TLSv1.2', 'Dovecot saw the log-in over TLS 1.2');
          assert.is(count(w.written(), 'AT+EMAILSSL=?'), 1, 'the support is asked once');
          assert.is(count(w.written(), `AT+EMAILSSL=${mode === 'implicit' ? 1 : 2}\r`), 1, 'the module keeps the type: written once for a send and a log-in');
        } finally {
          await w.stop();
        }
      });
    }
  }

  t('a plaintext client gets the typed error the module gives', async () => {
    // (EMAILTO 10 s scaled to 200 ms: an implicit-TLS port never sends a plaintext greeting)
    const w = await startWorld({ reuse: servers, emulator: { emailssl: true, timeoutScale: mode === 'implicit' ? 0.02 : 1 }, client: accounts(servers, 'none') });
    try {
      const smtp = await code(w.mail.sendMail({ to: 'ops@example.org', subject: 'plain', body: 'x' }));
      const pop3 = await code(w.mail.pop3Login());
      if (mode === 'implicit') {
        assert.is(smtp, 'E_SMTP_TIMEOUT');
        assert.is(pop3, 'E_POP3_TIMEOUT');
      } else {
        // no AUTH offered before STARTTLS; Dovecot refuses USER on a connection without TLS
        assert.is(smtp, 'E_SMTP_NOT_AUTHENTICATED');
        assert.is(pop3, 'E_POP3_USER');
      }
      // (the client cannot know what a module it found running holds: it writes 0 once)
      assert.is(count(w.written(), 'AT+EMAILSSL=0\r'), 1);
    } finally {
      await w.stop();
    }
  });

  t('the module that verifies certificates: the servers\' certificate against its authority, refused without it', async () => {
    const ca = testCertificate().cert;
    const acc = accounts(servers, mode);
    const real = { smtp: { host: acc.smtp.host, port: acc.smtp.port }, pop3: { host: acc.pop3.host, port: acc.pop3.port } };
    acc.smtp.host = acc.pop3.host = 'localhost';
    // the name the certificate carries, resolved to where each server listens (Dovecot's STARTTLS one is not 127.0.0.1)
    const route = (_h: string, _p: number, service: 'smtp' | 'pop3') => real[service];
    const w = await startWorld({ reuse: servers, emulator: { emailssl: true, tlsVerify: true, tlsCa: ca, route }, client: acc });
    try {
      await w.mail.sendMail({ to: 'ops@example.org', subject: 'verified', body: 'x' });
      assert.ok(w.emu.sends.at(-1)!.transcript.some((l) => /certificate verified/.test(l)));
      const box = await w.mail.pop3Login();
      await box.logout();
    } finally {
      await w.stop();
    }
    const w2 = await startWorld({ reuse: servers, emulator: { emailssl: true, tlsVerify: true, route }, client: acc });
    try {
      assert.is(await code(w2.mail.sendMail({ to: 'ops@example.org', subject: 'unverified', body: 'x' })), 'E_SMTP_CONNECT');
      assert.ok(w2.emu.sends.at(-1)!.transcript.some((l) => /^TLS: .*certificate/.test(l)), w2.emu.sends.at(-1)!.transcript.join('\n'));
      assert.is(await code(w2.mail.pop3Login()), 'E_POP3_CONNECT');
    } finally {
      await w2.stop();
    }
  });

  t.run();
}

const p = suite('TLS: the module, the account');
let plain: MailServers;
p.before(async () => {
  plain = await startMailServers();
});
p.after(async () => {
  await plain.stop();
});

for (const via of ['source', 'module'] as Via[]) {
  p(`${via}: a module without AT+EMAILSSL: E_NO_TLS before any server is contacted; without TLS asked once, then mail as before`, async () => {
    const w = await startWorld({ via, reuse: plain, client: accounts(plain, 'implicit') });
    try {
      const before = plain.smtp.connections;
      assert.is(await code(w.mail.sendMail({ to: 'ops@example.org', subject: 's', body: 'x' })), 'E_NO_TLS');
      assert.is(await code(w.mail.pop3Login()), 'E_NO_TLS');
      assert.is(plain.smtp.connections, before);
      assert.is(w.written().indexOf('AT+SAPBR=1,'), -1, 'not even the bearer was opened');
      assert.is(w.written().indexOf('AT+SMTPSEND'), -1);
      assert.is(count(w.written(), 'AT+EMAILSSL=?'), 1, 'asked once');
      (w.mail.opts as any).smtp.ssl = 'none';
      (w.mail.opts as any).pop3.ssl = 'none';
      await w.mail.sendMail({ to: 'ops@example.org', subject: 'plain', body: 'x' });
      await w.mail.sendMail({ to: 'ops@example.org', subject: 'plain 2', body: 'y' });
      assert.is(plain.smtp.received.at(-1)!.tls, undefined);
      const box = await w.mail.pop3Login();
      await box.logout();
      assert.is(count(w.written(), 'AT+EMAILSSL'), 1, 'no AT+EMAILSSL but the one question');
    } finally {
      await w.stop();
    }
  });

  p(`${via}: the type held is written again after the module restarted; a bad ssl value is refused before a byte is written`, async () => {
    const w = await startWorld({ via, reuse: plain, emulator: { dialect: 'sim800' }, client: accounts(plain, 'none') });
    try {
      // the module holds implicit TLS from before the board restarted (its state, set directly): 0 is written
      (w.emu as any).m.email.ssl = 1;
      await w.mail.sendMail({ to: 'ops@example.org', subject: 'after', body: 'x' });
      assert.is(count(w.written(), 'AT+EMAILSSL=0\r'), 1);
      await w.mail.sendMail({ to: 'ops@example.org', subject: 'again', body: 'x' });
      assert.is(count(w.written(), 'AT+EMAILSSL=0\r'), 1, 'held: not written again');
      w.emu.reset();
      await new Promise<void>((r) => w.emu.once('booted', () => r()));
      await w.emu.drained();
      await w.mail.sendMail({ to: 'ops@example.org', subject: 'after reset', body: 'x' });
      assert.is(count(w.written(), 'AT+EMAILSSL=0\r'), 2, 'written again after the reset');
      assert.is(count(w.written(), 'AT+EMAILSSL=?'), 1, 'support is not asked again');
      const n = w.written().length;
      (w.mail.opts as any).smtp.ssl = 'tls';
      assert.is(await code(w.mail.sendMail({ to: 'ops@example.org', subject: 'x', body: 'x' })), 'E_PARAM');
      (w.mail.opts as any).pop3.ssl = true;
      assert.is(await code(w.mail.pop3Login()), 'E_PARAM');
      assert.is(w.written().length, n, 'nothing written');
    } finally {
      await w.stop();
    }
  });

  p(`${via}: TLS asked of servers without it: STARTTLS not offered is E_SMTP_SERVER, STLS refused E_POP3_SERVER, implicit TLS to a plaintext port E_*_CONNECT`, async () => {
    const w = await startWorld({ via, reuse: plain, emulator: { emailssl: true }, client: accounts(plain, 'starttls') });
    try {
      assert.is(await code(w.mail.sendMail({ to: 'ops@example.org', subject: 's', body: 'x' })), 'E_SMTP_SERVER');
      assert.is(await code(w.mail.pop3Login()), 'E_POP3_SERVER');
      (w.mail.opts as any).smtp.ssl = (w.mail.opts as any).pop3.ssl = 'implicit';
      assert.is(await code(w.mail.sendMail({ to: 'ops@example.org', subject: 's', body: 'x' })), 'E_SMTP_CONNECT');
      assert.is(await code(w.mail.pop3Login()), 'E_POP3_CONNECT');
      assert.ok(w.emu.sends.at(-1)!.transcript.some((l) => /^TLS: /.test(l)));
    } finally {
      await w.stop();
    }
  });
}

p.run();
