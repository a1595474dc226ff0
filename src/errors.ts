// One error shape for the whole project. Espruino cannot subclass Error (nor any native), so every error is
// a plain `new Error(message)` carrying a `name` (what kind) and a `code` (stable, for programs), plus
// optional fields. Create them only through mailError(); test them by `code`, never by message text.
//
// | code         | name               | raised when                                                             | extra fields        |
// |--------------|--------------------|-------------------------------------------------------------------------|---------------------|
// | E_PARAM      | ParameterError     | a value is refused before any byte is written (quote, line length, ...) | detail: what        |
// | E_TIMEOUT    | TimeoutError       | a command (or its final after OK) did not end within its timeout       | command, detail     |
// | E_OVERFLOW   | OverflowError      | a received line did not fit the receive buffer, or the UART dropped     | command             |
// |              |                    | bytes (reported by the board through AtEngine.overflow())               |                     |
// | E_RESET      | ModuleResetError   | the module rebooted or powered down (RDY, +CFUN: 1, NORMAL POWER DOWN,  | command, detail:    |
// |              |                    | UNDER-/OVER-VOLTAGE POWER DOWN) while the command was queued/running    |   the line seen     |
// | E_ERROR      | ModuleError        | the module answered plain ERROR                                         | command             |
// | E_CME        | CmeError           | the module answered +CME ERROR: <n|text> or +CMS ERROR: <n|text>       | command, result (n  |
// |              |                    |                                                                         |   if numeric), detail|
// | E_PROTOCOL   | ProtocolError      | the module's answer does not fit the command (e.g. +SMTPFT: 2,<n> asks  | command, detail     |
// |              |                    | for more bytes than the caller gave)                                    |                     |
// | E_NORESPONSE | NoResponseError    | resynchronisation (AT probes) got no OK after all attempts              | detail: attempts    |
// | E_CLOSED     | ClosedError        | the engine was closed; the command never ran or was cut off             | command             |
// | E_BUSY       | BusyError          | the queue is full (AtEngine opts.maxQueue)                             | command             |
//
// The email client (src/mail) adds result-code errors (SMTP 61-68, POP3 61-69) with the same function.

export interface MailError extends Error {
  name: string;
  code: string;
  /** a numeric result from the module (+CME ERROR: n, +SMTPSEND: n, ...) */
  result?: number;
  /** the AT command line involved */
  command?: string;
  detail?: any;
}

/** Creates `new Error(message)` with `name`, `code` and the fields of `extra` (result, command, detail, ...). */
export function mailError(name: string, code: string, message: string, extra?: object): MailError {
  const e = new Error(message) as MailError;
  e.name = name;
  e.code = code;
  if (extra) {
    const src = extra as any;
    const keys = Object.keys(src);
    for (let i = 0; i < keys.length; i++) (e as any)[keys[i]] = src[keys[i]];
  }
  return e;
}

/** A ParameterError (E_PARAM): input refused before anything was written to the module. */
export function paramError(what: string, message: string): MailError {
  return mailError('ParameterError', 'E_PARAM', what + ': ' + message, { detail: what });
}

/** true when `e` is a MailError with this code. */
export function isMailError(e: any, code?: string): boolean {
  return !!e && typeof e.code === 'string' && (code === undefined || e.code === code);
}
