import { webcrypto } from "node:crypto";
import { x509 } from "../../src/certs/x509.js";

/** Test certificates, generated with WebCrypto at fixed dates (no key material is committed). */
export type KeyKind = "rsa2048" | "rsa1024" | "p256" | "p384";
export type Made = { cert: x509.X509Certificate; keys: CryptoKeyPair; pem: string };
type CryptoKeyPair = { privateKey: unknown; publicKey: unknown };

function algorithm(kind: KeyKind, hash: string) {
  if (kind === "p256") return { name: "ECDSA", namedCurve: "P-256", hash };
  if (kind === "p384") return { name: "ECDSA", namedCurve: "P-384", hash };
  return {
    name: "RSASSA-PKCS1-v1_5",
    hash,
    publicExponent: new Uint8Array([1, 0, 1]),
    modulusLength: kind === "rsa1024" ? 1024 : 2048,
  };
}

export type CertSpec = {
  subject: string;
  notBefore: string;
  notAfter: string;
  key?: KeyKind;
  hash?: "SHA-256" | "SHA-1";
  ca?: boolean;
  dns?: string[] | undefined;
  /** Signed by this certificate's key (default: self-signed). */
  issuer?: Made;
  serial?: string;
};

export async function makeCert(spec: CertSpec): Promise<Made> {
  const kind = spec.key ?? "p256";
  const alg = algorithm(kind, spec.hash ?? "SHA-256");
  const keys = (await webcrypto.subtle.generateKey(alg as never, true, ["sign", "verify"])) as unknown as CryptoKeyPair;
  const extensions: x509.Extension[] = [new x509.BasicConstraintsExtension(spec.ca === true, undefined, true)];
  if (spec.dns)
    extensions.push(new x509.SubjectAlternativeNameExtension(spec.dns.map((value) => ({ type: "dns", value }))));
  const issuer = spec.issuer;
  const signingAlgorithm = issuer
    ? { ...(issuer.cert.publicKey.algorithm as object), hash: spec.hash ?? "SHA-256" }
    : alg;
  const cert = await x509.X509CertificateGenerator.create({
    serialNumber: spec.serial ?? "01",
    subject: spec.subject,
    issuer: issuer ? issuer.cert.subject : spec.subject,
    notBefore: new Date(spec.notBefore),
    notAfter: new Date(spec.notAfter),
    publicKey: keys.publicKey as never,
    signingKey: (issuer ? issuer.keys.privateKey : keys.privateKey) as never,
    signingAlgorithm: signingAlgorithm as never,
    extensions,
  });
  return { cert, keys, pem: cert.toString("pem") };
}
