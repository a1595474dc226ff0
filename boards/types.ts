/** What a board file says about the wiring to the SIM900 and the limits of the board. */
export interface Board {
  /** id used for the bundle name: build/<id>.js */
  id: string;
  name: string;
  /** the Espruino Serial object wired to the SIM900, e.g. "Serial2" */
  serial: string;
  /** board pins for Serial.setup (the board's TX goes to the SIM900's RXD and vice versa) */
  tx: string | null;
  rx: string | null;
  /** Linux port only: the serial device path, e.g. "/dev/pts/3" (overridden at run time) */
  path?: string;
  baud: number;
  /** SIM900 PWRKEY (through a transistor) and STATUS pins, null when not wired */
  pwrkey: string | null;
  status: string | null;
  /** receive ring buffer of the AT engine, in bytes */
  rxBufferSize: number;
  /** bundle size budget in bytes and the JsVars the library may use after load */
  budget: { codeBytes: number; jsVars: number };
  /** the interpreter's total JsVars on this board (process.memory().total) */
  totalJsVars: number;
  /** a button that sends a test alert in the example app, or null */
  button: string | null;
  /** include the streaming MIME reader (reading mail on the board); default true */
  mime?: boolean;
}
