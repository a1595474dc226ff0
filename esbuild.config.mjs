// `npm run build`: each board's Storage modules in build/<board>/, checked by the Espruino guard, with their sizes
// against the board's goals; then the published modules in build/modules/ (host/publish.ts). Run with tsx loaded (see package.json) so that boards and tools are TypeScript.
import { buildAll, boardModules, goals } from './host/build.ts';
import { publishAll } from './host/publish.ts';

const only = process.argv.slice(2).filter((a) => !a.startsWith('-'));
const results = await buildAll(only.length ? only : undefined);
let failed = 0;
for (const r of results) {
  const g = goals(r.board);
  const over = r.libraryBytes > g.storageBytes;
  const sizes = Object.keys(r.files).filter((n) => n !== '.bootcde').map((n) => `${n} ${Buffer.byteLength(r.files[n], 'latin1')}`);
  console.log(`${r.board.id.padEnd(9)} ${String(r.libraryBytes).padStart(6)} bytes of ${g.storageBytes} (${boardModules(r.board).length} modules: ${sizes.join(', ')})${r.problems.length ? ' FAILED' : over ? ' OVER' : ''}`);
  if (r.problems.length) {
    failed++;
    console.error(r.problems.join('\n'));
  }
}
if (failed) {
  console.error(`build failed for ${failed} board${failed > 1 ? 's' : ''}`);
  process.exit(1);
}
if (!only.length) {
  const files = await publishAll();
  console.log(`modules   ${Object.keys(files).map((f) => `${f} ${files[f].length}`).join(', ')}`);
}
