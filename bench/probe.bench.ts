// A probe sweep of 1,000 loopback endpoints at bounded concurrency (target < 2 s), with bash's /dev/tcp connect
// loop over a subset of the same endpoints measured in the same run as the stock-tool baseline.
import { createServer, type Server, type Socket, type AddressInfo } from 'node:net';
import { spawnSync } from 'node:child_process';
import { runProbes } from '../electron/health/run';

const N = 1000;
const SUBSET = 200;
const CONCURRENCY = 64;
const sockets = new Set<Socket>();
const servers: Server[] = [];
const ports: number[] = [];
for (let i = 0; i < N; i++) {
  const s = createServer((c) => {
    sockets.add(c);
    c.on('close', () => sockets.delete(c));
    c.end();
  });
  await new Promise<void>((r) => s.listen(0, '127.0.0.1', () => r()));
  servers.push(s);
  ports.push((s.address() as AddressInfo).port);
}
const specs = ports.map((port, i) => ({ id: `e${i}`, kind: 'tcp' as const, host: '127.0.0.1', port }));

await runProbes(specs.slice(0, 50), { concurrency: CONCURRENCY, timeoutMs: 2000 }); // warm up
const t0 = performance.now();
const results = await runProbes(specs, { concurrency: CONCURRENCY, timeoutMs: 2000 });
const sweepMs = performance.now() - t0;
const ok = results.filter((r) => r.status === 'ok').length;

const script = `n=0; for p in ${ports.slice(0, SUBSET).join(' ')}; do if exec 3<>/dev/tcp/127.0.0.1/$p; then n=$((n+1)); exec 3<&-; fi; done; echo $n`;
const b0 = performance.now();
const bash = spawnSync('bash', ['-c', script], { encoding: 'utf8' });
const bashMs = performance.now() - b0;
const bashOk = Number(bash.stdout.trim());

console.log(`junction probe sweep: ${N} loopback TCP endpoints, concurrency ${CONCURRENCY}: ${sweepMs.toFixed(0)} ms (${ok}/${N} ok) — target < 2000 ms: ${sweepMs < 2000 && ok === N ? 'MET' : 'MISSED'}`);
console.log(`bash /dev/tcp loop (sequential, one process): ${SUBSET} endpoints in ${bashMs.toFixed(0)} ms (${bashOk}/${SUBSET} ok)`);
const perJ = sweepMs / N;
const perB = bashMs / SUBSET;
console.log(`per endpoint: junction ${perJ.toFixed(3)} ms, bash ${perB.toFixed(3)} ms; ratio bash/junction ${(perB / perJ).toFixed(1)}x`);
for (const c of sockets) c.destroy();
await Promise.all(servers.map((s) => new Promise<void>((r) => s.close(() => r()))));
if (ok !== N) process.exitCode = 1;
