import type { Board } from './types';

// The Espruino interpreter's Linux port: Serial1.setup(baud, {path}) opens a (pseudo-)terminal.
const board: Board = {
  id: 'linux',
  name: 'Espruino Linux port',
  serial: 'Serial1',
  tx: null,
  rx: null,
  path: '/dev/ttyUSB0',
  baud: 115200,
  pwrkey: null,
  status: null,
  button: null,
  chunkBytes: 1460,
  rxBufferSize: 2048,
  // boards/LINUX.py: 'variables': 0 (resizable); 'flash': 256 KB of file-backed fake flash; 64-bit: 17-byte JsVars
  // when built with a fixed count (VARIABLES=n), as the board demos do
  espruino: { file: 'LINUX', jsVars: null, storageBytes: 256 * 1024, blockBytes: 17 },
  features: { pop3: true, mime: true },
};
export default board;
