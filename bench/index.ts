// `npm run bench [-- --json] [-- --board <id>]`: runs every benchmark; with --json the last line is one JSON object
// of all keys. ESPRUINO=<interpreter> adds the figures measured on it (see boards.ts and engine.ts).
import { benchEngine } from './engine';
import { benchMail } from './mail';
import { benchBoards } from './boards';

async function main(): Promise<void> {
  const argv = process.argv.slice(2);
  const json = argv.includes('--json');
  const boards: string[] = [];
  for (let i = 0; i < argv.length; i++) {
    if (argv[i] === '--board' && argv[i + 1]) boards.push(argv[++i]);
    else if (argv[i] !== '--json') throw new Error(`unknown argument ${argv[i]} (usage: npm run bench -- [--json] [--board <id>]...)`);
  }
  const log = (s: string): void => console.log(s);
  const all: Record<string, unknown> = {};
  Object.assign(all, await benchBoards(log, boards));
  Object.assign(all, await benchEngine(log));
  Object.assign(all, await benchMail(log));
  if (json) console.log(JSON.stringify(all));
}

main().catch((e) => {
  console.error(e);
  process.exit(1);
});
