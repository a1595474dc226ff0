import type { Board } from './types';

// Espruino Pico (STM32F401CDU6, 384 KB flash, 96 KB RAM). Serial2 on A2/A3 leaves USB and Serial1 free.
const board: Board = {
  id: 'pico',
  name: 'Espruino Pico',
  serial: 'Serial2',
  tx: 'A2',
  rx: 'A3',
  baud: 115200,
  pwrkey: 'B3',
  status: 'B4',
  button: 'BTN',
  chunkBytes: 1460,
  rxBufferSize: 640,
  // boards/PICO_R1_3.py: 'variables': 5100; saved_code: 3 pages x 16384 bytes
  espruino: { file: 'PICO_R1_3', jsVars: 5100, storageBytes: 3 * 16384, blockBytes: 13 },
  features: { pop3: true, mime: true },
};
export default board;
