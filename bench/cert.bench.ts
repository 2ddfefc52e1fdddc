// Key + certificate + PFX: Junction (native RSA keygen, node-forge certificate and PKCS#12) against
// `openssl req -x509 -newkey rsa:2048` + `openssl pkcs12 -export`, same machine, same run. Target: within 1.5x.
import { execFileSync } from 'node:child_process';
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { createCertificateFiles } from '../electron/pki/create';
import type { PfxProfile } from '../shared/pki/pkcs12';

const N = Number(process.env['BENCH_ITERATIONS'] ?? 10);
const dir = mkdtempSync(join(tmpdir(), 'junction-cert-bench-'));
const PASSWORD = 'bench-password';
const DAY = 86_400_000;

async function junction(i: number, profile: PfxProfile): Promise<void> {
  const now = Date.now();
  await createCertificateFiles({
    spec: { purpose: 'remote-console', subject: 'CN=Remote Console Connect', notBefore: new Date(now), notAfter: new Date(now + 365 * DAY), hash: 'sha256' },
    keySize: 2048,
    profile,
    password: PASSWORD,
    outDir: dir,
    name: `j${profile}${i}`,
  });
}

function openssl(i: number, legacy: boolean): void {
  const key = join(dir, `o${i}.key`);
  const crt = join(dir, `o${i}.crt`);
  execFileSync('openssl', ['req', '-x509', '-newkey', 'rsa:2048', '-nodes', '-keyout', key, '-out', crt, '-days', '365', '-sha256', '-subj', '/CN=Remote Console Connect',
    '-addext', 'keyUsage=critical,digitalSignature', '-addext', 'extendedKeyUsage=clientAuth'], { stdio: 'ignore' });
  execFileSync('openssl', ['pkcs12', '-export', ...(legacy ? ['-legacy'] : []), '-inkey', key, '-in', crt, '-out', join(dir, `o${i}.pfx`), '-passout', `pass:${PASSWORD}`], { stdio: 'ignore' });
}

async function time(label: string, f: (i: number) => Promise<void> | void): Promise<number> {
  const samples: number[] = [];
  for (let i = 0; i < N; i++) {
    const t0 = performance.now();
    await f(i);
    samples.push(performance.now() - t0);
  }
  samples.sort((a, b) => a - b);
  const total = samples.reduce((a, b) => a + b, 0);
  const median = samples[Math.floor(samples.length / 2)]!;
  console.log(`${label.padEnd(44)} total ${total.toFixed(0).padStart(6)} ms   median ${median.toFixed(1).padStart(7)} ms   (${N} runs)`);
  return total;
}

try {
  // Warm-up: JIT for forge, page cache for openssl.
  await junction(-1, 'modern');
  openssl(-1, false);
  const jm = await time('junction key+cert+pfx (modern)', (i) => junction(i, 'modern'));
  const om = await time('openssl req -x509 + pkcs12 -export', (i) => openssl(i, false));
  const jl = await time('junction key+cert+pfx (legacy)', (i) => junction(i, 'legacy'));
  const ol = await time('openssl req -x509 + pkcs12 -export -legacy', (i) => openssl(i, true));
  const ratio = (jm + jl) / (om + ol);
  console.log(`ratio junction/openssl: modern ${(jm / om).toFixed(2)}x, legacy ${(jl / ol).toFixed(2)}x, overall ${ratio.toFixed(2)}x (target <= 1.5x) ${ratio <= 1.5 ? 'OK' : 'SLOWER THAN TARGET'}`);
} finally {
  rmSync(dir, { recursive: true, force: true });
}
