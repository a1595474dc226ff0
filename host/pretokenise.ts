// Pretokenised code, as Espruino's lexer reads it (src/jslex.h, 2v29): every operator of two or more characters and
// every reserved word is one byte (138 + its index in TOKENS), a string literal is 0xD1 <length> <bytes> (0xD2 with a
// 16-bit length, low byte first), an integer 0 is 0xD3, one up to 127 0xD4 <n>, one up to 32767 0xD5 <lo> <hi>.
// comments go. (Integers: 0xD4 takes a signed byte, 0xD5 a signed 16-bit value low byte first, as jslex.c reads
// them.) A module stored so is smaller, and its string literals stay in flash when it runs.
// detokenise() turns it back into text, for the host sandbox (V8 does not read tokens).
import * as acorn from 'acorn';

/** Espruino's token list from _LEX_TOKENS_START (138): operators, "=>", then the reserved words (jslex.h order). */
const TOKENS = [
  '==', '===', '!=', '!==', '<=', '<<', '<<=', '>=', '>>', '>>>', '>>=', '>>>=', '+=', '-=', '++', '--', '*=', '/=', '%=',
  '&=', '&&', '|=', '||', '^=', '=>',
  'if', 'else', 'do', 'while', 'for', 'break', 'continue', 'function', 'return', 'var', 'let', 'const', 'this', 'throw',
  'try', 'catch', 'finally', 'true', 'false', 'null', 'undefined', 'new', 'in', 'instanceof', 'switch', 'case', 'default',
  'delete', 'typeof', 'void', 'debugger', 'class', 'extends', 'super', 'static', 'of',
];
const FIRST = 138;
const NULLISH = 0xd0;
const RAW_STRING8 = 0xd1;
const RAW_STRING16 = 0xd2;
const RAW_INT0 = 0xd3;
const RAW_INT8 = 0xd4;
const RAW_INT16 = 0xd5;

/** Pretokenises JavaScript (a module's code) into a binary string (chars 0-255). */
export function pretokenise(code: string): string {
  const t = acorn.tokenizer(code, { ecmaVersion: 2020 });
  let out = '';
  let last = '';
  // esbuild's !0, !1 and void 0 are one token each as true, false and undefined
  let pending = '';
  for (let tk = t.getToken(); tk.type !== acorn.tokTypes.eof; tk = t.getToken()) {
    let text = code.slice(tk.start, tk.end);
    if (pending) {
      const as = pending == 'void' ? (text == '0' ? 'undefined' : '') : text == '0' ? 'true' : text == '1' ? 'false' : '';
      out += pending == '!' && !as ? '!' : String.fromCharCode(FIRST + TOKENS.indexOf(as || 'void'));
      last = pending == '!' && !as ? '!' : '';
      pending = '';
      if (as) continue;
    }
    if ((text == '!' && (tk.type as any).prefix) || text == 'void') {
      pending = text;
      continue;
    }
    let bytes: string;
    const label = tk.type.label;
    if (label === '`') {
      // a template literal: kept as its text, ${...} and all
      let nest = 0;
      let end: acorn.Token;
      do {
        end = t.getToken();
        if (end.type.label === '${' || end.type.label === '{') nest++;
        if (end.type.label === '}') nest--;
      } while (nest > 0 || end.type.label !== '`');
      text = code.slice(tk.start, end.end);
      bytes = text;
    } else if (label === 'string') {
      const value = (tk as any).value as string;
      const v = Buffer.from(value, 'latin1');
      if ([...value].some((c) => c.charCodeAt(0) > 255)) throw new Error('pretokenise: a string literal holds a character above 255: ' + text);
      bytes = (v.length < 256 ? String.fromCharCode(RAW_STRING8, v.length) : String.fromCharCode(RAW_STRING16, v.length & 255, v.length >> 8)) + v.toString('latin1');
    } else if (label === 'num' && /^\d+$/.test(text) && +text < 32768) {
      const n = +text;
      bytes = n === 0 ? String.fromCharCode(RAW_INT0) : n < 128 ? String.fromCharCode(RAW_INT8, n) : String.fromCharCode(RAW_INT16, n & 255, n >> 8);
    } else if (text === '??') bytes = String.fromCharCode(NULLISH);
    else {
      const i = TOKENS.indexOf(text);
      // (catch stays text: espruino/Espruino#1868)
      // (words Espruino's lexer takes as reserved anyway, "of" and "undefined", can stay text)
      // ("let" is a name to acorn, a reserved word to Espruino's lexer, which makes the text the same token)
      bytes = i >= 0 && text !== 'catch' && (label !== 'name' || !!tk.type.keyword || text === 'let') ? String.fromCharCode(FIRST + i) : text;
    }
    // two words (or a word and a number) need the space between them that the tokens no longer give; so do "+ +",
    // "- -" (not "++"/"--") and "/ /", "/ *" (not a comment)
    const end = last.charAt(last.length - 1);
    if ((/[\w$]/.test(end) && /^[\w$]/.test(bytes)) || (/[+\-/]/.test(end) && bytes.charAt(0) == end) || (end == '/' && bytes.charAt(0) == '*')) out += ' ';
    out += bytes;
    last = bytes.length === 1 && bytes.charCodeAt(0) >= 128 ? '' : bytes;
  }
  return out;
}

/** Text again from pretokenised code (the sandbox runs it in V8). */
export function detokenise(tok: string): string {
  let out = '';
  for (let i = 0; i < tok.length; i++) {
    const c = tok.charCodeAt(i);
    if (c < 128) out += tok[i];
    else if (c === RAW_STRING8 || c === RAW_STRING16) {
      const n = c === RAW_STRING8 ? tok.charCodeAt(i + 1) : tok.charCodeAt(i + 1) | (tok.charCodeAt(i + 2) << 8);
      const at = i + (c === RAW_STRING8 ? 2 : 3);
      out += JSON.stringify(tok.substr(at, n)).replace(/[\u007f-\u00ff]/g, (ch) => '\\x' + ch.charCodeAt(0).toString(16));
      i = at + n - 1;
    } else if (c === RAW_INT0) out += ' 0 ';
    else if (c === RAW_INT8) out += ' ' + tok.charCodeAt(++i) + ' ';
    else if (c === RAW_INT16) out += ' ' + (tok.charCodeAt(i + 1) | (tok.charCodeAt(i + 2) << 8)) + ' ', (i += 2);
    else if (c === NULLISH) out += '??';
    else if (c >= FIRST && c < FIRST + TOKENS.length) out += ' ' + TOKENS[c - FIRST] + ' ';
    else throw new Error('detokenise: unknown token 0x' + c.toString(16));
  }
  return out;
}
