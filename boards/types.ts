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
  features: { pop3: boolean; mime: boolean };
}

/**
 * The library's goals on a board, derived from Espruino's facts: the library's Storage files leave at least 8 KB of
 * the Storage area for the job (configuration, outbox, an attachment to send and one received), and never take more
 * than 24 KB; JsVars idle (after load and app start) and at the peak of a whole send and retrieve stay within the
 * project's goals, which are at most half the board's JsVars.
 */
export function goals(b: Board): { storageBytes: number; idleJsVars: number; peakJsVars: number } {
  const vars = b.espruino.jsVars;
  return {
    storageBytes: Math.min(24 * 1024, b.espruino.storageBytes - 8 * 1024),
    idleJsVars: vars === null ? Infinity : vars < 2800 ? 500 : 600,
    peakJsVars: vars === null ? Infinity : vars < 3000 ? 2000 : 2550,
  };
}

/**
 * What the app needs of a board at run time (what .bootcde passes to start()): the wiring, without the build's facts.
 * tx, rx, pwrkey, status and button may be left out where they are not wired.
 */
export type BoardWiring = Pick<Board, 'id' | 'serial' | 'baud' | 'rxBufferSize' | 'chunkBytes'> & Partial<Pick<Board, 'name' | 'tx' | 'rx' | 'path' | 'pwrkey' | 'status' | 'button'>>;
