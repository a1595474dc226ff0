// Globals the Espruino interpreter provides and the board-side code uses.
// In Node (tests against the sources) src/host/espruino-shim.ts supplies the same names.
declare const E: {
  toUint8Array(data: any): Uint8Array;
  toString(data: any): string;
  on(event: string, fn: (...args: any[]) => void): void;
  getSizeOf?(v: any, depth?: number): number;
  kickWatchdog?(): void;
  enableWatchdog?(timeout: number, isAuto?: boolean): void;
};
declare function getTime(): number;
declare function digitalWrite(pin: any, value: number | boolean): void;
declare function digitalRead(pin: any): number;
declare function digitalPulse(pin: any, value: boolean, time: number | number[]): void;
declare function pinMode(pin: any, mode: string): void;
