import type { Board } from './types';

// Espruino Original (STM32F103RCT6, 256 KB flash, 48 KB RAM): the smallest board. Its 20 KB of Storage hold the
// sending half of the library (alerts with attachments); it leaves POP3 and the MIME reader out. The SIM900 goes on
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
  button: 'BTN1',
  chunkBytes: 512,
  rxBufferSize: 640,
  // boards/ESPRUINOBOARD.py: 'variables': 2756; saved_code: 10 pages x 2048 bytes
  espruino: { file: 'ESPRUINOBOARD', jsVars: 2756, storageBytes: 10 * 2048, blockBytes: 13 },
  features: { pop3: false, mime: false },
};
export default board;
