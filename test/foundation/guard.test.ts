import { test } from 'uvu';
import * as assert from 'uvu/assert';
import { checkEspruino } from '../../host/guard';
import { buildProbe } from '../../host/build';

const refused: [string, string, RegExp][] = [
  ['alternation inside a group', 'var r = /^E_(PARAM|BUSY)$/;', /alternation inside a group/],
  ['a quantified group', 'var r = /^a(\\.b)*$/;', /quantifier on a group/],
  ['alternatives anchored and not', 'var s = "x".replace(/^"|"$/g, "");', /anchored with "\^" and not/],
  ['a class method named with a keyword', 'class A { delete() { return 1 } }', /class method named "delete"/],
  ['a regex right after ")"', 'for (var k in o) /x/.test(k) && f(k);', /Espruino reads the "\/" as a division/],
  ['a regex right after "}"', 'if (a) { f(); } /^x/.test(b) && g();', /regex literal right after "\}"/],
  ['a function used before its declaration', 'function f() { var o = { g: g }; function g() { return 1 } return o }', /"g" used before its declaration/],
  ['a function called before its declaration', 'var r = k(); function k() { return 2 }', /"k" used before its declaration/],
  ['a delete inside a for-in over the same object', 'var o = { a: 1 }; for (var k in o) if (k != "a") delete o[k];', /delete o\[\.\.\.\] inside for \(\.\.\. in o\)/],
  ['a delete of a member path inside a for-in over it', 'var c = { h: {} }; for (var k in c.h) delete c.h[k];', /inside for \(\.\.\. in c\.h\)/],
  ['default parameter', 'function f(a, b = 1) { return a + b }', /default parameter/],
  ['rest parameter', 'function f(...a) { return a }', /rest parameter/],
  ['array spread', 'var a = [1]; var b = [...a];', /spread/],
  ['call spread', 'Math.max(...[1, 2]);', /spread/],
  ['object spread', 'var a = {}; var b = { ...a };', /object spread/],
  ['destructuring', 'var { a } = { a: 1 };', /destructuring/],
  ['array destructuring', 'var [a, b] = [1, 2];', /destructuring/],
  ['destructuring parameter', 'var f = ({ a }) => a;', /destructuring parameter/],
  ['Map', 'var m = new Map();', /Map \(not on Espruino\)/],
  ['Set', 'var s = new Set([1]);', /Set \(not on Espruino\)/],
  ['WeakMap', 'var w = new WeakMap();', /WeakMap/],
  ['Symbol', 'var s = Symbol("x");', /Symbol/],
  ['TextEncoder', 'new TextEncoder().encode("x");', /TextEncoder/],
  ['async', 'async function f() { return 1 }', /async function/],
  ['await', 'async function f() { await 1 }', /await/],
  ['generator', 'function* g() { yield 1 }', /generator function/],
  ['exponent', 'var x = 2 ** 3;', /exponent operator/],
  ['optional chaining', 'var o = {}; var x = o?.a;', /optional chaining/],
  ['label', 'outer: for (;;) { break outer; }', /labelled statement/],
  ['Array.from', 'Array.from("ab");', /Array\.from/],
  ['Uint8Array.from', 'Uint8Array.from([1]);', /Uint8Array\.from/],
  ['Object.freeze', 'Object.freeze({});', /Object\.freeze/],
  ['Number.isInteger', 'Number.isInteger(1);', /Number\.isInteger/],
  ['sticky regex', 'var r = /a/y;', /sticky/],
  ['lookbehind', 'var r = /(?<=a)b/;', /lookbehind/],
  ['lookahead', 'var r = /a(?=b)/;', /lookahead/],
  ['RegExp sticky', 'var r = new RegExp("a", "y");', /sticky.*RegExp/],
  ['regex ? quantifier', 'var r = /^-?\\d+$/;', /\? quantifier/],
  ['regex lazy quantifier', 'var r = /a+?/;', /\? quantifier/],
  ['regex {n} quantifier', 'var r = /a{2,3}/;', /\{n\} quantifier/],
  ['regex (?: group', 'var r = /(?:ab)+/;', /\(\?:/],
  ['computed key', 'var k = "a"; var o = { [k]: 1 };', /computed property key/],
  ['Math.imul', 'Math.imul(3, 4);', /Math\.imul/],
  ['built-in through .prototype', 'var s = Array.prototype.slice.call([1, 2], 1);', /Array\.prototype\.slice/],
  ['extends Error', 'class MyError extends Error {}', /class extends Error/],
  ['let captured in loop', 'var fs = []; for (let i = 0; i < 3; i++) fs.push(function () { return i; });', /loop variable "i" captured/],
  ['tagged template', 'var t = String.raw`a`;', /tagged template/],
];

for (const [name, code, why] of refused) {
  test(`guard refuses ${name}`, () => {
    const v = checkEspruino(code);
    assert.ok(v.length > 0, `expected a violation for ${name}`);
    assert.ok(v.some((x) => why.test(x.construct)), `expected ${why} in ${JSON.stringify(v)}`);
    assert.ok(v.every((x) => x.line >= 1));
  });
}

const accepted: [string, string][] = [
  ['classes, arrows, templates, getters', 'class A { constructor(x) { this.x = x } get y() { return `${this.x}!` } } var f = (a) => new A(a).y;'],
  ['for-of over arrays and ??', 'var s = 0; for (var v of [1, 2]) s += v; var d = null ?? 3;'],
  ['Promise, typed arrays, DataView', 'var p = Promise.resolve(1); var u = new Uint8Array(4); u.set([1], 0); u.subarray(1); new DataView(u.buffer);'],
  ['let in a loop without closure', 'for (let i = 0; i < 3; i++) { var x = i * 2; }'],
  ['local named like a missing global', 'function f(Map) { return Map + 1 }'],
  ['property named like a missing global', 'var o = { Map: 1, Symbol: 2 }; o.Map = o.Symbol;'],
  ['btoa/atob/E', 'var b = btoa("x"); var a = atob(b); E.toUint8Array("x"); E.toString([65]);'],
  ['[].slice.call and own prototype methods', 'var s = [].slice.call([1, 2], 1); function A() {} A.prototype.f = function () {}; A.prototype.f();'],
  ['plain regex', 'var r = /^\\+SMTPSEND: (\\d+)$/; r.test("+SMTPSEND: 1");'],
  ['? and { inside a class or escaped', 'var r = /[?{}]\\?\\{2\\}/;'],
  ['a for-in that copies the keys to keep, a delete of another object', 'var o = { a: 1 }, h = {}, p = {}; for (var k in o) { if (k == "a") h[k] = o[k]; delete p[k]; }'],
];

for (const [name, code] of accepted) {
  test(`guard accepts ${name}`, () => {
    assert.equal(checkEspruino(code), []);
  });
}

// Through esbuild: a TypeScript source with a forbidden construct makes the build fail, naming it and the source line.
const sourceCases: [string, string, RegExp][] = [
  ['default parameter', 'export function f(a: number, b = 2): number { return a + b }\n', /default parameter \(from .*entry\.ts:1:/],
  ['spread', 'export function f(a: number[]): number[] { return [...a, 1] }\n', /spread \.\.\.x \(from .*entry\.ts:1:/],
  ['Map', 'export const m = new Map<string, number>();\n', /Map \(not on Espruino\) \(from .*entry\.ts:1:/],
  ['object spread (through the esbuild helper)', 'export function f(a: object): object { return { ...a, b: 1 } }\n', /object spread/],
  ['async (esbuild cannot lower it)', 'export async function f(): Promise<number> { return 1 }\n', /async|generator/i],
];

for (const [name, src, why] of sourceCases) {
  test(`build refuses a TypeScript source with ${name}`, async () => {
    const r = await buildProbe(src);
    assert.ok(r.problems.length > 0, 'the build should fail');
    assert.match(r.problems.join('\n'), why);
  });
}

test('build accepts a clean TypeScript source', async () => {
  const src = 'export class Q { items: number[]; constructor() { this.items = [] } push(n: number): void { this.items.push(n) } }\n';
  const r = await buildProbe(src);
  assert.equal(r.problems, []);
  assert.ok(r.code.length > 0);
});

test.run();
