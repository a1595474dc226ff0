// Finds the board files: every boards/<id>.ts except types.ts is a board, so adding a board is adding one file.
import { readdirSync } from 'node:fs';
import { join, resolve } from 'node:path';
import type { Board } from '../boards/types';

export const ROOT = resolve(__dirname, '..');
export const BOARDS_DIR = join(ROOT, 'boards');

export function boardIds(): string[] {
  return readdirSync(BOARDS_DIR)
    .filter((f) => f.endsWith('.ts') && f !== 'types.ts')
    .map((f) => f.slice(0, -3))
    .sort();
}

export function loadBoard(id: string): Board {
  if (!boardIds().includes(id)) throw new Error(`unknown board "${id}"; boards: ${boardIds().join(', ')}`);
  // eslint-disable-next-line @typescript-eslint/no-var-requires
  const mod = require(join(BOARDS_DIR, id + '.ts'));
  return (mod.default ?? mod) as Board;
}
