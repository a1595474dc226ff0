import { builtFiles } from '../host/build';
import { pretokenise, detokenise } from '../host/pretokenise';
const f = builtFiles('pico');
let a = 0, b = 0;
for (const n of Object.keys(f)) {
  if (n === 's9cmd' || n === '.bootcde') continue;
  const t = pretokenise(f[n]);
  a += f[n].length; b += t.length;
  // round trip parses
  new Function(detokenise(t));
  console.log(n, f[n].length, '->', t.length, (100 - (100 * t.length) / f[n].length).toFixed(1) + '%');
}
console.log('total', a, '->', b);
