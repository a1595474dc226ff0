// Globals Node also has, declared for src/ alone (src/tsconfig.json; the root config, for tests, has Node's):
// Espruino's require() finds a built-in module ("Storage"), a Storage file holding a module ("s9mail") or a cached one.
declare function require(name: string): any;
declare function setTimeout(fn: (...args: any[]) => void, ms: number, ...args: any[]): any;
declare function setInterval(fn: (...args: any[]) => void, ms: number): any;
/** (Espruino: never with undefined, which throws; with no argument it clears every timeout) */
declare function clearTimeout(id: any): void;
declare function clearInterval(id: any): void;
declare const console: { log(...args: any[]): void };
