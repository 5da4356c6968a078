import type { SourceRef } from "./source-ref.js";

/** A certificate's PEM text with where it came from (a PEM file, or a Secret's tls.crt). */
export type PemSource = {
  readonly pem: string;
  readonly source: SourceRef;
};

/** A cert-manager Certificate (cert-manager.io/v1), as far as Ward checks it. */
export type ManagedCertificate = {
  readonly source: SourceRef;
  readonly secretName?: string;
  readonly issuerRef?: { readonly name: string; readonly kind: string; readonly group: string; readonly line: number };
  /** Go duration strings as written ("2160h", "720h0m0s"), with their lines. */
  readonly duration?: { readonly text: string; readonly line: number };
  readonly renewBefore?: { readonly text: string; readonly line: number };
  readonly dnsNames: readonly string[];
};

/** A cert-manager Issuer or ClusterIssuer. */
export type CertIssuer = {
  readonly source: SourceRef;
  /** acme, ca, selfSigned, vault, venafi, or "unknown". */
  readonly type: string;
  readonly acmeServer?: { readonly url: string; readonly line: number };
  readonly labels: Readonly<Record<string, string>>;
};

/** A TLS entry point: an Ingress, a Gateway API Gateway or an Istio Gateway, and how it terminates TLS. */
export type TlsEndpoint = {
  readonly source: SourceRef;
  /** The host names it serves (Ingress rules' hosts, listener hostnames); "*" when none is given. */
  readonly hosts: readonly string[];
  /** Hosts covered by a TLS configuration; "*" covers every host. */
  readonly tlsHosts: readonly string[];
  /** True when it serves plain HTTP that is not redirected (an Ingress always serves :80 too). */
  readonly plaintext: boolean;
  /** Minimum TLS version where the object configures one ("1.0", "1.1", "1.2", "1.3"), with its line. */
  readonly minTlsVersion?: { readonly version: string; readonly line: number };
  /** Services it sends traffic to (namespace/name). */
  readonly backends: readonly string[];
};

/** An ingress controller's global TLS setting (ingress-nginx ConfigMap `ssl-protocols`). */
export type TlsSetting = {
  readonly source: SourceRef;
  readonly protocols: readonly string[];
  readonly line: number;
};

/** Everything about TLS and admission the loaders found, for `ward audit` and `ward certs`. */
export type TlsInputs = {
  readonly secrets: readonly PemSource[];
  readonly certificates: readonly ManagedCertificate[];
  readonly issuers: readonly CertIssuer[];
  readonly endpoints: readonly TlsEndpoint[];
  readonly settings: readonly TlsSetting[];
};
