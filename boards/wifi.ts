import type { Board } from './types';

// Espruino WiFi (STM32F411CEU6, 512 KB flash, 128 KB RAM). Serial2 (A2/A3) is taken by the ESP8266, so the SIM900
// goes on Serial1 (B6 TX, B7 RX).
const board: Board = {
  id: 'wifi',
  name: 'Espruino WiFi',
  serial: 'Serial1',
  tx: 'B6',
  rx: 'B7',
  baud: 115200,
  pwrkey: 'B3',
  status: 'B4',
  button: 'BTN',
  chunkBytes: 1460,
  rxBufferSize: 640,
  // boards/ESPRUINOWIFI.py: 'variables': 8190; saved_code: 1 page x 65536 bytes
  espruino: { file: 'ESPRUINOWIFI', jsVars: 8190, storageBytes: 65536, blockBytes: 13 },
  features: { pop3: true, mime: true },
};
export default board;
