// The Espruino guard: parses a module with acorn and lists every construct or global that the Espruino
// interpreter (2v29) lacks, so that a module which would fail on a board fails the build instead.
import * as acorn from 'acorn';
import * as walk from 'acorn-walk';
import { MISSING_GLOBALS as LACKS_GLOBALS, MISSING_MEMBERS as LACKS_MEMBERS, NATIVES as LACKS_NATIVES } from './espruino-lacks';

export interface Violation {
  construct: string;
  /** 1-based line and 0-based column in the module */
  line: number;
  column: number;
  /** position in the original source when a source map is given */
  source?: string;
}

const MISSING_GLOBALS = new Set(LACKS_GLOBALS);
const MISSING_MEMBERS = new Set(LACKS_MEMBERS);
const NATIVES = new Set(LACKS_NATIVES);

/** esbuild helpers that reveal the source construct they lower. */
const ESBUILD_HELPERS: Record<string, string> = {
  __spreadValues: 'object spread {...x} (esbuild helper __spreadValues)',
  __spreadProps: 'object spread {...x} (esbuild helper __spreadProps)',
  __objRest: 'object rest {a, ...rest} (esbuild helper __objRest)',
  __async: 'async function (esbuild helper __async)',
  __await: 'await (esbuild helper __await)',
  __asyncGenerator: 'async generator (esbuild helper __asyncGenerator)',
  __yieldStar: 'yield* (esbuild helper __yieldStar)',
  __forAwait: 'for await (esbuild helper __forAwait)',
  __privateGet: 'private class member #x (esbuild helper __privateGet)',
  __privateAdd: 'private class member #x (esbuild helper __privateAdd)',
  __decorateClass: 'decorator (esbuild helper __decorateClass)',
  __using: 'using declaration (esbuild helper __using)',
  __template: 'tagged template (esbuild helper __template)',
};

/**
 * Espruino 2v29's regex engine (measured on its Linux port): no lookaround, no (?: groups, no ? quantifier
 * (/ab?/ does not match "ab"), no {n} / {n,m} quantifiers, no lazy quantifiers. Classes, *, +, |, ^, $ and
 * escapes work.
 */
function regexProblem(pattern: string, flags: string): string | null {
  if (flags.indexOf('y') >= 0) return 'sticky regex flag /y';
  for (const f of 'suvd') if (flags.indexOf(f) >= 0) return `regex flag /${f}`;
  if (/\(\?<[=!]/.test(pattern)) return 'lookbehind regex (?<= (?<!';
  if (/\(\?[=!]/.test(pattern)) return 'lookahead regex (?= (?!';
  if (/\(\?<[A-Za-z]/.test(pattern)) return 'named capture group (?<name>';
  // Espruino 2v29's matcher (jswrap_regexp.c): groups only record where they matched; "|" splits the whole regex
  // (a group does not scope it); a "^" that fails away from index 0 ends the attempt without trying the alternatives
  // after it
  let inClass = false;
  let depth = 0;
  const anchored: boolean[] = [pattern[0] === '^'];
  for (let i = 0; i < pattern.length; i++) {
    const c = pattern[i];
    if (c === '\\') {
      i++;
      continue;
    }
    if (inClass) {
      if (c === ']') inClass = false;
      continue;
    }
    if (c === '[') inClass = true;
    else if (c === '?') return pattern[i - 1] === '(' ? 'regex group (?: (not on Espruino)' : 'regex ? quantifier (not on Espruino: /ab?/ fails to match "ab")';
    else if (c === '{' && /^\{\d+(,\d*)?\}/.test(pattern.slice(i))) return 'regex {n} quantifier (not on Espruino)';
    else if (c === '(') depth++;
    else if (c === ')') {
      depth--;
      if (pattern[i + 1] && '*+{'.includes(pattern[i + 1])) return 'regex quantifier on a group (not on Espruino)';
    } else if (c === '|') {
      if (depth > 0) return 'regex alternation inside a group (Espruino splits the whole regex at "|")';
      anchored.push(pattern[i + 1] === '^');
    }
  }
  if (anchored.some((a) => a !== anchored[0])) return 'regex alternatives anchored with "^" and not (on Espruino a failed "^" skips the others)';
  return null;
}

/** Every name declared anywhere in the program: a local named like a missing global is not a use of it. */
function declaredNames(ast: acorn.Node): Set<string> {
  const names = new Set<string>();
  const addPattern = (p: any): void => {
    if (!p) return;
    if (p.type === 'Identifier') names.add(p.name);
    else if (p.type === 'ObjectPattern') p.properties.forEach((q: any) => addPattern(q.type === 'RestElement' ? q.argument : q.value));
    else if (p.type === 'ArrayPattern') p.elements.forEach(addPattern);
    else if (p.type === 'RestElement') addPattern(p.argument);
    else if (p.type === 'AssignmentPattern') addPattern(p.left);
  };
  walk.full(ast, (node: any) => {
    if (node.type === 'VariableDeclarator') addPattern(node.id);
    else if (node.type === 'FunctionDeclaration' || node.type === 'FunctionExpression' || node.type === 'ArrowFunctionExpression') {
      if (node.id) names.add(node.id.name);
      node.params.forEach(addPattern);
    } else if ((node.type === 'ClassDeclaration' || node.type === 'ClassExpression') && node.id) names.add(node.id.name);
    else if (node.type === 'CatchClause') addPattern(node.param);
  });
  return names;
}

function functionsCapture(body: any, names: Set<string>): string | null {
  let found: string | null = null;
  walk.full(body, (node: any) => {
    if (found) return;
    if (node.type === 'FunctionExpression' || node.type === 'ArrowFunctionExpression' || node.type === 'FunctionDeclaration') {
      walk.full(node, (inner: any) => {
        if (!found && inner.type === 'Identifier' && names.has(inner.name)) found = inner.name;
      });
    }
  });
  return found;
}

function loopBindingNames(decl: any): Set<string> {
  const names = new Set<string>();
  if (decl && decl.type === 'VariableDeclaration' && decl.kind !== 'var') {
    for (const d of decl.declarations) walk.full(d.id, (n: any) => { if (n.type === 'Identifier') names.add(n.name); });
  }
  return names;
}

/** Identifiers named `name` in `node` that run when it runs: not inside a nested function. */
function directUses(node: any, name: string): any[] {
  const out: any[] = [];
  const visit = (n: any): void => {
    if (!n || typeof n.type !== 'string') return;
    if (/Function/.test(n.type)) return;
    if (n.type === 'Identifier' && n.name === name) out.push(n);
    for (const k of Object.keys(n)) {
      if (k === 'loc' || k === 'start' || k === 'end') continue;
      // a property name is no use of a variable
      if (k === 'key' && /^(Property|MethodDefinition|PropertyDefinition)$/.test(n.type) && !n.computed) continue;
      if (k === 'property' && n.type === 'MemberExpression' && !n.computed) continue;
      const v = n[k];
      if (Array.isArray(v)) v.forEach(visit);
      else if (v && typeof v.type === 'string') visit(v);
    }
  };
  visit(node);
  return out;
}

/**
 * Espruino does not hoist function declarations: a function declared in a block is undefined in the statements of
 * that block which run before its declaration (2v29, measured: `var o = {g: g}; function g() {}` throws).
 */
function useBeforeDeclaration(ast: any, add: (node: any, construct: string) => void): void {
  walk.full(ast, (node: any) => {
    const body = node.type === 'Program' || node.type === 'BlockStatement' ? node.body : null;
    if (!body) return;
    body.forEach((st: any, i: number) => {
      if (st.type !== 'FunctionDeclaration') return;
      for (let j = 0; j < i; j++)
        for (const id of directUses(body[j], st.id.name)) {
          add(id, `function "${st.id.name}" used before its declaration (Espruino does not hoist function declarations)`);
          return;
        }
    });
  });
}

/** Words Espruino's parser takes as keywords even as a class method's name (2v29: `class A { delete() {} }` fails). */
const KEYWORDS = new Set(
  ('break case catch class const continue debugger default delete do else export extends finally for function if import in ' +
    'instanceof new return super switch this throw try typeof var void while with yield let static enum await null true false undefined').split(' '),
);

const REGEX_AFTER_WORD = new Set(['return', 'typeof', 'case', 'in', 'of', 'do', 'else', 'void', 'delete', 'new', 'throw', 'instanceof', 'yield']);

/**
 * Espruino's lexer (jslex.c) reads a "/" as a regex only after an operator, a keyword or one of !%&*+-/<=>?[{}(,;:
 * (2v29): after ")", "]", a name, a value or "|" it is a division, so `for (k in o) /x/.test(k)` does not parse there.
 * True when the regex literal at `start` would be read as a division.
 */
function regexReadAsDivision(code: string, start: number): boolean {
  let i = start - 1;
  while (i >= 0 && /\s/.test(code[i])) i--;
  if (i < 0) return false;
  const c = code[i];
  if ('!%&*+-/<=>?[{}(,;:'.includes(c)) return false;
  if (c === '|') return code[i - 1] !== '|';
  if (/[\w$]/.test(c)) {
    let j = i;
    while (j >= 0 && /[\w$]/.test(code[j])) j--;
    return !REGEX_AFTER_WORD.has(code.slice(j + 1, i + 1));
  }
  return true;
}

/**
 * `for (k in o) ... delete o[...]`: Espruino 2v29's for-in ends when the key it stands on is deleted (measured: of
 * {A,B,C,D,E}, deleting every key but A in the loop deletes only B). Copy the keys to keep, or collect and delete after.
 */
function deleteInForIn(loop: any, code: string, add: (node: any, construct: string) => void): void {
  const obj = code.slice(loop.right.start, loop.right.end);
  walk.simple(loop.body, {
    UnaryExpression(n: any) {
      if (n.operator === 'delete' && n.argument.type === 'MemberExpression' && code.slice(n.argument.object.start, n.argument.object.end) === obj)
        add(n, `delete ${obj}[...] inside for (... in ${obj}) (Espruino's for-in ends when the key it stands on is deleted)`);
    },
  });
}

/** Lists the Espruino-incompatible constructs in `code` (a whole module). */
export function checkEspruino(code: string): Violation[] {
  const out: Violation[] = [];
  let ast: acorn.Node;
  try {
    ast = acorn.parse(code, { ecmaVersion: 'latest', sourceType: 'script', locations: true, allowHashBang: true });
  } catch (e: any) {
    return [{ construct: `unparseable JavaScript: ${e.message}`, line: e.loc ? e.loc.line : 0, column: e.loc ? e.loc.column : 0 }];
  }
  const add = (node: any, construct: string): void => {
    out.push({ construct, line: node.loc.start.line, column: node.loc.start.column });
  };
  const declared = declaredNames(ast);
  useBeforeDeclaration(ast, add);
  const fnChecks = (node: any): void => {
    if (node.async) add(node, 'async function');
    if (node.generator) add(node, 'generator function');
    for (const p of node.params) {
      if (p.type === 'AssignmentPattern') add(p, 'default parameter');
      else if (p.type === 'RestElement') add(p, 'rest parameter');
      else if (p.type === 'ObjectPattern' || p.type === 'ArrayPattern') add(p, 'destructuring parameter');
    }
  };
  const loopCheck = (node: any, decl: any): void => {
    const names = loopBindingNames(decl);
    if (!names.size) return;
    const captured = functionsCapture(node.body, names);
    if (captured) add(node, `let/const loop variable "${captured}" captured by a closure (not a fresh binding per iteration on Espruino)`);
  };
  walk.fullAncestor(ast, (node: any, _state: unknown, ancestors: any[]) => {
    const parent = ancestors[ancestors.length - 2];
    switch (node.type) {
      case 'FunctionDeclaration':
      case 'FunctionExpression':
      case 'ArrowFunctionExpression':
        fnChecks(node);
        break;
      case 'SpreadElement':
        add(node, parent && parent.type === 'ObjectExpression' ? 'object spread {...x}' : 'spread ...x');
        break;
      case 'RestElement':
        if (!parent || !/Function/.test(parent.type)) add(node, 'rest element in destructuring');
        break;
      case 'ObjectPattern':
      case 'ArrayPattern':
        if (!parent || !/Function/.test(parent.type) || !parent.params.includes(node)) add(node, 'destructuring');
        break;
      case 'AwaitExpression':
        add(node, 'await');
        break;
      case 'YieldExpression':
        add(node, 'yield (generator)');
        break;
      case 'ForOfStatement':
        if (node.await) add(node, 'for await');
        loopCheck(node, node.left);
        break;
      case 'ForInStatement':
        loopCheck(node, node.left);
        deleteInForIn(node, code, add);
        break;
      case 'ForStatement':
        loopCheck(node, node.init);
        break;
      case 'BinaryExpression':
        if (node.operator === '**') add(node, 'exponent operator **');
        break;
      case 'AssignmentExpression':
        if (node.operator === '**=') add(node, 'exponent assignment **=');
        if (node.operator === '??=' || node.operator === '||=' || node.operator === '&&=') add(node, `logical assignment ${node.operator}`);
        break;
      case 'ChainExpression':
        add(node, 'optional chaining ?.');
        break;
      case 'LabeledStatement':
        add(node, `labelled statement "${node.label.name}:"`);
        break;
      case 'TaggedTemplateExpression':
        add(node, 'tagged template');
        break;
      case 'MetaProperty':
        add(node, `${node.meta.name}.${node.property.name}`);
        break;
      case 'PrivateIdentifier':
        add(node, `private class member #${node.name}`);
        break;
      case 'PropertyDefinition':
        add(node, 'class field');
        break;
      case 'MethodDefinition':
        if (!node.computed && node.key.type === 'Identifier' && KEYWORDS.has(node.key.name)) add(node, `class method named "${node.key.name}" (a keyword to Espruino's parser)`);
        break;
      case 'StaticBlock':
        add(node, 'class static block');
        break;
      case 'ClassDeclaration':
      case 'ClassExpression':
        if (node.superClass && node.superClass.type === 'Identifier' && NATIVES.has(node.superClass.name))
          add(node, `class extends ${node.superClass.name} (natives cannot be subclassed)`);
        break;
      case 'Literal':
        if (node.regex) {
          const why = regexProblem(node.regex.pattern, node.regex.flags);
          if (why) add(node, why);
          if (regexReadAsDivision(code, node.start)) add(node, 'regex literal right after ")", "]" or a name (Espruino reads the "/" as a division)');
          else if (/\}\s*$/.test(code.slice(Math.max(0, node.start - 40), node.start))) {
            // measured: `if (false) {} /^a/.test("b")` is true on 2v29 (after an if block that was skipped)
            add(node, 'regex literal right after "}" (after a skipped if block Espruino misreads it): put it in a variable or after "("');
          }
        }
        if (typeof node.bigint === 'string') add(node, 'BigInt literal');
        break;
      case 'NewExpression':
      case 'CallExpression':
        if (node.callee.type === 'Identifier' && node.callee.name === 'RegExp' && node.arguments.length) {
          const [p, f] = node.arguments;
          const pattern = p && p.type === 'Literal' && typeof p.value === 'string' ? p.value : '';
          const flags = f && f.type === 'Literal' && typeof f.value === 'string' ? f.value : '';
          const why = regexProblem(pattern, flags);
          if (why) add(node, `${why} in RegExp()`);
        }
        break;
      case 'Identifier': {
        if (!MISSING_GLOBALS.has(node.name) || declared.has(node.name)) break;
        // only references count, not property names or keys
        if (parent && parent.type === 'MemberExpression' && parent.property === node && !parent.computed) break;
        if (parent && (parent.type === 'Property' || parent.type === 'MethodDefinition') && parent.key === node && !parent.computed) break;
        add(node, `${node.name} (not on Espruino)`);
        break;
      }
      case 'MemberExpression':
        if (node.object.type === 'Identifier' && !node.computed && node.property.type === 'Identifier') {
          const name = `${node.object.name}.${node.property.name}`;
          if (MISSING_MEMBERS.has(name) && !declared.has(node.object.name)) add(node, `${name} (not on Espruino)`);
        }
        // Espruino: a built-in method reached through X.prototype is undefined ([].slice.call works)
        if (
          node.object.type === 'MemberExpression' && !node.object.computed && node.object.property.type === 'Identifier' &&
          node.object.property.name === 'prototype' && node.object.object.type === 'Identifier' &&
          NATIVES.has(node.object.object.name) && !declared.has(node.object.object.name) && !node.computed &&
          node.property.type === 'Identifier' && !(parent && parent.type === 'AssignmentExpression' && parent.left === node)
        )
          add(node, `${node.object.object.name}.prototype.${node.property.name} (built-ins through .prototype are undefined on Espruino)`);
        break;
      case 'Property':
        if (node.computed && parent && parent.type === 'ObjectExpression') add(node, 'computed property key {[k]: v}');
        break;
      case 'VariableDeclarator':
        if (node.id.type === 'Identifier' && ESBUILD_HELPERS[node.id.name]) add(node, ESBUILD_HELPERS[node.id.name]);
        break;
    }
  });
  out.sort((a, b) => a.line - b.line || a.column - b.column);
  return out;
}

// ---- source maps: name the original file and line of a violation ----

const B64 = 'ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789+/';

function decodeVlq(segment: string): number[] {
  const values: number[] = [];
  let value = 0;
  let shift = 0;
  for (const ch of segment) {
    const digit = B64.indexOf(ch);
    value += (digit & 31) << shift;
    if (digit & 32) shift += 5;
    else {
      values.push(value & 1 ? -(value >>> 1) : value >>> 1);
      value = 0;
      shift = 0;
    }
  }
  return values;
}

export interface SourceMap { sources: string[]; mappings: string }

/** Maps a generated position (1-based line, 0-based column) to "source:line:col" using a v3 source map. */
export function originalPosition(map: SourceMap, line: number, column: number): string | undefined {
  const lines = map.mappings.split(';');
  let src = 0, srcLine = 0, srcCol = 0;
  let best: string | undefined;
  for (let i = 0; i < lines.length && i < line; i++) {
    let genCol = 0;
    for (const seg of lines[i].split(',')) {
      if (!seg) continue;
      const v = decodeVlq(seg);
      genCol += v[0];
      if (v.length >= 4) {
        src += v[1];
        srcLine += v[2];
        srcCol += v[3];
        if (i === line - 1 && genCol <= column) best = `${map.sources[src]}:${srcLine + 1}:${srcCol + 1}`;
      }
    }
  }
  return best;
}

export function formatViolations(file: string, violations: Violation[], map?: SourceMap): string {
  return violations
    .map((v) => {
      const where = map ? originalPosition(map, v.line, v.column) : undefined;
      return `  ${file}:${v.line}:${v.column + 1}: ${v.construct}${where ? ` (from ${where})` : ''}`;
    })
    .join('\n');
}
