// A throwaway CA and a server certificate for 127.0.0.1, made with openssl (the independent tool), plus a
// self-signed client certificate for the service-principal sign-in test.
import { execFileSync } from 'node:child_process';
import { mkdtempSync, readFileSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';

export interface TestPki {
  dir: string;
  caPem: string;
  caFile: string;
  serverKey: string;
  serverCert: string;
  clientPemFile: string;
  clientPfxFile: string;
  clientPfxPassword: string;
}

export function makePki(): TestPki {
  const dir = mkdtempSync(join(tmpdir(), 'junction-arm-pki-'));
  const run = (...args: string[]) => execFileSync('openssl', args, { cwd: dir, stdio: 'pipe' });
  run('req', '-x509', '-newkey', 'rsa:2048', '-nodes', '-keyout', 'ca.key', '-out', 'ca.pem', '-days', '2', '-subj', '/CN=Junction Test ARM CA', '-addext', 'basicConstraints=critical,CA:TRUE', '-addext', 'keyUsage=critical,keyCertSign,cRLSign');
  run('req', '-newkey', 'rsa:2048', '-nodes', '-keyout', 'server.key', '-out', 'server.csr', '-subj', '/CN=127.0.0.1');
  writeFileSync(join(dir, 'ext.cnf'), 'subjectAltName=IP:127.0.0.1\nextendedKeyUsage=serverAuth\n');
  run('x509', '-req', '-in', 'server.csr', '-CA', 'ca.pem', '-CAkey', 'ca.key', '-CAcreateserial', '-out', 'server.pem', '-days', '2', '-extfile', 'ext.cnf');
  run('req', '-x509', '-newkey', 'rsa:2048', '-nodes', '-keyout', 'client.key', '-out', 'client.crt', '-days', '2', '-subj', '/CN=junction-sp');
  writeFileSync(join(dir, 'client.pem'), readFileSync(join(dir, 'client.key'), 'utf8') + readFileSync(join(dir, 'client.crt'), 'utf8'));
  run('pkcs12', '-export', '-inkey', 'client.key', '-in', 'client.crt', '-out', 'client.pfx', '-passout', 'pass:pfx-pass');
  return {
    dir,
    caPem: readFileSync(join(dir, 'ca.pem'), 'utf8'),
    caFile: join(dir, 'ca.pem'),
    serverKey: readFileSync(join(dir, 'server.key'), 'utf8'),
    serverCert: readFileSync(join(dir, 'server.pem'), 'utf8'),
    clientPemFile: join(dir, 'client.pem'),
    clientPfxFile: join(dir, 'client.pfx'),
    clientPfxPassword: 'pfx-pass',
  };
}
