// The result codes of the manual as typed errors. SMTP codes come in +SMTPSEND: <code> (and +SMTPFT failures),
// POP3 codes in +POP3IN: <code> and +POP3OUT: <code> (which every POP3 command may report instead of its answer).
import { mailError, type MailError } from '../errors';

/** [name, code, text] for each +SMTPSEND result other than 1 (AT+SMTPSEND, SIM900 Email AT Manual 2.10). */
const SMTP: Record<number, [string, string, string]> = {
  61: ['SmtpNetworkError', 'E_SMTP_NETWORK', 'network error (is the GPRS bearer open?)'],
  62: ['SmtpDnsError', 'E_SMTP_DNS', 'DNS could not resolve the SMTP server'],
  63: ['SmtpConnectError', 'E_SMTP_CONNECT', 'TCP connection to the SMTP server failed'],
  64: ['SmtpTimeoutError', 'E_SMTP_TIMEOUT', 'the SMTP server did not answer within AT+EMAILTO'],
  65: ['SmtpServerError', 'E_SMTP_SERVER', 'the SMTP server answered with an error'],
  66: ['SmtpNotAuthenticatedError', 'E_SMTP_NOT_AUTHENTICATED', 'the SMTP server requires authentication'],
  67: ['SmtpAuthFailedError', 'E_SMTP_AUTH_FAILED', 'SMTP authentication failed: user name or password may be wrong'],
  68: ['SmtpBadRecipientError', 'E_SMTP_BAD_RECIPIENT', 'the SMTP server refused a recipient'],
};

/** +POP3IN codes (2.14); +POP3OUT codes (2.15-2.22) are 1 and 61-64, plus 69 in later firmware. */
const POP3: Record<number, [string, string, string]> = {
  61: ['Pop3NetworkError', 'E_POP3_NETWORK', 'network error (is the GPRS bearer open?)'],
  62: ['Pop3DnsError', 'E_POP3_DNS', 'DNS could not resolve the POP3 server'],
  63: ['Pop3ConnectError', 'E_POP3_CONNECT', 'TCP connection to the POP3 server failed'],
  64: ['Pop3TimeoutError', 'E_POP3_TIMEOUT', 'the POP3 server did not answer within AT+EMAILTO'],
  65: ['Pop3ServerError', 'E_POP3_SERVER', 'the POP3 server answered with an error'],
  66: ['Pop3LoginRejectedError', 'E_POP3_LOGIN_REJECTED', 'the POP3 server rejects the log-in'],
  67: ['Pop3UserError', 'E_POP3_USER', 'incorrect POP3 user name'],
  68: ['Pop3PasswordError', 'E_POP3_PASSWORD', 'incorrect POP3 user name or password'],
  69: ['Pop3ReadTimeoutError', 'E_POP3_READ_TIMEOUT', 'reading the POP3 data timed out'],
};

function fromTable(table: Record<number, [string, string, string]>, kind: string, result: number, command: string): MailError {
  const t = table[result];
  if (t) return mailError(t[0], t[1], `${command}: ${t[2]} (${result})`, { result: result, command: command });
  return mailError(kind + 'Error', 'E_' + kind.toUpperCase() + '_UNKNOWN', `${command}: unknown result code ${result}`, { result: result, command: command });
}

export function smtpError(result: number, command: string): MailError {
  return fromTable(SMTP, 'Smtp', result, command);
}

export function pop3Error(result: number, command: string): MailError {
  return fromTable(POP3, 'Pop3', result, command);
}

/** The POP3 server answered "-ERR" to a command (+POP3xxx: 0). */
export function pop3Negative(command: string): MailError {
  return mailError('Pop3NegativeError', 'E_POP3_NEGATIVE', `${command}: the POP3 server answered -ERR`, { result: 0, command: command });
}

/** For the README's table and for tests: every code with its error name. */
export const SMTP_CODES = SMTP;
export const POP3_CODES = POP3;
