// A real HTTP proxy on loopback for the tests of clients that must go through one: CONNECT tunnels for HTTPS (the
// proxy sees only host:port), absolute-form forwarding for plain HTTP, and a log to prove what crossed it.
import http from 'node:http';
import net, { type AddressInfo } from 'node:net';

export interface ProxyLog {
  tunnels: string[];
  /** Local ports of the proxy's upstream connections: a request that really crossed the tunnel comes from one. */
  upstreamPorts: Set<number>;
  forwarded: { url: string; auth?: string }[];
}

export async function startProxy(refuseConnect = false): Promise<{ url: string; log: ProxyLog; close: () => Promise<void> }> {
  const log: ProxyLog = { tunnels: [], upstreamPorts: new Set(), forwarded: [] };
  const sockets = new Set<net.Socket>();
  const server = http.createServer((req, res) => {
    log.forwarded.push({ url: req.url ?? '', auth: req.headers.authorization });
    const target = new URL(req.url ?? '');
    const up = http.request({ host: target.hostname, port: target.port, path: target.pathname + target.search, headers: req.headers, method: req.method }, (r) => {
      res.writeHead(r.statusCode ?? 502, r.headers);
      r.pipe(res);
    });
    up.on('error', () => res.writeHead(502).end());
    req.pipe(up);
  });
  server.on('connection', (s) => {
    sockets.add(s);
    s.on('close', () => sockets.delete(s));
  });
  server.on('connect', (req, client: net.Socket, head) => {
    log.tunnels.push(req.url ?? '');
    if (refuseConnect) {
      client.end('HTTP/1.1 407 Proxy Authentication Required\r\n\r\n');
      return;
    }
    const [host, port] = (req.url ?? '').split(':');
    const upstream = net.connect(Number(port), host, () => {
      log.upstreamPorts.add(upstream.localPort ?? -1);
      client.write('HTTP/1.1 200 Connection Established\r\n\r\n');
      upstream.write(head);
      upstream.pipe(client);
      client.pipe(upstream);
    });
    sockets.add(upstream);
    upstream.on('error', () => client.destroy());
    client.on('error', () => upstream.destroy());
  });
  await new Promise<void>((r) => server.listen(0, '127.0.0.1', r));
  return {
    url: `http://127.0.0.1:${(server.address() as AddressInfo).port}`,
    log,
    close: () => {
      for (const s of sockets) s.destroy();
      return new Promise((r) => server.close(() => r()));
    },
  };
}

