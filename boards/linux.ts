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
  rxBufferSize: 4096,
  budget: { codeBytes: 256 * 1024, jsVars: 20000 },
  button: null,
  totalJsVars: 40000,
};
export default board;
