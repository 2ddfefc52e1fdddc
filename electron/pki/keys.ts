// RSA keys from Node's native crypto (node-forge's pure-JS generator takes seconds for 2048 bits), handed to
// node-forge as key objects. The private key lives only in memory until it is sealed inside a PFX.
import { generateKeyPair } from 'node:crypto';
import { promisify } from 'node:util';
import forge from 'node-forge';

const generate = promisify(generateKeyPair);

const big = (b64url: string | undefined) => new forge.jsbn.BigInteger(Buffer.from(b64url ?? '', 'base64url').toString('hex'), 16);

export interface ForgeKeyPair {
  privateKey: forge.pki.rsa.PrivateKey;
  publicKey: forge.pki.rsa.PublicKey;
}

export async function generateRsaKeyPair(bits: number): Promise<ForgeKeyPair> {
  const { privateKey } = await generate('rsa', { modulusLength: bits, publicExponent: 0x10001 });
  const j = privateKey.export({ format: 'jwk' });
  const n = big(j.n);
  const e = big(j.e);
  return {
    privateKey: forge.pki.setRsaPrivateKey(n, e, big(j.d), big(j.p), big(j.q), big(j.dp), big(j.dq), big(j.qi)),
    publicKey: forge.pki.setRsaPublicKey(n, e),
  };
}
