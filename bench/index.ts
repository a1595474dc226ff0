// `npm run bench [-- --json]`: runs every benchmark; with --json the last line is one JSON object of all keys.
import { benchEngine } from './engine';
import { benchMail } from './mail';
import { benchBundle } from './bundle';

async function main(): Promise<void> {
  const json = process.argv.includes('--json');
  const log = (s: string): void => console.log(s);
  const all: Record<string, unknown> = {};
  Object.assign(all, await benchEngine(log));
  Object.assign(all, await benchMail(log));
  Object.assign(all, await benchBundle(log));
  if (json) console.log(JSON.stringify(all));
}

main().catch((e) => {
  console.error(e);
  process.exit(1);
});
