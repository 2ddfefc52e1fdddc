// node-forge functions that exist at runtime but are missing from @types/node-forge, typed once here.
import forge from 'node-forge';

interface ForgeExtra {
  certificateExtensionFromAsn1(ext: forge.asn1.Asn1): Record<string, unknown> & { id: string; value: string };
  RDNAttributesAsArray(rdn: forge.asn1.Asn1): { type: string; value: unknown; name?: string; shortName?: string }[];
  fromDer(der: string, options: { strict?: boolean; parseAllBytes?: boolean; decodeBitStrings?: boolean }): forge.asn1.Asn1;
  byteBuffer(bytes: string): forge.util.ByteStringBuffer;
}

export const forgeExtra: ForgeExtra = {
  certificateExtensionFromAsn1: (ext) => (forge.pki as unknown as ForgeExtra).certificateExtensionFromAsn1(ext),
  RDNAttributesAsArray: (rdn) => (forge.pki as unknown as ForgeExtra).RDNAttributesAsArray(rdn),
  fromDer: (der, options) => (forge.asn1.fromDer as unknown as (d: string, o: object) => forge.asn1.Asn1)(der, options),
  byteBuffer: (bytes) => forge.util.createBuffer(bytes, 'raw'),
};
