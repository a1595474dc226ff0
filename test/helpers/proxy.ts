// A TCP proxy in front of a real server, for network faults the server itself would never produce: a peer that
// accepts and then stays silent, or a stream that stalls after some bytes (the server behind is real).
import * as net from 'node:net';

export interface FaultProxy {
  port: number;
  /** server -> client bytes forwarded before the stream stalls (Infinity: never) */
  stallAfter: number;
  /** bytes forwarded so far, server -> client */
  forwarded: number;
  close(): Promise<void>;
}

export async function startProxy(target: { host: string; port: number; localAddress?: string }, stallAfter = Infinity): Promise<FaultProxy> {
  const sockets = new Set<net.Socket>();
  const proxy: FaultProxy = { port: 0, stallAfter, forwarded: 0, close: async () => {} };
  const server = net.createServer((client) => {
    sockets.add(client);
    const upstream = net.connect({ port: target.port, host: target.host, localAddress: target.localAddress });
    sockets.add(upstream);
    upstream.on('data', (b: Buffer) => {
      const room = proxy.stallAfter - proxy.forwarded;
      if (room <= 0) return;
      const part = b.length > room ? b.subarray(0, room) : b;
      proxy.forwarded += part.length;
      client.write(part);
    });
    client.on('data', (b: Buffer) => upstream.write(b));
    const end = () => {
      client.destroy();
      upstream.destroy();
    };
    client.on('error', end);
    upstream.on('error', end);
    client.on('close', end);
    upstream.on('close', () => {
      // a stalled stream stays open: the client sees silence, not a close
      if (proxy.forwarded < proxy.stallAfter) client.destroy();
    });
  });
  await new Promise<void>((r) => server.listen(0, '127.0.0.1', () => r()));
  proxy.port = (server.address() as net.AddressInfo).port;
  proxy.close = () =>
    new Promise<void>((r) => {
      for (const s of sockets) s.destroy();
      server.close(() => r());
    });
  return proxy;
}

/** A port on loopback where nothing listens (connections are refused). */
export async function closedPort(): Promise<number> {
  const s = net.createServer();
  await new Promise<void>((r) => s.listen(0, '127.0.0.1', () => r()));
  const port = (s.address() as net.AddressInfo).port;
  await new Promise<void>((r) => s.close(() => r()));
  return port;
}
