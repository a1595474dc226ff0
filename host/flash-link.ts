// The byte link to a board's console: a TCP connection (tcp://host:port, e.g. the Linux port's `espruino --telnet`)
// or a serial port (through the serialport module the espruino CLI installs). Only transport here: what is said over
// it is host/flash-console.ts.
import { dirname, join } from 'node:path';
import * as net from 'node:net';
import { ROOT } from './boards';

/** An open link: bytes in and out as latin1 strings. */
export interface Link {
  /** the port as the user named it */
  readonly name: string;
  write(data: string): void;
  /** every chunk received, in order */
  onData(cb: (data: string) => void): void;
  /** called once when the link ends by itself (not after close()), with why */
  onClose(cb: (why: string) => void): void;
  close(): Promise<void>;
}

/** A port that cannot be opened: the message is one line for the user. */
export class LinkError extends Error {}

export interface TcpAddress {
  host: string;
  port: number;
}

const TCP_ERRORS: Record<string, string> = {
  ECONNREFUSED: 'connection refused (nothing listens there; for the Linux port start `espruino --telnet`)',
  ENOTFOUND: 'no such host',
  EAI_AGAIN: 'the host name could not be looked up',
  EHOSTUNREACH: 'host unreachable',
  ENETUNREACH: 'network unreachable',
  ECONNRESET: 'the connection was reset',
};

/** Connects to tcp://host:port within timeoutMs; a LinkError says why not. */
export function openTcp(name: string, addr: TcpAddress, timeoutMs: number): Promise<Link> {
  return new Promise((resolve, reject) => {
    const s = net.connect({ host: addr.host, port: addr.port });
    const fail = (why: string) => {
      clearTimeout(timer);
      s.destroy();
      reject(new LinkError(`cannot connect to ${name}: ${why}`));
    };
    const timer = setTimeout(() => fail(`no answer within ${Math.round(timeoutMs / 1000)} s`), timeoutMs);
    s.once('error', (e: any) => fail(TCP_ERRORS[e.code] || e.code || String(e.message)));
    s.once('connect', () => {
      clearTimeout(timer);
      s.removeAllListeners('error');
      s.setNoDelay(true);
      resolve(socketLink(name, s));
    });
  });
}

function socketLink(name: string, s: net.Socket): Link {
  let closing = false;
  let closed: ((why: string) => void) | null = null;
  let lastError = '';
  s.on('error', (e: any) => (lastError = e.code || String(e.message)));
  s.on('close', () => {
    if (!closing && closed) closed(lastError ? `the connection failed (${lastError})` : 'the board closed the connection');
  });
  return {
    name,
    write: (data) => void s.write(Buffer.from(data, 'latin1')),
    onData: (cb) => void s.on('data', (b: Buffer) => cb(b.toString('latin1'))),
    onClose: (cb) => void (closed = cb),
    close: () =>
      new Promise((resolve) => {
        closing = true;
        if (s.destroyed) return resolve();
        // a board that no longer answers must not hold us. The timer stays referenced: a socket nobody reads from
        // keeps no I/O going, and node would leave with exit code 0 while this promise is pending
        const timer = setTimeout(() => s.destroy(), 1000);
        s.once('close', () => {
          clearTimeout(timer);
          resolve();
        });
        // end() sends what is queued; resume() reads on, so that the board's end of the connection is seen
        s.resume();
        s.end();
      }),
  };
}

/**
 * The serialport module, from the espruino CLI's own dependencies (it is an optional dependency there); null when it
 * is not installed.
 */
export function serialPortModule(): any | null {
  try {
    const cliDir = dirname(require.resolve('espruino/package.json', { paths: [ROOT] }));
    return require(require.resolve('serialport', { paths: [cliDir, join(ROOT, 'node_modules')] }));
  } catch (e) {
    return null;
  }
}

/** Opens a serial port (8N1, XON/XOFF honoured as the espruino CLI does); a LinkError says why not. */
export function openSerial(path: string, baud: number): Promise<Link> {
  const mod = serialPortModule();
  if (!mod) return Promise.reject(new LinkError(`cannot open ${path}: the serialport module (installed with the espruino CLI) is missing; run npm install`));
  return new Promise((resolve, reject) => {
    const port = new mod.SerialPort({ path, baudRate: baud, autoOpen: false, xon: true, xoff: true });
    port.open((err: any) => {
      if (err) return reject(new LinkError(`cannot open ${path}: ${String(err.message || err).replace(/^Error: /, '')}`));
      let closing = false;
      let closed: ((why: string) => void) | null = null;
      port.on('close', () => {
        if (!closing && closed) closed('the serial port closed (board unplugged or reset?)');
      });
      port.on('error', () => undefined);
      resolve({
        name: path,
        write: (data) => void port.write(Buffer.from(data, 'latin1')),
        onData: (cb) => void port.on('data', (b: Buffer) => cb(b.toString('latin1'))),
        onClose: (cb) => void (closed = cb),
        close: () =>
          new Promise((res) => {
            closing = true;
            if (!port.isOpen) return res();
            port.drain(() => port.close(() => res()));
          }),
      });
    });
  });
}
