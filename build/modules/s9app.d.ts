// Declarations of the Espruino module "s9app" for board code written in TypeScript, generated from src/app/app.ts by host/module-types.ts.
declare module "s9app" {
    import { Mail } from "s9mail";

    export interface Alert {
        subject: string;
        body: string;
        /** {name, type?: 'text'|'binary', data} (the bytes are copied into Storage) or {name, type?, file} (a Storage file) */
        attachment?: any;
    }

    export class App {
        board: BoardWiring;
        /** the configuration given to start(), or null: mail.json is read when needed */
        conf: any;
        serial: any;
        /** the worker is delivering */
        busy: boolean;
        stopped: boolean;
        /** the client while a delivery or a poll runs, else null */
        mail: Mail | null;
        /** mail handler of the inbox: (msg, done) */
        onMail: ((msg: any, done: (err?: any) => void) => void) | null;
        constructor(board: BoardWiring, conf: any);
        on(ev: string, fn: Listener): App;
        emit(ev: string, a?: any, b?: any): void;
        /** Stores the alert, then answers (err, id); the worker sends it when it can. Returns a Promise without cb. */
        send(alert: Alert, cb?: (err: any, id?: number) => void): any;
        /** Calls the outbox's `fn` ('add', 'pending', 'failed'), dropping the module again unless a job uses it. */
        box(fn: string, a?: any): any;
        /** Waiting alerts' ids, oldest first. */
        pending(): number[];
        /** Alerts set aside after a permanent failure, with their errors. */
        failed(): any[];
        /** Runs the worker if it is idle: the oldest due alert, or a timer for the next one (outbox.ts). */
        kick(): void;
        cfg(): any;
        /** One inbox poll (inbox.ts): (err, number of mails handled). */
        poll(cb?: (err: any, n?: number) => void): void;
        start(): void;
        stop(): void;
    }

    /** Drops Storage modules (comma-separated names) from the module cache: their memory comes back once unused. */
    export function drop(names: string): void;

    /**
     * Starts the app: (board, configuration, or nothing for Storage's mail.json). Sets up the serial port, the watchdog,
     * the button and the inbox timer, and sends what the outbox holds. Returns the app (also global.app).
     */
    export function start(board: BoardWiring, config?: any): App | null;

    /**
     * What the app needs of a board at run time (what .bootcde passes to start()): the wiring, without the build's facts.
     * tx, rx, pwrkey, status and button may be left out where they are not wired.
     */
    export type BoardWiring = Pick<Board, 'id' | 'serial' | 'baud' | 'rxBufferSize' | 'chunkBytes'> & Partial<Pick<Board, 'name' | 'tx' | 'rx' | 'path' | 'pwrkey' | 'status' | 'button'>>;

    export type Listener = (a?: any, b?: any) => void;

    /** What a board file says: the wiring to the SIM900, facts from Espruino's own board file, and the library's goals. */
    export interface Board {
        /** id used for the build folder: build/<id>/ */
        id: string;
        name: string;
        /** the Espruino Serial object wired to the SIM900, e.g. "Serial2" */
        serial: string;
        /** board pins for Serial.setup (the board's TX goes to the SIM900's RXD and vice versa) */
        tx: string | null;
        rx: string | null;
        /** Linux port only: the serial device path (mail.json's "path" overrides it) */
        path?: string;
        baud: number;
        /** SIM900 PWRKEY (through a transistor) and STATUS pins, null when not wired */
        pwrkey: string | null;
        status: string | null;
        /** a button that sends a test alert in the example app, or null */
        button: string | null;
        /** the AT engine's receive buffer in bytes: the longest line (with its CR) that can arrive */
        rxBufferSize: number;
        /** the most bytes asked for at once of AT+POP3READ (1-1460) and AT+SMTPFT: fewer round trips, or less memory */
        chunkBytes: number;
        /** facts from Espruino's board file boards/<file>.py at 2v29 (null where the port has none) */
        espruino: {
            file: string;
            /** 'variables': the interpreter's JsVars (process.memory().total) */
            jsVars: number | null;
            /** Storage (saved code) area: 'saved_code' pages x page_size, FLASH_SAVED_CODE_LENGTH */
            storageBytes: number;
            /** bytes per JsVar on that chip (src/jsutils.h: 13 for 2048-8191 variables on a 32-bit chip) */
            blockBytes: number;
        };
        /** what the board carries besides sending: POP3 and the MIME reader (inbox polling needs both) */
        features: {
            pop3: boolean;
            mime: boolean;
        };
    }
}

declare function require(moduleName: "s9app"): typeof import("s9app");
