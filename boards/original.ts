import type { Board } from './types';

// Espruino Original (STM32F103RCT6, 256 KB flash, 48 KB RAM): the smallest board, so its bundle leaves the
// MIME reader out. The SIM900 goes on
// Serial1 (A9 TX, A10 RX). PWRKEY only; STATUS is read with an AT probe instead.
const board: Board = {
  id: 'original',
  name: 'Espruino Original',
  serial: 'Serial1',
  tx: 'A9',
  rx: 'A10',
  baud: 57600,
  pwrkey: 'B8',
  status: null,
  rxBufferSize: 1024,
  budget: { codeBytes: 64 * 1024, jsVars: 1100 },
  mime: false,
  button: 'BTN1',
  totalJsVars: 2250,
};
export default board;
