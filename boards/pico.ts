import type { Board } from './types';

// Espruino Pico (STM32F401, 384 KB flash, 96 KB RAM). Serial2 on A2/A3 leaves USB and Serial1 free.
const board: Board = {
  id: 'pico',
  name: 'Espruino Pico',
  serial: 'Serial2',
  tx: 'A2',
  rx: 'A3',
  baud: 115200,
  pwrkey: 'B3',
  status: 'B4',
  rxBufferSize: 1536,
  budget: { codeBytes: 80 * 1024, jsVars: 2200 },
  button: 'BTN',
  totalJsVars: 5100,
};
export default board;
