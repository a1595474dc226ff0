// The servers' TLS-only modes, seen by real TLS clients (node:tls trusting the test certificate): implicit TLS
// (POP3S, SMTPS) and STARTTLS (STLS, STARTTLS), what each server answers a plaintext client, and the TLS
// version each server reports (Dovecot's log, the SMTP server's end of the connection).
import { suite } from 'uvu';
import * as assert from 'uvu/assert';
import * as net from 'node:net';
import * as tls from 'node:tls';
import { statSync } from 'node:fs';
import { X509Certificate, createPrivateKey } from 'node:crypto';
import nodemailer from 'nodemailer';
import { startMailServers, startSmtp, clientAccounts, testCertificate, STARTTLS_HOST, type MailServers, type SmtpHandle, type TlsMode } from '../../host/servers';
import { Pop3Client } from '../../host/servers/pop3-client';
import { SmtpLine, trust } from './smtp-line';

const cert = testCertificate();
/** Connects without TLS, writes `line`, and returns every byte the server sent before it closed the connection. */
function plaintextAttempt(host: string, port: number, line: string): Promise<Buffer> {
  return new Promise((resolve, reject) => {
    const got: Buffer[] = [];
    const sock = net.connect(port, host, () => sock.write(line + '\r\n'));
    // a guard only: both servers close at once (measured); a server waiting here would fail the test, not hang it
    sock.setTimeout(5000, () => {
      sock.destroy();
      reject(new Error(`${host}:${port} kept the plaintext connection open`));
    });
    sock.on('data', (d) => got.push(d));
    sock.on('error', () => undefined);
    sock.on('close', () => resolve(Buffer.concat(got)));
  });
}

/** Reads until the text received matches `re` (then stops reading: the server says nothing until the handshake). */
function readUntil(sock: net.Socket, re: RegExp): Promise<void> {
  return new Promise((resolve) => {
    let buf = '';
    const on = (d: Buffer) => {
      buf += d.toString('latin1');
      if (!re.test(buf)) return;
      sock.removeListener('data', on);
      resolve();
    };
    sock.on('data', on);
  });
}

/** Nothing but, at most, TLS alert records (content type 21): no greeting, no text. */
function noGreeting(b: Buffer, what: string): void {
  assert.not.match(b.toString('latin1'), /\+OK|-ERR|220|554/, `${what}: no plaintext answer`);
  for (let i = 0; i < b.length; i += 5 + b.readUInt16BE(i + 3)) assert.is(b[i], 21, `${what}: only TLS alerts, got ${b.toString('hex')}`);
}

const auth = (s: MailServers) => ({ user: s.pop3.user, pass: s.pop3.password });
const plainAuth = (s: MailServers) => 'AUTH PLAIN ' + Buffer.from(`\0${s.pop3.user}\0${s.pop3.password}`).toString('base64');

/** The newest message in the mailbox over POP3, and the login Dovecot logged for it. */
async function retrLast(s: MailServers, open: () => Promise<Pop3Client>): Promise<{ raw: Buffer; protocol: string | null; logged: string | null }> {
  const before = s.pop3.logins().length;
  const c = await open();
  await c.login(s.pop3.user, s.pop3.password);
  const raw = await c.retr((await c.stat()).count);
  const protocol = c.tlsProtocol;
  await c.quit();
  const login = await s.pop3.waitForLogin(before);
  assert.is(login.user, s.pop3.user);
  return { raw, protocol, logged: login.tls };
}

const certificate = suite('servers: the test certificate');

certificate('made once per process by openssl: localhost and the loopback addresses, a few days, files Dovecot can read', () => {
  assert.is(testCertificate(), cert, 'memoized');
  const x = new X509Certificate(cert.cert);
  assert.is(x.subject, 'CN=localhost');
  assert.is(x.subjectAltName, 'DNS:localhost, IP Address:127.0.0.1, IP Address:127.0.0.2');
  assert.ok(x.checkHost('localhost') && x.checkIP('127.0.0.1') && x.checkIP(STARTTLS_HOST));
  assert.is(x.issuer, x.subject, 'self-signed');
  assert.is(x.publicKey.asymmetricKeyType, 'ec');
  assert.is(x.publicKey.asymmetricKeyDetails!.namedCurve, 'prime256v1');
  const days = (Date.parse(x.validTo) - Date.parse(x.validFrom)) / 864e5;
  assert.ok(days >= 1 && days <= 7, `valid ${days} days`);
  assert.ok(x.checkPrivateKey(createPrivateKey(cert.key)), 'key and certificate belong together');
  assert.is(cert.fingerprint256, x.fingerprint256);
  assert.is(statSync(cert.certFile).mode & 0o777, 0o644);
  assert.is(statSync(cert.keyFile).mode & 0o777, 0o600);
});

for (const mode of ['implicit', 'starttls'] as TlsMode[]) {
  const t = suite<{ s: MailServers }>(`servers: tls ${mode}`);
  t.before(async (ctx) => {
    ctx.s = await startMailServers({ tls: mode });
  });
  t.after(async (ctx) => {
    await ctx.s.stop();
  });

  t('both handles and clientAccounts name the mode', ({ s }) => {
    assert.is(s.pop3.tls, mode);
    assert.is(s.smtp.tls, mode);
    const a = clientAccounts(s);
    assert.equal(a.smtp, { host: s.smtp.host, port: s.smtp.port, user: s.pop3.user, password: s.pop3.password, ssl: mode });
    // Dovecot's STARTTLS listener is on another loopback address (see STARTTLS_HOST in host/servers/dovecot.ts)
    assert.equal(a.pop3, { host: mode === 'starttls' ? STARTTLS_HOST : '127.0.0.1', port: s.pop3.port, user: s.pop3.user, password: s.pop3.password, ssl: mode });
  });

  t('nodemailer sends with AUTH over TLS; the message comes back over POP3 over TLS, byte for byte', async ({ s }) => {
    const before = s.smtp.received.length;
    const transport = nodemailer.createTransport({
      host: '127.0.0.1',
      port: s.smtp.port,
      secure: mode === 'implicit',
      requireTLS: mode === 'starttls',
      auth: auth(s),
      tls: trust(),
    } as any);
    const info = await transport.sendMail({ from: 'board@example.com', to: 'ops@example.com', subject: `over ${mode}`, text: 'sent over TLS\r\n' });
    assert.equal(info.accepted, ['ops@example.com']);
    const m = await s.smtp.waitForMessage(before);
    assert.equal(m.auth, { user: s.pop3.user, method: 'PLAIN' });
    assert.is(m.tls!.protocol, 'TLSv1.3');
    assert.match(m.tls!.cipher, /^TLS_/);

    const open = mode === 'implicit'
      ? () => Pop3Client.connectTls(s.pop3.port, s.pop3.host, trust())
      : async () => {
          const c = await Pop3Client.connect(s.pop3.port, s.pop3.host);
          await c.stls(trust());
          return c;
        };
    const got = await retrLast(s, open);
    assert.ok(got.raw.equals(m.raw), 'RETR returns exactly the bytes SMTP received');
    assert.is(got.protocol, 'TLSv1.3');
    assert.is(got.logged, 'TLSv1.3', 'logins() reports the TLS version Dovecot logged');
  });

  t('a client limited to TLS 1.2 is served TLS 1.2, and both servers say so', async ({ s }) => {
    const before = s.smtp.received.length;
    const c = mode === 'implicit' ? SmtpLine.tls('127.0.0.1', s.smtp.port, { maxVersion: 'TLSv1.2' }) : SmtpLine.plain('127.0.0.1', s.smtp.port);
    assert.match(await c.reply(), /^220 /);
    assert.match(await c.cmd('EHLO board'), /^250/);
    if (mode === 'starttls') await c.starttls({ maxVersion: 'TLSv1.2' });
    assert.is(c.protocol, 'TLSv1.2');
    if (mode === 'starttls') assert.match(await c.cmd('EHLO board'), /^250/);
    assert.match(await c.cmd(plainAuth(s)), /^235 /);
    assert.match(await c.cmd('MAIL FROM:<a@example.com>'), /^250 /);
    assert.match(await c.cmd('RCPT TO:<b@example.com>'), /^250 /);
    assert.match(await c.cmd('DATA'), /^354 /);
    assert.match(await c.cmd('Subject: tls 1.2\r\n\r\nbody\r\n.'), /^250 /);
    c.close();
    const m = await s.smtp.waitForMessage(before);
    assert.is(m.tls!.protocol, 'TLSv1.2');
    assert.match(m.tls!.cipher, /^ECDHE-ECDSA-/);

    const open = mode === 'implicit'
      ? () => Pop3Client.connectTls(s.pop3.port, s.pop3.host, trust({ maxVersion: 'TLSv1.2' }))
      : async () => {
          const p = await Pop3Client.connect(s.pop3.port, s.pop3.host);
          await p.stls(trust({ maxVersion: 'TLSv1.2' }));
          return p;
        };
    const got = await retrLast(s, open);
    assert.ok(got.raw.equals(m.raw));
    assert.is(got.protocol, 'TLSv1.2');
    assert.is(got.logged, 'TLSv1.2');
  });

  t('each server presents the test certificate, which a client without it as authority refuses', async ({ s }) => {
    const peer = async (port: number, host: string, extra: tls.ConnectionOptions): Promise<tls.TLSSocket> => {
      if (mode === 'implicit') return tls.connect(Object.assign({ host, port }, extra));
      const raw = net.connect(port, host);
      // the plaintext greeting, then the command that starts TLS
      if (port === s.smtp.port) {
        await readUntil(raw, /^220 .*\r\n/m);
        raw.write('EHLO board\r\n');
        await readUntil(raw, /^250 .*\r\n/m);
        raw.write('STARTTLS\r\n');
        await readUntil(raw, /^220 .*\r\n/m);
      } else {
        await readUntil(raw, /^\+OK .*\r\n/m);
        raw.write('STLS\r\n');
        await readUntil(raw, /^\+OK .*\r\n/m);
      }
      return tls.connect(Object.assign({ socket: raw }, extra));
    };
    for (const [host, port] of [[s.pop3.host, s.pop3.port], ['127.0.0.1', s.smtp.port]] as [string, number][]) {
      const ok = await peer(port, host, trust());
      await new Promise((r) => ok.once('secureConnect', r));
      assert.is(ok.getPeerCertificate().fingerprint256, cert.fingerprint256);
      ok.destroy();
      const refused = await peer(port, host, { servername: 'localhost' });
      const err = await new Promise<Error & { code?: string }>((r) => refused.once('error', r));
      assert.is(err.code, 'DEPTH_ZERO_SELF_SIGNED_CERT');
      refused.destroy();
    }
  });

  if (mode === 'implicit') {
    t('a plaintext client on either port gets no greeting: the server closes the connection at its first line', async ({ s }) => {
      const sessions = s.smtp.connections;
      const logins = s.pop3.logins().length;
      // measured: both close without sending a byte (Dovecot logs "SSL_accept() failed: ... wrong version number")
      noGreeting(await plaintextAttempt(s.pop3.host, s.pop3.port, 'USER ' + s.pop3.user), 'Dovecot');
      noGreeting(await plaintextAttempt('127.0.0.1', s.smtp.port, 'EHLO board'), 'smtp-server');
      assert.is(s.smtp.connections, sessions, 'no SMTP session began');
      assert.is(s.pop3.logins().length, logins);
    });

    t('SMTP faults still fire over implicit TLS (greeting, a command, the message end)', async ({ s }) => {
      s.smtp.faults.push({ stage: 'greeting', reply: '554 no service here' });
      let c = SmtpLine.tls('127.0.0.1', s.smtp.port);
      assert.is(await c.reply(), '554 no service here\r\n');
      assert.is(await c.reply(), 'CLOSED');

      const before = s.smtp.received.length;
      c = SmtpLine.tls('127.0.0.1', s.smtp.port);
      assert.match(await c.reply(), /^220 /);
      await c.cmd('EHLO board');
      assert.match(await c.cmd(plainAuth(s)), /^235 /);
      await c.cmd('MAIL FROM:<a@example.com>');
      s.smtp.faults.push({ stage: 'rcpt', reply: '452 too many recipients' });
      assert.is(await c.cmd('RCPT TO:<b@example.com>'), '452 too many recipients\r\n');
      assert.match(await c.cmd('RCPT TO:<b@example.com>'), /^250 /);
      s.smtp.faults.push({ stage: 'message', close: true });
      assert.match(await c.cmd('DATA'), /^354 /);
      assert.is(await c.cmd('h: v\r\n\r\nbody\r\n.'), 'CLOSED');
      assert.is(s.smtp.received.length, before);
    });
  } else {
    t('Dovecot before STLS: CAPA offers STLS and no USER; USER, PASS and AUTH are refused; after STLS, USER works', async ({ s }) => {
      const logins = s.pop3.logins().length;
      const c = await Pop3Client.connect(s.pop3.port, s.pop3.host);
      assert.match(c.greeting!.text, /Dovecot/);
      const capa = (await c.command('CAPA', true)).data!.toString('latin1').split('\r\n');
      assert.ok(capa.indexOf('STLS') >= 0, capa.join(' '));
      assert.is(capa.indexOf('USER'), -1);
      assert.ok(capa.indexOf('SASL') >= 0, 'SASL with no mechanism');
      const user = await c.command('USER ' + s.pop3.user);
      assert.equal(user, { ok: false, text: '[AUTH] Plaintext authentication disallowed on non-secure (SSL/TLS) connections.' });
      const pass = await c.command('PASS ' + s.pop3.password);
      assert.equal(pass, { ok: false, text: '[AUTH] Plaintext authentication disallowed on non-secure (SSL/TLS) connections.' });
      const sasl = await c.command(plainAuth(s));
      assert.equal(sasl, { ok: false, text: '[AUTH] Authentication not allowed until SSL/TLS is enabled.' });

      await c.stls(trust());
      const after = (await c.command('CAPA', true)).data!.toString('latin1').split('\r\n');
      assert.ok(after.indexOf('USER') >= 0);
      assert.is(after.indexOf('STLS'), -1, 'no second STLS');
      await c.login(s.pop3.user, s.pop3.password);
      await c.quit();
      const login = await s.pop3.waitForLogin(logins);
      assert.equal(login, { user: s.pop3.user, tls: 'TLSv1.3' });
      assert.is(s.pop3.logins().length, logins + 1, 'the refused attempts are not logins');
    });

    t('smtp-server before STARTTLS: EHLO offers STARTTLS and no AUTH; AUTH gets 538, MAIL/RCPT/DATA 530', async ({ s }) => {
      const before = s.smtp.received.length;
      const c = SmtpLine.plain('127.0.0.1', s.smtp.port);
      assert.match(await c.reply(), /^220 /);
      const ehlo = await c.cmd('EHLO board');
      assert.match(ehlo, /^250 STARTTLS\r\n$/m);
      assert.not.match(ehlo, /AUTH/);
      assert.is(await c.cmd(plainAuth(s)), '538 Error: Must issue a STARTTLS command first\r\n');
      assert.is(await c.cmd('AUTH LOGIN'), '538 Error: Must issue a STARTTLS command first\r\n');
      for (const cmd of ['MAIL FROM:<a@example.com>', 'RCPT TO:<b@example.com>', 'DATA']) {
        assert.is(await c.cmd(cmd), '530 5.7.0 Must issue a STARTTLS command first\r\n', cmd);
      }

      await c.starttls();
      assert.is(c.protocol, 'TLSv1.3');
      const ehlo2 = await c.cmd('EHLO board');
      assert.match(ehlo2, /AUTH PLAIN LOGIN/);
      assert.not.match(ehlo2, /STARTTLS/);
      assert.match(await c.cmd('MAIL FROM:<a@example.com>'), /^530 /, 'AUTH is still required');
      assert.match(await c.cmd(plainAuth(s)), /^235 /);
      // faults work inside the TLS session too
      s.smtp.faults.push({ stage: 'mail', reply: '451 local error' });
      assert.is(await c.cmd('MAIL FROM:<a@example.com>'), '451 local error\r\n');
      assert.match(await c.cmd('MAIL FROM:<a@example.com>'), /^250 /);
      assert.match(await c.cmd('RCPT TO:<b@example.com>'), /^250 /);
      assert.match(await c.cmd('DATA'), /^354 /);
      assert.match(await c.cmd('Subject: after STARTTLS\r\n\r\nbody\r\n.'), /^250 /);
      c.close();
      const m = await s.smtp.waitForMessage(before);
      assert.is(m.tls!.protocol, 'TLSv1.3');
      assert.match(m.tls!.cipher, /^TLS_/);
      assert.equal(m.auth, { user: s.pop3.user, method: 'PLAIN' });
    });

    t('a plaintext USER/PASS client (the Pop3Client without STLS) cannot log in', async ({ s }) => {
      const c = await Pop3Client.connect(s.pop3.port, s.pop3.host);
      try {
        await c.login(s.pop3.user, s.pop3.password);
        assert.unreachable('logged in without TLS');
      } catch (e) {
        assert.is((e as Error).message, 'USER: -ERR [AUTH] Plaintext authentication disallowed on non-secure (SSL/TLS) connections.');
      }
      await c.quit();
    });
  }

  t.run();
}

const others = suite<{ started: SmtpHandle[] }>('servers: tls starttls without AUTH, and plaintext');
others.before((ctx) => {
  ctx.started = [];
});
others.after(async (ctx) => {
  await Promise.all(ctx.started.map((s) => s.stop()));
});

others('an open relay in starttls mode refuses MAIL before STARTTLS with Gmail\'s 530 and takes it after', async (ctx) => {
  const s = await startSmtp({ tls: 'starttls' });
  ctx.started.push(s);
  const c = SmtpLine.plain('127.0.0.1', s.port);
  assert.match(await c.reply(), /^220 /);
  const ehlo = await c.cmd('EHLO board');
  assert.match(ehlo, /STARTTLS/);
  assert.not.match(ehlo, /AUTH/);
  assert.is(await c.cmd('MAIL FROM:<a@example.com>'), '530 5.7.0 Must issue a STARTTLS command first\r\n');
  assert.is(await c.cmd('AUTH PLAIN AHUAcA=='), '500 Error: command not recognized\r\n', 'no AUTH configured: none offered at all');
  await c.starttls();
  await c.cmd('EHLO board');
  assert.match(await c.cmd('MAIL FROM:<a@example.com>'), /^250 /);
  assert.match(await c.cmd('RCPT TO:<b@example.com>'), /^250 /);
  assert.match(await c.cmd('DATA'), /^354 /);
  assert.match(await c.cmd('x: y\r\n\r\nz\r\n.'), /^250 /);
  c.close();
  const m = await s.waitForMessage(0);
  assert.is(m.tls!.protocol, 'TLSv1.3');
  assert.is(m.auth, undefined);
});

others('plaintext servers: no tls on the handles, the messages or the logins; clientAccounts has no ssl', async () => {
  const s = await startMailServers();
  try {
    assert.is(s.pop3.tls, null);
    assert.is(s.smtp.tls, null);
    const a = clientAccounts(s);
    assert.not.ok('ssl' in a.smtp || 'ssl' in a.pop3);
    const t = nodemailer.createTransport({ host: '127.0.0.1', port: s.smtp.port, ignoreTLS: true, auth: auth(s) } as any);
    await t.sendMail({ from: 'a@example.com', to: 'b@example.com', text: 'plain' });
    const m = await s.smtp.waitForMessage(0);
    assert.not.ok('tls' in m);
    const got = await retrLast(s, () => Pop3Client.connect(s.pop3.port, s.pop3.host));
    assert.ok(got.raw.equals(m.raw));
    assert.is(got.protocol, null);
    assert.is(got.logged, null);
  } finally {
    await s.stop();
  }
});

certificate.run();
others.run();
