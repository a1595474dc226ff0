import type { Board } from './types';

// MDBT42Q breakout (nRF52832, 512 KB flash, 64 KB RAM). Its UART can be routed to any pins: D6 TX, D8 RX.
const board: Board = {
  id: 'mdbt42q',
  name: 'MDBT42Q (nRF52832)',
  serial: 'Serial1',
  tx: 'D6',
  rx: 'D8',
  baud: 115200,
  pwrkey: 'D11',
  status: 'D12',
  button: 'BTN',
  chunkBytes: 512,
  rxBufferSize: 512,
  // boards/MDBT42Q.py: 'variables': 2950; saved_code: 10 pages x 4096 bytes
  espruino: { file: 'MDBT42Q', jsVars: 2950, storageBytes: 10 * 4096, blockBytes: 13 },
  features: { pop3: true, mime: true },
};
export default board;
