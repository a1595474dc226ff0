// Pretokenised modules: Espruino's token bytes (jslex.h, 2v29) and back. The interpreter run of the demo reads them
// on the real lexer; here the encoding itself and the round trip through detokenise.
import { test } from 'uvu';
import * as assert from 'uvu/assert';
import { detokenise, pretokenise } from '../../host/pretokenise';

test('keywords and operators are single bytes, strings raw with their length, integers signed as jslex.c reads them', () => {
  // function = 138 + 32, return = 138 + 33, === = 138 + 1: a token byte needs no space before a name
  assert.is(pretokenise('function f(a){return a===1}'), '\xaaf(a){\xaba\x8b\xd4\x01}');
  assert.is(pretokenise('x="ab"'), 'x=\xd1\x02ab');
  assert.is(pretokenise('y=0;z=127;w=128;v=1460;u=32768'), 'y=\xd3;z=\xd4\x7f;w=\xd5\x80\x00;v=\xd5\xb4\x05;u=32768');
  // var = 138 + 34, in = 138 + 47; two names keep the space between them
  assert.is(pretokenise('var a=b in c;d e'), '\xaca=b\xb9c;d e');
  // catch stays text (espruino/Espruino#1868); of and undefined are words the lexer reads as tokens anyway
  assert.is(pretokenise('try{}catch(e){}'), '\xb1{}catch(e){}');
});

test('let is a token; unary + and - and a regex after / keep the space that keeps them apart', () => {
  // let = 138 + 35
  assert.is(pretokenise('let a=1'), '\xada=\xd4\x01');
  assert.is(pretokenise('x=a+ +b-(-c)- -d'), 'x=a+ +b-(-c)- -d');
  assert.is(pretokenise('x=a/ /r/.source.length'), 'x=a/ /r/.source.length');
  // !0, !1, void 0: true, false, undefined (138 + 42, 43, 45; void 138 + 58); other uses of ! and void stay
  assert.is(pretokenise('x=[!0,!1,void 0,!a,void f(),!10]'), 'x=[\xb4,\xb5,\xb7,!a,\xc0f(),!\xd4\x0a]');
  const code = 'var a="3",b="4",c=a+ +b,d=c- -1,e=[!0,!1,void 0,!a,!!0];exports.r=[c,d,e];';
  const run = (c: string) => new Function('exports', c + ';return exports.r')({});
  assert.equal(run(detokenise(pretokenise(code))), run(code));
});

test('detokenise gives code that means the same', () => {
  const code = 'var s="a\\u0001\\xff",n=[0,1,127,128,1460,32767,40000];function f(x){return x>>>2!==1&&typeof x=="number"}exports.f=f;';
  const back = detokenise(pretokenise(code));
  const run = (c: string) => new Function('exports', c + ';return [s, n, exports.f(8), exports.f(4)]')({});
  assert.equal(run(back), run(code));
});

test.run();
