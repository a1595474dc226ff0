import * as acorn from 'acorn';
import * as walk from 'acorn-walk';
import { builtFiles } from '../host/build';
const f = builtFiles('pico');
for (const n of Object.keys(f)) {
  if (n === 's9cmd' || n === '.bootcde') continue;
  const ast = acorn.parse(f[n], { ecmaVersion: 'latest' });
  let strBytes = 0, fns = 0, props = new Map<string, number>();
  walk.full(ast, (node: any) => {
    if (node.type === 'Literal' && typeof node.value === 'string') strBytes += node.raw.length;
    if (node.type === 'TemplateLiteral') strBytes += node.end - node.start;
    if (/Function/.test(node.type)) fns++;
    if (node.type === 'MemberExpression' && !node.computed && node.property.type === 'Identifier') props.set(node.property.name, (props.get(node.property.name) || 0) + 1);
  });
  const top = [...props.entries()].map(([k, c]) => [k, c * k.length] as [string, number]).sort((a, b) => b[1] - a[1]).slice(0, 8);
  console.log(n, f[n].length, 'strings', strBytes, 'functions', fns, 'props', top.map(([k, c]) => k + ':' + c).join(' '));
}
