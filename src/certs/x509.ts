import "reflect-metadata";
import { webcrypto } from "node:crypto";
import * as x509 from "@peculiar/x509";
import { InputError, type InputProblem } from "../errors/input-error.js";
import type { SourceRef } from "../model/source-ref.js";

x509.cryptoProvider.set(webcrypto as unknown as Parameters<typeof x509.cryptoProvider.set>[0]);

export { x509 };

/** One certificate read from PEM: the parsed certificate, where it came from, and its place in its bundle. */
export type ParsedCert = {
  readonly cert: x509.X509Certificate;
  readonly source: SourceRef;
  /** Position in its PEM bundle (0 = the first, the served certificate of a TLS Secret or chain file). */
  readonly index: number;
  /** How many certificates its bundle holds. */
  readonly bundleSize: number;
  /** "secret": a Secret's tls.crt (its first certificate is served); "file": a PEM file. */
  readonly origin: "secret" | "file";
};

const BLOCK = /-----BEGIN CERTIFICATE-----[\s\S]*?-----END CERTIFICATE-----/g;

/**
 * Every CERTIFICATE block of a PEM text. A block that does not parse, or a text with no block, is a problem naming
 * the file and the block's line (for a Secret: the object's line). Other PEM blocks (keys) are skipped.
 */
export function parsePem(
  pem: string,
  source: SourceRef,
  origin: ParsedCert["origin"],
  problems: InputProblem[],
): ParsedCert[] {
  const blocks = [...pem.matchAll(BLOCK)];
  if (blocks.length === 0) {
    problems.push({
      code: "no-certificate",
      message: "no PEM CERTIFICATE block found",
      file: source.file,
      line: source.line,
    });
    return [];
  }
  const out: ParsedCert[] = [];
  blocks.forEach((m, index) => {
    const line = origin === "file" ? pem.slice(0, m.index).split("\n").length : source.line;
    try {
      const cert = new x509.X509Certificate(m[0]);
      out.push({ cert, source: { ...source, line }, index, bundleSize: blocks.length, origin });
    } catch (error) {
      const reason = error instanceof Error ? error.message : String(error);
      problems.push({
        code: "invalid-certificate",
        message: `certificate ${index + 1} does not parse: ${reason}`,
        file: source.file,
        line,
      });
    }
  });
  return out;
}

export function throwIfProblems(problems: readonly InputProblem[]): void {
  if (problems.length > 0) throw new InputError(problems);
}

/** The key algorithm and size: RSA modulus bits, or the EC curve's bits. */
export function keyInfo(cert: x509.X509Certificate): { algorithm: string; bits: number | undefined } {
  const alg = cert.publicKey.algorithm as { name: string; modulusLength?: number; namedCurve?: string };
  if (alg.name.startsWith("RSA")) return { algorithm: "RSA", bits: alg.modulusLength };
  if (alg.name === "ECDSA" || alg.name === "ECDH") {
    const curve = alg.namedCurve ?? "";
    const bits = { "P-256": 256, "P-384": 384, "P-521": 521, "K-256": 256 }[curve];
    return { algorithm: `EC ${curve}`, bits };
  }
  return { algorithm: alg.name, bits: undefined };
}

export function signatureHash(cert: x509.X509Certificate): string {
  const alg = cert.signatureAlgorithm as { name: string; hash?: { name: string } | string };
  const hash = typeof alg.hash === "string" ? alg.hash : alg.hash?.name;
  return hash ?? alg.name;
}

export function sans(cert: x509.X509Certificate): string[] | undefined {
  const ext = cert.getExtension(x509.SubjectAlternativeNameExtension);
  if (ext === null) return undefined;
  return ext.names.toJSON().map((n) => `${n.type === "dns" ? "DNS" : n.type === "ip" ? "IP" : n.type}:${n.value}`);
}

export function isCa(cert: x509.X509Certificate): boolean {
  return cert.getExtension(x509.BasicConstraintsExtension)?.ca === true;
}

/** Does `issuer`'s key verify `cert`'s signature? */
export async function signedBy(cert: x509.X509Certificate, issuer: x509.X509Certificate): Promise<boolean> {
  try {
    return await cert.verify({ publicKey: issuer.publicKey, signatureOnly: true });
  } catch {
    return false;
  }
}
