// What the Espruino interpreter (2v29) provides and the board code uses. src/ is type-checked against this and the
// ES2019 library only (src/tsconfig.json: no Node types), so a Node API used on the board is a type error.
declare const E: {
  toUint8Array(data: any): Uint8Array;
  toString(data: any): string;
  on(event: string, fn: (...args: any[]) => void): void;
  kickWatchdog(): void;
  enableWatchdog(timeout: number, isAuto?: boolean): void;
  getSizeOf(v: any, depth?: number): number;
};
/** the module cache: require() fills it, removeCached drops a module (its memory comes back once unused) */
declare const Modules: { removeCached(name: string): void; addCached(name: string, code: any): void };
declare function getTime(): number;
declare function digitalWrite(pin: any, value: number | boolean): void;
declare function digitalRead(pin: any): number;
declare function btoa(binary: string): string;
declare function atob(base64: string): string;
