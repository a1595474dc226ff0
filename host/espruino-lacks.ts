// What the Espruino interpreter (2v29) lacks or does differently, described once: the guard refuses a module that
// uses it (guard.ts) and the sandbox takes it away or reproduces it (sandbox.ts), so that the two never drift apart.
// (Syntax Espruino lacks is the guard's alone: default/rest parameters, spread, destructuring, async, generators,
// `**`, labels, `?.`, regex `?`/`{n}`/lookaround/sticky ... see guard.ts.)

/** Globals that do not exist on Espruino. */
export const MISSING_GLOBALS = [
  'Map', 'Set', 'WeakMap', 'WeakSet', 'WeakRef', 'FinalizationRegistry', 'Symbol', 'Proxy', 'Reflect', 'TextEncoder',
  'TextDecoder', 'BigInt', 'BigInt64Array', 'BigUint64Array', 'SharedArrayBuffer', 'Atomics', 'queueMicrotask',
  'structuredClone', 'globalThis', 'Buffer',
];

/** Static members that do not exist on Espruino, as "Object.member". */
export const MISSING_MEMBERS = [
  'Array.from', 'Array.of', 'Uint8Array.from', 'Uint8Array.of', 'Object.freeze', 'Object.isFrozen', 'Object.seal',
  'Object.isSealed', 'Object.preventExtensions', 'Object.getOwnPropertySymbols', 'Object.getOwnPropertyDescriptors',
  'Object.fromEntries', 'Number.isInteger', 'Number.isSafeInteger', 'Number.EPSILON', 'String.raw', 'Promise.allSettled',
  'Promise.any', 'Math.fround', 'Math.clz32', 'Math.imul',
];

/** Natives that cannot be subclassed on Espruino (and whose methods are undefined reached through X.prototype). */
export const NATIVES = [
  'Error', 'TypeError', 'RangeError', 'SyntaxError', 'ReferenceError', 'InternalError', 'Array', 'Object', 'Function',
  'String', 'Number', 'Boolean', 'Promise', 'RegExp', 'Date', 'ArrayBuffer', 'DataView', 'Uint8Array', 'Int8Array',
  'Uint16Array', 'Int16Array', 'Uint32Array', 'Int32Array', 'Float32Array', 'Float64Array', 'Uint8ClampedArray',
];

/** Run in the sandbox's context: removes what is missing and reproduces Espruino's behaviour where it differs. */
export function lacksScript(): string {
  return (
    MISSING_GLOBALS.filter((g) => g !== 'Buffer').map((g) => `delete globalThis.${g};`).join('') +
    MISSING_MEMBERS.map((m) => {
      const [o, k] = m.split('.');
      // (a few are not configurable in V8: the guard alone keeps those out)
      return `try { Object.defineProperty(${o}, ${JSON.stringify(k)}, { value: undefined, configurable: true, writable: true }); } catch (e) {}`;
    }).join('') +
    `(function () {
      // String.indexOf also reports a match where only the start of the needle fits at the end of the string
      // ("xy".indexOf("y ") is 1, "abc\\r".indexOf("\\r\\n.") is 3), unless the needle is longer than the string
      // (measured on the interpreter's Linux port)
      var native = String.prototype.indexOf;
      Object.defineProperty(String.prototype, 'indexOf', { configurable: true, writable: true, value: function (needle, from) {
        var s = String(this), n = String(needle), r = native.call(s, n, from);
        if (r >= 0 || n.length <= 1 || n.length > s.length) return r;
        for (var i = Math.max(from | 0, s.length - n.length + 1); i < s.length; i++)
          if (native.call(n, s.slice(i)) === 0) return i;
        return -1;
      } });
      // Uint8Array.set takes a binary string and copies its char codes
      var set = Uint8Array.prototype.set;
      Object.defineProperty(Uint8Array.prototype, 'set', { configurable: true, writable: true, value: function (src, offset) {
        if (typeof src === 'string') { var a = new Array(src.length); for (var i = 0; i < src.length; i++) a[i] = src.charCodeAt(i) & 255; src = a; }
        return set.call(this, src, offset);
      } });
    })();`
  );
}
