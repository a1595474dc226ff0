// `npm run bench [-- --json] [--board <id>] [--anchor <AT.js>] [--only <part>]`: runs every benchmark (or the parts named); with --json the last line is one JSON object
// of all keys. ESPRUINO=<interpreter> adds the figures measured on it (see boards.ts and engine.ts).
import { benchEngine } from './engine';
import { benchMail } from './mail';
import { benchBoards } from './boards';

const PARTS = ['boards', 'engine', 'mail'];

async function main(): Promise<void> {
  const argv = process.argv.slice(2);
  const json = argv.includes('--json');
  const boards: string[] = [];
  let anchor: string | undefined;
  const only: string[] = [];
  for (let i = 0; i < argv.length; i++) {
    if (argv[i] === '--board' && argv[i + 1]) boards.push(argv[++i]);
    else if (argv[i] === '--anchor' && argv[i + 1]) anchor = argv[++i];
    else if (argv[i] === '--only' && PARTS.includes(argv[i + 1])) only.push(argv[++i]);
    else if (argv[i] === '--board' || argv[i] === '--anchor' || argv[i] === '--only') throw new Error(`${argv[i]} needs a value${argv[i] === '--only' ? ' (boards, engine or mail)' : ''}`);
    else if (argv[i] !== '--json') throw new Error(`unknown argument ${argv[i]} (usage: npm run bench -- [--json] [--board <id>]... [--anchor <AT.js>] [--only boards|engine|mail]...)`);
  }
  // with --json, standard output carries only the JSON
  const log = (s: string): void => (json ? console.error(s) : console.log(s));
  const all: Record<string, unknown> = {};
  const run = (part: string): boolean => !only.length || only.includes(part);
  if (run('boards')) Object.assign(all, await benchBoards(log, boards));
  if (run('engine')) Object.assign(all, await benchEngine(log, anchor));
  if (run('mail')) Object.assign(all, await benchMail(log));
  if (json) console.log(JSON.stringify(all));
}

main().catch((e) => {
  // one line: a wrong argument or ESPRUINO is the user's to fix, not a stack trace to read
  console.error(`bench: ${(e && e.message) || e}`);
  process.exit(1);
});
