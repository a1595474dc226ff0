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
  rxBufferSize: 1536,
  budget: { codeBytes: 80 * 1024, jsVars: 1500 },
  button: 'BTN',
  totalJsVars: 2500,
};
export default board;
