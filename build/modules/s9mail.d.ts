// Declarations of the Espruino module "s9mail" for board code written in TypeScript, generated from src/mail/client.ts by host/module-types.ts.
declare module "s9mail" {
    /** new Error(message) with name = code = `code` and the fields of `extra` (result, command, detail). */
    export function err(code: string, message: string, extra?: any): MailError;

    /** A refused value (E_PARAM), thrown before anything reaches the module: "<what>: <why>". */
    export function bad(what: string, why: string): MailError;

    /** `"value"` for an AT string parameter: printable ASCII without `"`, at most maxLen characters. */
    export function quote(v: string, maxLen: number, what: string): string;

    /** Upper-case hex of the bytes of `s` ("TEST" -> "54455354"); with utf8, wide text is UTF-8 encoded first. */
    export function hex(s: string, utf8?: boolean): string;

    /** Throws unless `v` is a string of at most `max` characters with no character matched by `re` (if given). */
    export function scan(v: any, max: number, re: RegExp | null, what: string): string;

    /**
     * Text typed at a "> " prompt in the ASCII charset: printable ASCII, TAB, CR and LF; no other control byte (Ctrl-Z
     * and ESC would end the prompt, backspace and DEL would be typed as they are).
     */
    export function promptText(text: string, maxLen: number, what: string): string;

    /** Splits at commas outside quotes and parentheses. */
    export function fields(s: string): Field[];

    /** The text after "<prefix>:" and one space (the whole line when it does not start with prefix). */
    export function payload(line: string, prefix: string): string;

    /** Node style: `result` is there when `err` is null (undefined otherwise, as in Node's own callbacks). */
    export type Callback<T> = (err: MailError | null, result: T) => void;

    export interface MailOptions {
        /** bearer profile used for e-mail (AT+EMAILCID), 1-3; default 1 */
        cid?: number;
        /** GPRS access point of the SIM's operator, and its user and password if it needs them */
        apn?: string;
        apnUser?: string;
        apnPassword?: string;
        /** AT+EMAILTO: seconds the module waits for a server reply, 10-120; default 30 */
        emailTimeout?: number;
        /** ssl: 'none' (default), 'implicit' (TLS from the start: 465, 995) or 'starttls' (587, 25, 110), by AT+EMAILSSL */
        smtp?: {
            host: string;
            port?: number;
            user?: string;
            password?: string;
            ssl?: string;
        };
        pop3?: {
            host: string;
            port?: number;
            user: string;
            password: string;
            ssl?: string;
        };
        from?: any;
        /** body entry: 'sim900' (AT+SMTPBODY, "> " prompt, Ctrl-Z), 'sim800' (AT+SMTPBODY=<len>, DOWNLOAD), 'auto' */
        dialect?: string;
        /** when SMTP and POP3 would overlap: 'wait' for the other to end (default) or 'refuse' with E_BUSY */
        busy?: string;
        /** the module keeps server, sender, recipients and subject after a send (docs/module-facts.md §7.2 says it does not) */
        keepsSettings?: boolean;
        /** receive buffer of the AT engine in bytes (the board's rxBufferSize) */
        rxBufferSize?: number;
        /** the most bytes asked for at once of AT+POP3READ and AT+SMTPFT (default 1460; the board's chunkBytes) */
        chunk?: number;
        /** an AT engine already running on the serial port */
        engine?: Engine;
    }

    /** What the =? forms report: command name (without AT+) -> its fields. */
    export type Limits = {
        [name: string]: Field[];
    };

    /** A step of a sequence: does its work and calls next(err, value) once (or throws). */
    export type Step = (x: any, next: (e?: any, v?: any) => void, prev?: any) => void;

    /** The callback itself, or one that settles the Promise it carries as .p (the one Promise mechanism). */
    export function later(cb?: any): any;

    /**
     * Runs `steps` in order on the context `x`: each gets (x, next, value of the step before). The first error (passed
     * or thrown) ends the run; cb gets (err) or (null, x.res). Returns a Promise when cb is left out.
     */
    export function run(steps: Step[], x: any, cb?: any): any;

    /** The typed error of result code `n` of +SMTPSEND (kind 'S') or +POP3IN/+POP3OUT ('P'). */
    export function codeError(kind: string, n: number, command: string): MailError;

    export class Mail {
        at: Engine;
        opts: MailOptions;
        /** 'sim900' or 'sim800' once known ('' until the first body) */
        dialect: string;
        /** true when the bearer is known open, false when known closed, null when unknown */
        bearerUp: boolean | null;
        /** 'smtp', 'pop3' (or the app's 'bearer') while one runs: the module does not do SMTP and POP3 at once */
        session: string | null;
        /** commands written since connect */
        commands: number;
        constructor(serial: any, opts?: MailOptions);
        on(ev: string, fn: (a?: any) => void): Mail;
        off(ev: string, fn: (a?: any) => void): Mail;
        emit(ev: string, a?: any): void;
        /**
         * The generic call for every command of the table: form '?' (read), '=?' (test), '=' (write `values`) or ''
         * (execute; a prompt command types values[0]). The answer: a read form gives an object of the params (an array
         * of them for a multi-line read); a test form its fields; a command with a final result the fields after its
         * status; others nothing. Result codes other than success are typed errors (codeError, E_POP3_NEGATIVE).
         */
        call(name: string, form: string, values?: any, cb?: any): any;
        /** AT+NAME? as an object of its params, e.g. get('SMTPSRV') -> {host, port}. */
        get(name: string, cb?: Callback<any>): any;
        /** AT+NAME=values (an array, or one value), e.g. set('EMAILTO', 60). A setting the module holds is not sent again. */
        set(name: string, values: any, cb?: Callback<any>): any;
        /** AT+NAME=? as its fields, e.g. test('POP3READ') -> [[1, 1460]]. */
        test(name: string, cb?: Callback<Field[]>): any;
        /**
         * The maxima and ranges of every test form the table marks (q), asked once in one line; their answer lines are
         * kept as one string (a few JsVars, not 100+). `quiet`: only ask, cb(err).
         */
        limits(cb?: any, quiet?: boolean): any;
        /**
         * The GPRS bearer (AT+SAPBR): op 'status' -> {cid, status, state, ip}; 'open' (set-up, AT+SAPBR=1, up to 85 s;
         * nothing when open) -> {ip}; 'close' (up to 65 s); 'setup' (AT+SAPBR=3: GPRS, APN, user, password); 'params'
         * (AT+SAPBR=4) -> {CONTYPE, APN, ...}; 'save' (AT+SAPBR=5, SIM900 only). Other forms: call('SAPBR', ...).
         */
        bearer(op: string, cb?: Callback<any>): any;
        /** Sends a mail (see smtp.ts); the result is {commands, attachmentBytes} once the module reports +SMTPSEND: 1. */
        sendMail(mail: MailMessage, cb?: Callback<SendResult>): any;
        /** Logs in to POP3 (options.pop3 unless `account`); the result is the session's mailbox (see pop3.ts). */
        pop3Login(cb?: Callback<Mailbox>): any;
        pop3Login(account: any, cb?: Callback<Mailbox>): any;
        /** Stops the engine: what is queued fails with E_CLOSED. */
        close(): void;
    }

    /**
     * Espruino module style: require("s9mail").connect(Serial2, {apn: ..., smtp: {...}, from: {...}}, cb). Returns the
     * client at once; cb(err, mail), when given, is called once the module answers AT (echo off, errors as text) and has
     * reported its limits: E_NORESPONSE when it does not answer, E_PARAM (thrown) for a bad option.
     */
    export function connect(serial: any, options?: MailOptions, cb?: Callback<Mail>): Mail;

    /** The session's mailbox: what pop3Login gives. Every method takes a callback or returns a Promise. */
    export interface Mailbox {
        mail: Mail;
        /** AT+POP3NUM: {count, size} of the maildrop. */
        count(cb?: any): any;
        /** AT+POP3LIST=<n>: the size of message n. */
        size(n: number, cb?: any): any;
        /** AT+POP3UIDL=<n>: the unique id of message n. */
        uid(n: number, cb?: any): any;
        /** AT+POP3DEL=<n>: marks message n deleted (gone at a normal log-out). */
        remove(n: number, cb?: any): any;
        /** AT+POP3RSET: unmarks deleted messages. */
        reset(cb?: any): any;
        /** AT+POP3OUT: ends the session; deletions take effect. A session the module ended itself reports why. */
        logout(cb?: any): any;
        /** LIST: [{n, size}] of every message. */
        list(cb?: any): any;
        /** UIDL: [{n, uid}] of every message. */
        uidl(cb?: any): any;
        /** TOP: the headers and the first `lines` body lines of message n, to sink in pieces; the result is the byte count. */
        top(n: number, lines: number, sink: Sink, cb?: any): any;
        /** RETR: message n, to sink in pieces of at most 1460 bytes; the result is the byte count. */
        retrieve(n: number, sink: Sink, cb?: any): any;
        /** The number of the message with unique id `uid` (UIDL of all), or E_NOT_FOUND. */
        find(uid: string, cb?: any): any;
    }

    export interface MailError extends Error {
        code: string;
        /** a numeric result from the module (+CME ERROR: n, +SMTPSEND: n, +POP3IN: n ...) */
        result?: number;
        /** the AT command line involved */
        command?: string;
        detail?: any;
    }

    /** A field: a number, a string (quotes removed) or, for "(a-b)" / "(a,b,c)", the list of numbers [a, b] / [a, b, c]. */
    export type Field = number | string | number[];

    export interface Engine {
        send(cmd: Command, cb: EngineCallback): void;
        /**
         * fn(line) for every unsolicited line starting with `prefix`; with remove, no longer. Handlers are filed under
         * their first four characters: a prefix shorter than that matches only a line that is exactly it.
         */
        urc(prefix: string, fn: (line: string) => void, remove?: boolean): void;
        /** probe until OK, echo off, verbose errors; queued commands wait; cb after an "AT" queued behind the resync */
        resync(cb?: (err: MailError | null) => void): void;
        /** the board lost UART bytes (E.errorFlag FIFO_FULL/UART_OVERFLOW): the frame being read is void */
        overflow(): void;
        /** fails everything with E_CLOSED and stops listening */
        close(): void;
        /** feeds received bytes (the serial 'data' handler; tests and benchmarks may call it too) */
        rx(d: string): void;
        /** hooks the owner may set: the module restarted; an error no command owns; a line nobody claimed; a command ended */
        onReset?: (line: string) => void;
        onError?: (e: MailError) => void;
        onLine?: (line: string) => void;
        onDone?: (cmd: Command) => void;
    }

    export interface MailMessage {
        /** one address or a list (at most the module's limit of each kind) */
        to?: Address | Address[];
        cc?: Address | Address[];
        bcc?: Address | Address[];
        /** default options.from */
        from?: Address;
        subject?: string;
        body?: string;
        /** 'ASCII', 'UTF-8', or left out: UTF-8 when subject or body is not ASCII (then both travel as hex) */
        charset?: string;
        /**
         * {name, data, type?}: data is a binary string, a Uint8Array or a {size, read(offset, length)} reader; or
         * {name, file, type?}: a Storage file read in pieces. type 'text' (7bit, US-ASCII) or 'binary' (base64); default:
         * binary unless the data is ASCII text.
         */
        attachment?: {
            name: string;
            data?: any;
            file?: string;
            type?: string;
        };
        /** (sent, total) in attachment bytes */
        onProgress?: (sent: number, total: number) => void;
    }

    /** What a send reports: AT commands written for it and the attachment's size. */
    export interface SendResult {
        commands: number;
        attachmentBytes: number;
    }

    export type Sink = (chunk: string) => void;

    export interface Command {
        /** the whole command line without CR, already encoded (params.ts), e.g. 'AT+SMTPSUB="x"' */
        line: string;
        /** ms until OK or a final (default: the engine's timeout) */
        timeout?: number;
        /** final lines (prefixes) besides OK/ERROR/+CME ERROR, e.g. ['+SMTPSEND:'] */
        finals?: string[];
        /** OK is not the end: wait (finalTimeout ms) for one of `finals` */
        afterOk?: boolean;
        finalTimeout?: number;
        /** lines starting with this are collected into `lines` ('' = every line nobody else claims) */
        prefix?: string;
        /** '> ' (SIM900: ends no line) or 'DOWNLOAD' (SIM800: a whole line) */
        prompt?: string;
        /** written at the prompt (then `terminator`); without it the prompt is answered with ESC; or with writeOn */
        payload?: string | Uint8Array;
        terminator?: string;
        /** when a line with this prefix arrives, exactly the number it ends with of payload bytes are written */
        writeOn?: string;
        /** header prefixes of counted raw data, e.g. ['+POP3READ: 1,', '+POP3READ: 2,'] */
        counted?: string[];
        /** counted data in pieces (binary strings); without it the data is kept in `data` */
        onData?: (chunk: string) => void;
        lines?: string[];
        /** 'OK' or the final line, e.g. '+SMTPSEND: 1' */
        final?: string;
        data?: string;
        /** bytes written on writeOn lines */
        written?: number;
    }

    export type EngineCallback = (err: MailError | null, cmd?: Command) => void;

    /** An address: "a@b.c", "Name <a@b.c>" or {address, name?}. */
    export type Address = string | {
        address: string;
        name?: string;
    };
}

declare function require(moduleName: "s9mail"): typeof import("s9mail");
