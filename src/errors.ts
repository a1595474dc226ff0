// One error convention for the whole library:
//  - synchronous code (encoders, checks, planners) THROWS a MailError made by err();
//  - asynchronous operations report through their callback (err, result);
//  - the one place that turns a throw into a callback error is the step runner (run() in mail/client.ts), call() and the AT
//    engine's send(): nothing else catches.
// Espruino cannot subclass Error, so a MailError is a plain `new Error(message)` whose `code` says what kind it
// is (stable, for programs; `name` is the same string so that a printed error shows it). Test by code, never by
// message text. The codes and what raises them are listed in README.md ("Errors").

export interface MailError extends Error {
  code: string;
  /** a numeric result from the module (+CME ERROR: n, +SMTPSEND: n, +POP3IN: n ...) */
  result?: number;
  /** the AT command line involved */
  command?: string;
  detail?: any;
}

/** new Error(message) with name = code = `code` and the fields of `extra` (result, command, detail). */
export function err(code: string, message: string, extra?: any): MailError {
  const e: any = new Error(message);
  e.name = e.code = code;
  for (const k in extra) e[k] = extra[k];
  return e;
}

/** A refused value (E_PARAM), thrown before anything reaches the module: "<what>: <why>". */
export function bad(what: string, why: string): MailError {
  return err('E_PARAM', what + ': ' + why, { detail: what });
}

/** true when `e` is a MailError (with this code, when one is given). */
export function isMailError(e: any, code?: string): boolean {
  return !!e && typeof e.code == 'string' && (code === undefined || e.code == code);
}
