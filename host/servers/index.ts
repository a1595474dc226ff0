// Both mail servers at once: Dovecot POP3 and an SMTP server that delivers into the first Dovecot user's
// Maildir, so a message sent over SMTP can be read back over POP3.
import { startDovecot, type DovecotHandle, type DovecotOptions } from './dovecot';
import { startSmtp, type SmtpHandle, type SmtpOptions } from './smtp';

export { startDovecot, dovecotVersion, freePort, pidAlive } from './dovecot';
export type { DovecotHandle, DovecotOptions, DovecotUser, PopUser } from './dovecot';
export { startSmtp, checkFault, SMTP_STAGES } from './smtp';
export type { SmtpHandle, SmtpOptions, SmtpFault, SmtpStage, ReceivedMessage } from './smtp';
export { deliverToMaildir, ensureMaildir } from './maildir';
export type { MaildirOwner } from './maildir';

export interface MailServersOptions {
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
  const pop3 = await startDovecot(opts.dovecot);
  let smtp: SmtpHandle;
  try {
    const s = opts.smtp ?? {};
    const auth = s.auth === null ? undefined : s.auth ?? { user: pop3.user, password: pop3.password };
    smtp = await startSmtp(
      Object.assign({}, s, {
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

/** The smtp and pop3 options a client (or a board's mail.json) needs to reach these servers. */
export function clientAccounts(s: MailServers): { smtp: { host: string; port: number; user: string; password: string }; pop3: { host: string; port: number; user: string; password: string } } {
  return {
    smtp: { host: '127.0.0.1', port: s.smtp.port, user: s.pop3.user, password: s.pop3.password },
    pop3: { host: '127.0.0.1', port: s.pop3.port, user: s.pop3.user, password: s.pop3.password },
  };
}
