import type { Board } from './types';

// Espruino WiFi (STM32F411, 512 KB flash, 128 KB RAM). Serial2 (A2/A3) is taken by the ESP8266, so the
// SIM900 goes on Serial1 (B6 TX, B7 RX).
const board: Board = {
  id: 'wifi',
  name: 'Espruino WiFi',
  serial: 'Serial1',
  tx: 'B6',
  rx: 'B7',
  baud: 115200,
  pwrkey: 'B3',
  status: 'B4',
  rxBufferSize: 2048,
  budget: { codeBytes: 128 * 1024, jsVars: 3000 },
  button: 'BTN',
  totalJsVars: 7100,
};
export default board;
