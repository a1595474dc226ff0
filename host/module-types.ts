// TypeScript declarations of the public modules, for users who write their board code in TypeScript, in the form of
// Espruino's own typings (espruino/Espruino scripts/build_types.js): `declare module "s9mail" {...}` and a
// `require(moduleName: "s9mail")` overload. The compiler's declaration emit of src/ is bundled per module: the entry's
// exports, and what their types name from other files (interfaces and types exported too, so users can name them;
// functions, classes and constants kept private), a name taken twice renamed after its file. A type another public
// module exports is imported from it. Internal members (names ending in "_") are left out.
import ts from 'typescript';
import { basename, join } from 'node:path';
import { ROOT } from './boards';
import { MODULES, PUBLIC } from './build';

export const PUBLIC_MODULES = PUBLIC.map((p) => p.name);

/** Types users need that the entry does not export: a class of a private module, given as an interface. */
const EXTRAS: { [name: string]: { file: string; name: string }[] } = {
  s9mail: [{ file: 'src/mail/pop3.ts', name: 'Mailbox' }],
};

const OPTIONS: ts.CompilerOptions = {
  target: ts.ScriptTarget.ES2019,
  module: ts.ModuleKind.ESNext,
  moduleResolution: ts.ModuleResolutionKind.Bundler,
  lib: ['lib.es2019.d.ts'],
  types: [],
  strict: true,
  skipLibCheck: true,
  declaration: true,
  emitDeclarationOnly: true,
  outDir: join(ROOT, 'build', 'types'),
};

export function entryFile(name: string): string {
  const m = MODULES.find((x) => x.name == name);
  if (!m || !PUBLIC_MODULES.includes(name)) throw new Error(`${name} is not a public module (${PUBLIC_MODULES.join(', ')})`);
  return join(ROOT, m.entry);
}

interface Ref {
  file: string;
  name: string;
}

interface FileIndex {
  sf: ts.SourceFile;
  decls: Map<string, ts.Statement[]>;
  imports: Map<string, Ref>;
  /** export name -> the name in this file (file is this one) or in the file it is re-exported from */
  exports: Map<string, Ref>;
}

let emitted: Map<string, FileIndex> | null = null;

/** The declaration emit of every file the public modules reach, indexed by source file. */
function files(): Map<string, FileIndex> {
  if (emitted) return emitted;
  const roots = PUBLIC_MODULES.map(entryFile).concat(Object.values(EXTRAS).flat().map((x) => join(ROOT, x.file)), join(ROOT, 'src', 'espruino.d.ts'), join(ROOT, 'src', 'board.d.ts'));
  const program = ts.createProgram(roots, OPTIONS);
  const problems = ts.getPreEmitDiagnostics(program);
  if (problems.length) throw new Error('declarations: ' + ts.formatDiagnostics(problems, { getCanonicalFileName: (f) => f, getCurrentDirectory: () => ROOT, getNewLine: () => '\n' }));
  const out = new Map<string, FileIndex>();
  program.emit(undefined, (_name, text, _bom, _err, sources) => {
    const file = sources![0].fileName;
    out.set(file, index(file, ts.createSourceFile(file + '.d.ts', text, ts.ScriptTarget.ES2019, true)));
  });
  return (emitted = out);
}

function declName(s: ts.Statement): string | null {
  if (ts.isVariableStatement(s)) return (s.declarationList.declarations[0].name as ts.Identifier).text;
  const n = (s as any).name;
  return n && ts.isIdentifier(n) ? n.text : null;
}

const hasModifier = (s: ts.Node, k: ts.SyntaxKind): boolean => !!(ts.canHaveModifiers(s) && ts.getModifiers(s)?.some((m) => m.kind == k));

function resolveFile(spec: string, from: string): string {
  const r = ts.resolveModuleName(spec, from, OPTIONS, ts.sys).resolvedModule;
  if (!r) throw new Error(`declarations: ${spec} (from ${from}) not found`);
  return r.resolvedFileName;
}

function index(file: string, sf: ts.SourceFile): FileIndex {
  const ix: FileIndex = { sf, decls: new Map(), imports: new Map(), exports: new Map() };
  for (const s of sf.statements) {
    if (ts.isImportDeclaration(s)) {
      const from = resolveFile((s.moduleSpecifier as ts.StringLiteral).text, file);
      const b = s.importClause?.namedBindings;
      if (s.importClause?.name || (b && !ts.isNamedImports(b))) throw new Error(`declarations: ${file}: only named imports are bundled`);
      for (const e of b ? (b as ts.NamedImports).elements : []) ix.imports.set(e.name.text, { file: from, name: (e.propertyName || e.name).text });
    } else if (ts.isExportDeclaration(s)) {
      const from = s.moduleSpecifier ? resolveFile((s.moduleSpecifier as ts.StringLiteral).text, file) : file;
      if (!s.exportClause || !ts.isNamedExports(s.exportClause)) {
        if (!s.moduleSpecifier && !s.exportClause) continue;
        throw new Error(`declarations: ${file}: export * is not bundled`);
      }
      for (const e of s.exportClause.elements) ix.exports.set(e.name.text, { file: from, name: ((e.propertyName || e.name) as ts.Identifier).text });
    } else {
      const n = declName(s);
      if (!n) continue;
      if (!ix.decls.has(n)) ix.decls.set(n, []);
      ix.decls.get(n)!.push(s);
      if (hasModifier(s, ts.SyntaxKind.ExportKeyword)) ix.exports.set(n, { file, name: n });
    }
  }
  return ix;
}

function fileIndex(file: string): FileIndex {
  const ix = files().get(file);
  if (!ix) throw new Error(`declarations: no emit for ${file}`);
  return ix;
}

/** Where export `name` of `file` is declared, through re-exports. */
function resolveExport(file: string, name: string): Ref {
  const r = fileIndex(file).exports.get(name);
  if (!r) throw new Error(`declarations: ${file} does not export ${name}`);
  return r.file == file ? r : resolveExport(r.file, r.name);
}

/** What `name` means in `file`: a declaration of its own or an import; null for a global. */
function resolveName(file: string, name: string): Ref | null {
  const ix = fileIndex(file);
  if (ix.decls.has(name)) return { file, name };
  const i = ix.imports.get(name);
  return i ? resolveExport(i.file, i.name) : null;
}

const key = (r: Ref): string => r.file + '#' + r.name;

const isType = (s: ts.Statement): boolean => ts.isInterfaceDeclaration(s) || ts.isTypeAliasDeclaration(s);

const isMember = (n: ts.Node): boolean =>
  ts.isPropertyDeclaration(n) || ts.isPropertySignature(n) || ts.isMethodDeclaration(n) || ts.isMethodSignature(n) || ts.isGetAccessor(n) || ts.isSetAccessor(n);

/** The leftmost identifier of a type name or expression (A in A.B.C). */
function leftmost(n: ts.Node): ts.Identifier | null {
  while (ts.isQualifiedName(n) || ts.isPropertyAccessExpression(n)) n = ts.isQualifiedName(n) ? n.left : n.expression;
  return ts.isIdentifier(n) ? n : null;
}

/** The declarations of module `name`: `declare module "<name>" {...}` and its `require` overload. */
export function moduleDeclarations(name: string): string {
  const entry = entryFile(name);
  const nameOf = new Map<string, string>();
  const used = new Set<string>();
  const typeOnly = new Set<string>();
  const exported = new Set<string>();
  const queue: string[] = [];
  const aliases: string[] = [];
  // what the other public modules export: imported from them, not copied
  const elsewhere = new Map<string, { module: string; name: string }>();
  for (const m of PUBLIC_MODULES)
    if (m != name) for (const e of fileIndex(entryFile(m)).exports.keys()) elsewhere.set(key(resolveExport(entryFile(m), e)), { module: m, name: e });
  const imports = new Map<string, Map<string, string>>();

  const claim = (k: string, n: string, exp: boolean): void => {
    nameOf.set(k, n);
    used.add(n);
    if (exp) exported.add(k);
    queue.push(k);
  };
  // the entry's exports first: their names are the module's API
  for (const e of fileIndex(entry).exports.keys()) used.add(e);
  for (const e of fileIndex(entry).exports.keys()) {
    const k = key(resolveExport(entry, e));
    if (nameOf.has(k)) aliases.push(`export { ${nameOf.get(k)} as ${e} };`);
    else claim(k, e, true);
  }
  for (const x of EXTRAS[name] || []) {
    used.add(x.name);
    claim(key({ file: join(ROOT, x.file), name: x.name }), x.name, true);
    typeOnly.add(key({ file: join(ROOT, x.file), name: x.name }));
  }

  /** The bundle's name for what `n` means in `file` (taking it into the bundle, or importing it, when new). */
  const ref = (file: string, n: string): string => {
    const r = resolveName(file, n);
    if (!r) return n;
    const k = key(r);
    if (nameOf.has(k)) return nameOf.get(k)!;
    const other = elsewhere.get(k);
    if (other) {
      if (!imports.has(other.module)) imports.set(other.module, new Map());
      const local = used.has(other.name) ? other.module + other.name : other.name;
      imports.get(other.module)!.set(other.name, local);
      nameOf.set(k, local);
      used.add(local);
      return local;
    }
    let b = r.name;
    for (let i = 2; used.has(b); i++) b = basename(r.file).replace(/\..*/, '').replace(/^./, (c) => c.toUpperCase()) + r.name + (i > 2 ? i : '');
    claim(k, b, fileIndex(r.file).decls.get(r.name)!.every(isType));
    return b;
  };

  const printed: string[] = [];
  let privates = false;
  for (let q = 0; q < queue.length; q++) {
    const k = queue[q];
    const file = k.slice(0, k.lastIndexOf('#'));
    const own = k.slice(k.lastIndexOf('#') + 1);
    const ix = fileIndex(file);
    const texts: string[] = [];
    for (const s of ix.decls.get(own)!) {
      let node = rewrite(s, file, nameOf.get(k)!, ref);
      if (typeOnly.has(k)) node = classAsInterface(node as ts.ClassDeclaration);
      const mods: ts.Modifier[] = (ts.canHaveModifiers(node) ? ts.getModifiers(node) || [] : []).filter((m) => m.kind != ts.SyntaxKind.ExportKeyword && m.kind != ts.SyntaxKind.DeclareKeyword);
      if (exported.has(k)) mods.unshift(ts.factory.createModifier(ts.SyntaxKind.ExportKeyword));
      else privates = true;
      node = ts.factory.replaceModifiers(node as any, mods);
      texts.push(ts.createPrinter().printNode(ts.EmitHint.Unspecified, node, ix.sf));
    }
    // (overloads together)
    printed.push(texts.join('\n'));
  }
  const head = [...imports].map(([m, names]) => `import { ${[...names].map(([e, l]) => (e == l ? e : `${e} as ${l}`)).join(', ')} } from "${m}";`);
  // (with an export declaration in it, an ambient module exports only what is marked export)
  const body = [...head, ...printed, ...aliases, ...(privates && !aliases.length ? ['export {};'] : [])];
  return (
    `// Declarations of the Espruino module "${name}" for board code written in TypeScript, generated from ${MODULES.find((m) => m.name == name)!.entry} by host/module-types.ts.\n` +
    `declare module "${name}" {\n${body.map((t) => t.replace(/^(?=.)/gm, '    ')).join('\n\n')}\n}\n\n` +
    `declare function require(moduleName: "${name}"): typeof import("${name}");\n`
  );
}

/** `s` with internal members left out, its own name `as`, and every name it uses replaced by ref(file, name). */
function rewrite(s: ts.Statement, file: string, as: string, ref: (file: string, n: string) => string): ts.Statement {
  const own = ts.isVariableStatement(s) ? s.declarationList.declarations[0].name : (s as any).name;
  const typeParams = new Set<string>();
  (function find(n: ts.Node): void {
    if (ts.isTypeParameterDeclaration(n)) typeParams.add(n.name.text);
    n.forEachChild(find);
  })(s);
  const rename = (id: ts.Identifier | null): ts.Identifier | null => {
    if (!id || typeParams.has(id.text)) return null;
    const n = ref(file, id.text);
    return n == id.text ? null : ts.factory.createIdentifier(n);
  };
  const visit = (n: ts.Node): ts.Node | undefined => {
    if (n === own) return as == own.text ? n : ts.factory.createIdentifier(as);
    if (isMember(n) && /_$/.test((n as any).name?.text || '')) return undefined;
    if (ts.isImportTypeNode(n)) {
      const r = resolveExport(resolveFile(((n.argument as ts.LiteralTypeNode).literal as ts.StringLiteral).text, file), (leftmost(n.qualifier!) as ts.Identifier).text);
      return ts.factory.createTypeReferenceNode(ref(r.file, r.name), n.typeArguments?.map((t) => ts.visitNode(t, visit) as ts.TypeNode));
    }
    const f = ts.factory;
    const args = (n as any).typeArguments && ts.visitNodes((n as any).typeArguments, visit) as ts.NodeArray<ts.TypeNode>;
    if (ts.isTypeReferenceNode(n) && rename(leftmost(n.typeName))) return f.updateTypeReferenceNode(n, replaceLeft(n.typeName, rename) as ts.EntityName, args);
    if (ts.isExpressionWithTypeArguments(n) && rename(leftmost(n.expression))) return f.updateExpressionWithTypeArguments(n, replaceLeft(n.expression, rename) as ts.Expression, args);
    if (ts.isTypeQueryNode(n) && rename(leftmost(n.exprName))) return f.updateTypeQueryNode(n, replaceLeft(n.exprName, rename) as ts.EntityName, args);
    return ts.visitEachChild(n, visit, undefined);
  };
  return ts.visitNode(s, visit) as ts.Statement;
}

/** `n` (an identifier, or a qualified name or property access) with its leftmost identifier renamed. */
function replaceLeft(n: ts.Node, rename: (id: ts.Identifier) => ts.Identifier | null): ts.Node {
  if (ts.isIdentifier(n)) return rename(n) || n;
  if (ts.isQualifiedName(n)) return ts.factory.updateQualifiedName(n, replaceLeft(n.left, rename) as ts.EntityName, n.right);
  if (ts.isPropertyAccessExpression(n)) return ts.factory.updatePropertyAccessExpression(n, replaceLeft(n.expression, rename) as ts.Expression, n.name);
  return n;
}

/** A class as the interface of its instances (for a class users get but cannot construct). */
function classAsInterface(c: ts.ClassDeclaration): ts.InterfaceDeclaration {
  const f = ts.factory;
  const members: ts.TypeElement[] = [];
  for (const m of c.members) {
    if (ts.isPropertyDeclaration(m)) members.push(ts.setTextRange(f.createPropertySignature(undefined, m.name, m.questionToken, m.type), m));
    else if (ts.isMethodDeclaration(m)) members.push(ts.setTextRange(f.createMethodSignature(undefined, m.name, m.questionToken, m.typeParameters, m.parameters, m.type), m));
  }
  return ts.setTextRange(f.createInterfaceDeclaration(c.modifiers as any, c.name!, c.typeParameters, undefined, members), c);
}

if (require.main === module) {
  for (const n of process.argv.slice(2).length ? process.argv.slice(2) : PUBLIC_MODULES) console.log(moduleDeclarations(n));
}
