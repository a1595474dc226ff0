// `npm run build`: one minified bundle per board in build/<board>.js, checked by the Espruino guard and
// against the board's code budget. Run with tsx loaded (see package.json) so that boards and tools are TS.
import { buildAll } from './host/bundle.ts';

const only = process.argv.slice(2).filter((a) => !a.startsWith('-'));
const results = await buildAll(only.length ? only : undefined);
let failed = 0;
console.log('board        bytes    budget   use');
for (const r of results) {
  const pct = ((100 * r.bytes) / r.budget).toFixed(0).padStart(3);
  console.log(`${r.board.padEnd(10)} ${String(r.bytes).padStart(7)}  ${String(r.budget).padStart(7)}  ${pct}%  ${r.ok ? 'ok' : 'FAILED'}`);
  if (!r.ok) {
    failed++;
    console.error(r.problems.join('\n'));
  }
}
if (failed) {
  console.error(`build failed for ${failed} board${failed > 1 ? 's' : ''}`);
  process.exit(1);
}
