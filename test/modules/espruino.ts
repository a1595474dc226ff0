// Type-checking board code the way a user's editor does: against the published modules' declarations
// (host/module-types.ts) and Espruino's own globals, never against src/ or Node's types.
import ts from 'typescript';
import { moduleDeclarations, PUBLIC_MODULES } from '../../host/module-types';

/** The globals board code uses here, as Espruino's typings (scripts/build_types.js) declare them, in part. */
export const ESPRUINO_GLOBALS = `
declare class Pin { read(): boolean; }
declare const A2: Pin, A3: Pin, A9: Pin, A10: Pin, B6: Pin, B7: Pin;
declare class Serial {
  setup(baudrate: number, options?: { rx?: Pin; tx?: Pin; path?: string }): void;
  setConsole(force: boolean | number): void;
  write(data: any): void;
}
declare const Serial1: Serial, Serial2: Serial, USB: Serial;
declare const console: { log(...text: any[]): void };
declare const Modules: { removeCached(id: string): void; addCached(id: string, sourcecode: string | (() => void)): void };
declare const process: { memory(): { usage: number; total: number } };
declare function require(moduleName: string): any;
`;

export const OPTIONS: ts.CompilerOptions = { strict: true, noEmit: true, types: [], lib: ['lib.es2019.d.ts'], target: ts.ScriptTarget.ES2019, skipLibCheck: false };

/** The program of `files` (name -> text) beside the declarations of every public module and the globals. */
export function program(files: { [name: string]: string }, options: ts.CompilerOptions = OPTIONS): ts.Program {
  const all: { [name: string]: string } = { '/espruino.d.ts': ESPRUINO_GLOBALS };
  for (const m of PUBLIC_MODULES) all[`/${m}.d.ts`] = moduleDeclarations(m);
  Object.assign(all, files);
  const host = ts.createCompilerHost(options);
  const lib = host.getSourceFile.bind(host);
  host.getSourceFile = (f, v) => (f in all ? ts.createSourceFile(f, all[f], v, true) : lib(f, v));
  host.fileExists = (f) => f in all || ts.sys.fileExists(f);
  host.readFile = (f) => (f in all ? all[f] : ts.sys.readFile(f));
  host.writeFile = () => {};
  return ts.createProgram(Object.keys(all), options, host);
}

/** Each diagnostic as "<file>:<line>: TS<code> <message>". */
export function problems(p: ts.Program): string[] {
  return ts.getPreEmitDiagnostics(p).map((d) => {
    const at = d.file && d.start !== undefined ? `${d.file.fileName}:${d.file.getLineAndCharacterOfPosition(d.start).line + 1}` : '';
    return `${at}: TS${d.code} ${ts.flattenDiagnosticMessageText(d.messageText, ' ')}`;
  });
}

/** The exports of public module `m` as its declarations give them (value: not only a type). */
export function declaredExports(m: string): { name: string; value: boolean }[] {
  const c = program({}).getTypeChecker();
  const mod = c.getAmbientModules().find((s) => s.name == `"${m}"`)!;
  return c.getExportsOfModule(mod).map((s) => {
    const t = s.flags & ts.SymbolFlags.Alias ? c.getAliasedSymbol(s) : s;
    return { name: s.name, value: !!(t.flags & ts.SymbolFlags.Value) };
  });
}
