// `cert new` on the host side: native key generation, forge certificate and PFX, atomic writes. The private
// key is written only inside the password-protected PFX; the .cer and .pem are public.
import { join } from 'node:path';
import forge from 'node-forge';
import { writeFileAtomic } from '../services/atomic-write';
import { buildCertificate, certificateDer, type CertSpec, type IssuerMaterial } from '../../shared/pki/build';
import { buildPfx, type PfxProfile } from '../../shared/pki/pkcs12';
import { windowsThumbprint, fromBinary } from '../../shared/pki/bytes';
import { generateRsaKeyPair } from './keys';

export interface CreateRequest {
  spec: CertSpec;
  keySize: number;
  issuer?: IssuerMaterial & { chain: forge.pki.Certificate[] };
  profile: PfxProfile;
  password: string;
  outDir: string;
  name: string;
  friendlyName?: string;
}

export interface CreateResult {
  thumbprint: string;
  serialNumber: string;
  files: { cer: string; pem: string; pfx: string };
}

/** Builds everything in memory; no file is written until all of it succeeded. */
export async function createCertificateMaterial(req: Omit<CreateRequest, 'outDir' | 'name'>): Promise<{ der: Uint8Array; pem: string; pfx: Uint8Array; thumbprint: string; serialNumber: string }> {
  const { privateKey, publicKey } = await generateRsaKeyPair(req.keySize);
  const cert = buildCertificate(req.spec, publicKey, privateKey, req.issuer);
  const der = fromBinary(certificateDer(cert));
  const pfx = buildPfx({
    key: privateKey,
    chain: [cert, ...(req.issuer?.chain ?? [])],
    password: req.password,
    profile: req.profile,
    ...(req.friendlyName ? { friendlyName: req.friendlyName } : {}),
  });
  return { der, pem: forge.pki.certificateToPem(cert), pfx, thumbprint: windowsThumbprint(der), serialNumber: cert.serialNumber.toUpperCase() };
}

export async function createCertificateFiles(req: CreateRequest): Promise<CreateResult> {
  const m = await createCertificateMaterial(req);
  const files = { cer: join(req.outDir, `${req.name}.cer`), pem: join(req.outDir, `${req.name}.pem`), pfx: join(req.outDir, `${req.name}.pfx`) };
  await writeFileAtomic(files.pfx, m.pfx, 0o600);
  await writeFileAtomic(files.cer, m.der);
  await writeFileAtomic(files.pem, m.pem);
  return { thumbprint: m.thumbprint, serialNumber: m.serialNumber, files };
}
