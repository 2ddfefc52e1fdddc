// node-forge speaks "binary strings" (one char per byte); the rest of Junction speaks Uint8Array. These are the
// only two conversions, so a stray UTF-8 re-encoding of DER bytes cannot creep in anywhere else.
import forge from 'node-forge';

export function toBinary(bytes: Uint8Array): string {
  return forge.util.binary.raw.encode(bytes);
}

export function fromBinary(s: string): Uint8Array {
  return forge.util.binary.raw.decode(s);
}

/** SHA-1 of the DER certificate as Windows shows it in the Thumbprint field: 40 uppercase hex digits. */
export function windowsThumbprint(der: Uint8Array): string {
  const md = forge.md.sha1.create();
  md.update(toBinary(der));
  return md.digest().toHex().toUpperCase();
}
