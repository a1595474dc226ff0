// Both mail servers at once: Dovecot POP3 and an SMTP server that delivers into the first Dovecot user's
// Maildir, so a message sent over SMTP can be read back over POP3.
import { startDovecot, type DovecotHandle, type DovecotOptions } from './dovecot';
import { startSmtp, type SmtpHandle, type SmtpOptions } from './smtp';
import type { TlsMode } from './tls';

export { startDovecot, dovecotVersion, freePort, pidAlive, parseLogins, STARTTLS_HOST } from './dovecot';
export type { DovecotHandle, DovecotOptions, DovecotUser, DovecotLogin, PopUser } from './dovecot';
export { startSmtp, checkFault, SMTP_STAGES } from './smtp';
export type { SmtpHandle, SmtpOptions, SmtpFault, SmtpStage, ReceivedMessage } from './smtp';
export { deliverToMaildir, ensureMaildir } from './maildir';
export type { MaildirOwner } from './maildir';
export { testCertificate } from './tls';
export type { TestCertificate, TlsMode } from './tls';

export interface MailServersOptions {
  /** TLS mode of both servers (each server's own `tls` option wins); default plaintext. */
  tls?: TlsMode;
  dovecot?: DovecotOptions;
  /** SMTP options; `maildir` defaults to the first Dovecot user's Maildir. Set `auth: null` for no AUTH. */
  smtp?: Omit<SmtpOptions, 'auth'> & { auth?: SmtpOptions['auth'] | null };
}

export interface MailServers {
  pop3: DovecotHandle;
  smtp: SmtpHandle;
  stop(): Promise<void>;
}

/**
 * Starts Dovecot and the SMTP server. By default SMTP requires AUTH with the first Dovecot user's credentials
 * (as a provider's submission server would); pass `smtp: { auth: null }` for an open relay.
 */
export async function startMailServers(opts: MailServersOptions = {}): Promise<MailServers> {
  const pop3 = await startDovecot(Object.assign({ tls: opts.tls }, opts.dovecot));
  let smtp: SmtpHandle;
  try {
    const s = opts.smtp ?? {};
    const auth = s.auth === null ? undefined : s.auth ?? { user: pop3.user, password: pop3.password };
    smtp = await startSmtp(
      Object.assign({ tls: opts.tls }, s, {
        auth,
        maildir: s.maildir ?? pop3.maildir,
        maildirOwner: s.maildirOwner ?? pop3.mailOwner,
      }),
    );
  } catch (e) {
    await pop3.stop();
    throw e;
  }
  let stopped: Promise<void> | null = null;
  return {
    pop3,
    smtp,
    stop() {
      if (!stopped) stopped = Promise.all([smtp.stop(), pop3.stop()]).then(() => undefined);
      return stopped;
    },
  };
}

export interface ClientAccount {
  host: string;
  port: number;
  user: string;
  password: string;
  /** The server's TLS mode; only there when it has one, so plaintext configurations stay as they were */
  ssl?: TlsMode;
}

/** The smtp and pop3 options a client (or a board's mail.json) needs to reach these servers. */
export function clientAccounts(s: MailServers): { smtp: ClientAccount; pop3: ClientAccount } {
  return {
    smtp: account(s.smtp.host, s.smtp.port, s.pop3, s.smtp.tls),
    pop3: account(s.pop3.host, s.pop3.port, s.pop3, s.pop3.tls),
  };
}

function account(host: string, port: number, who: { user: string; password: string }, tls: TlsMode | null): ClientAccount {
  const a: ClientAccount = { host, port, user: who.user, password: who.password };
  if (tls) a.ssl = tls;
  return a;
}
