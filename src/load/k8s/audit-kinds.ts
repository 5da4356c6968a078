import { z } from "zod";
import type { FailureAction, ImageVerification } from "../../model/admission.js";
import type { SourceRef } from "../../model/source-ref.js";
import type { CertIssuer, ManagedCertificate, PemSource, TlsEndpoint, TlsInputs, TlsSetting } from "../../model/tls.js";
import type { Diagnostics, Site } from "../diagnostics.js";
import { DEFAULT_NAMESPACE } from "./metadata.js";
import { type RawObject, stripNulls } from "./objects.js";
import { parseObject } from "./parse-object.js";

/**
 * Kinds read only for `ward audit` and `ward certs`: Kyverno image verification, cert-manager Certificates and
 * Issuers, TLS Secrets, and the TLS side of Ingresses and Gateways. Each is reduced here to src/model/admission.ts
 * and src/model/tls.ts; unknown fields are accepted (these CRDs are large and Ward reads a few fields).
 */
export class AuditKinds {
  readonly admission: ImageVerification[] = [];
  readonly secrets: PemSource[] = [];
  readonly certificates: ManagedCertificate[] = [];
  readonly issuers: CertIssuer[] = [];
  readonly endpoints: TlsEndpoint[] = [];
  readonly settings: TlsSetting[] = [];
  readonly annotations = new Map<string, Readonly<Record<string, string>>>();

  /** Reads the object when it is one of these kinds; true when it was taken (so it is not an ignored kind). */
  take(obj: RawObject, diag: Diagnostics): boolean {
    const group = obj.apiVersion?.split("/")[0] ?? "";
    const kind = obj.kind;
    const reader =
      (group === "kyverno.io" && (kind === "ClusterPolicy" || kind === "Policy") && this.kyverno) ||
      (group === "cert-manager.io" && kind === "Certificate" && this.certificate) ||
      (group === "cert-manager.io" && (kind === "Issuer" || kind === "ClusterIssuer") && this.issuer) ||
      (kind === "Secret" && this.secret) ||
      (kind === "ConfigMap" && this.configMap) ||
      (kind === "Ingress" && group === "networking.k8s.io" && this.ingress) ||
      (kind === "Gateway" && group === "gateway.networking.k8s.io" && this.gatewayApi) ||
      (kind === "Gateway" && group === "networking.istio.io" && this.istioGateway) ||
      undefined;
    if (reader === undefined) return false;
    stripNulls(obj.value);
    return reader.call(this, obj, diag);
  }

  tls(): TlsInputs {
    return {
      secrets: this.secrets,
      certificates: this.certificates,
      issuers: this.issuers,
      endpoints: this.endpoints,
      settings: this.settings,
    };
  }

  private kyverno(obj: RawObject, diag: Diagnostics): boolean {
    const site = siteOf(obj);
    const data = parseObject(kyvernoSchema, obj.value, diag, site);
    if (data === undefined) return true;
    const source = refOf(obj, data.metadata, obj.kind === "Policy");
    this.note(source, data.metadata);
    // Kyverno: spec.validationFailureAction (deprecated) or per rule `failureAction`; default Audit (kyverno.io docs,
    // "Validate Rules"); the CRD accepts audit/enforce in either case.
    const policyAction = data.spec.validationFailureAction;
    data.spec.rules?.forEach((rule, r) => {
      const verify = rule.verifyImages ?? [];
      const kinds = [...(rule.match?.resources?.kinds ?? [])];
      const namespaces: string[] = [...(rule.match?.resources?.namespaces ?? [])];
      let everyNamespace = rule.match?.resources !== undefined && namespaces.length === 0;
      for (const m of [...(rule.match?.any ?? []), ...(rule.match?.all ?? [])]) {
        kinds.push(...(m.resources?.kinds ?? []));
        const ns = m.resources?.namespaces ?? [];
        if (ns.length === 0) everyNamespace = true;
        namespaces.push(...ns);
      }
      verify.forEach((v, i) => {
        const at = ["spec", "rules", r, "verifyImages", i];
        const written = v.failureAction ?? policyAction;
        const action: FailureAction = written?.toLowerCase() === "enforce" ? "Enforce" : "Audit";
        const refs = [...(v.imageReferences ?? []), ...(v.image === undefined ? [] : [v.image])];
        if (refs.length === 0)
          diag.warn("no-image-references", "verifyImages entry has no imageReferences: it checks no image", site, at);
        const entry: ImageVerification = {
          policy: source,
          rule: rule.name ?? `rule ${r}`,
          namespace: obj.kind === "Policy" ? (source.namespace ?? DEFAULT_NAMESPACE) : "",
          imageReferences: refs,
          skipImageReferences: v.skipImageReferences ?? [],
          action,
          actionExplicit: written !== undefined,
          ...(everyNamespace || namespaces.length === 0 ? {} : { namespaces }),
          matchesPods: kinds.some((k) => POD_KINDS.has(k.split("/").at(-1) ?? k)),
          line: obj.locator.lineOf(at),
        };
        this.admission.push(entry);
      });
    });
    return true;
  }

  private certificate(obj: RawObject, diag: Diagnostics): boolean {
    const data = parseObject(certificateSchema, obj.value, diag, siteOf(obj));
    if (data === undefined) return true;
    const source = refOf(obj, data.metadata, true);
    this.note(source, data.metadata);
    const spec = data.spec;
    const ref = spec.issuerRef;
    const line = (...path: (string | number)[]) => obj.locator.lineOf(["spec", ...path]);
    this.certificates.push({
      source,
      ...(spec.secretName === undefined ? {} : { secretName: spec.secretName }),
      ...(ref?.name === undefined
        ? {}
        : {
            issuerRef: {
              name: ref.name,
              // cert-manager: issuerRef.kind defaults to Issuer, group to cert-manager.io (Certificate API reference).
              kind: ref.kind ?? "Issuer",
              group: ref.group ?? "cert-manager.io",
              line: line("issuerRef"),
            },
          }),
      ...(spec.duration === undefined ? {} : { duration: { text: spec.duration, line: line("duration") } }),
      ...(spec.renewBefore === undefined ? {} : { renewBefore: { text: spec.renewBefore, line: line("renewBefore") } }),
      dnsNames: spec.dnsNames ?? [],
    });
    return true;
  }

  private issuer(obj: RawObject, diag: Diagnostics): boolean {
    const data = parseObject(issuerSchema, obj.value, diag, siteOf(obj));
    if (data === undefined) return true;
    const source = refOf(obj, data.metadata, obj.kind === "Issuer");
    this.note(source, data.metadata);
    const spec = data.spec;
    const type = ISSUER_TYPES.find((t) => spec[t] !== undefined) ?? "unknown";
    const server = spec.acme?.server;
    this.issuers.push({
      source,
      type,
      ...(server === undefined
        ? {}
        : { acmeServer: { url: server, line: obj.locator.lineOf(["spec", "acme", "server"]) } }),
      labels: data.metadata?.labels ?? {},
    });
    return true;
  }

  private secret(obj: RawObject, diag: Diagnostics): boolean {
    const data = parseObject(secretSchema, obj.value, diag, siteOf(obj));
    if (data === undefined) return true;
    const source = refOf(obj, data.metadata, true);
    this.note(source, data.metadata);
    // A kubernetes.io/tls Secret holds tls.crt (base64 in data, plain in stringData).
    const encoded = data.data?.["tls.crt"];
    const plain = data.stringData?.["tls.crt"];
    let pem = plain;
    if (pem === undefined && encoded !== undefined) {
      if (!/^[A-Za-z0-9+/=\s]*$/.test(encoded)) {
        diag.error("invalid-base64", "data.tls.crt is not base64", siteOf(obj), ["data", "tls.crt"]);
        return true;
      }
      pem = Buffer.from(encoded, "base64").toString("utf8");
    }
    if (pem === undefined || pem.trim() === "") return false;
    this.secrets.push({ pem, source });
    return true;
  }

  private configMap(obj: RawObject, diag: Diagnostics): boolean {
    const data = parseObject(configMapSchema, obj.value, diag, siteOf(obj));
    if (data === undefined) return true;
    const source = refOf(obj, data.metadata, true);
    this.note(source, data.metadata);
    // ingress-nginx ConfigMap key `ssl-protocols` (default "TLSv1.2 TLSv1.3"; kubernetes.github.io/ingress-nginx).
    const protocols = data.data?.["ssl-protocols"];
    if (protocols === undefined) return false;
    this.settings.push({
      source,
      protocols: protocols.split(/\s+/).filter((p) => p !== ""),
      line: obj.locator.lineOf(["data", "ssl-protocols"]),
    });
    return true;
  }

  private ingress(obj: RawObject, diag: Diagnostics): boolean {
    const data = parseObject(ingressSchema, obj.value, diag, siteOf(obj));
    if (data === undefined) return false;
    const source = refOf(obj, data.metadata, true);
    this.note(source, data.metadata);
    const ns = source.namespace ?? DEFAULT_NAMESPACE;
    const spec = data.spec ?? {};
    const hosts = (spec.rules ?? []).map((r) => r.host ?? "*");
    const backends = new Set<string>();
    const service = spec.defaultBackend?.service?.name;
    if (service !== undefined) backends.add(`${ns}/${service}`);
    for (const r of spec.rules ?? [])
      for (const p of r.http?.paths ?? []) {
        const name = p.backend?.service?.name;
        if (name !== undefined) backends.add(`${ns}/${name}`);
      }
    const tlsHosts = (spec.tls ?? []).flatMap((t) => (t.hosts === undefined || t.hosts.length === 0 ? ["*"] : t.hosts));
    this.endpoints.push({
      source,
      hosts: hosts.length === 0 ? ["*"] : hosts,
      tlsHosts,
      // An Ingress always listens on HTTP as well; ingress-nginx redirects to HTTPS when TLS is set (ssl-redirect).
      plaintext: tlsHosts.length === 0,
      backends: [...backends],
    });
    return false; // the cluster layer reads Ingresses too
  }

  private gatewayApi(obj: RawObject, diag: Diagnostics): boolean {
    const data = parseObject(gatewayApiSchema, obj.value, diag, siteOf(obj));
    if (data === undefined) return false;
    const source = refOf(obj, data.metadata, true);
    this.note(source, data.metadata);
    const listeners = data.spec?.listeners ?? [];
    // Gateway API: protocol HTTPS / TLS listeners terminate or pass TLS; HTTP listeners are plaintext.
    const secure = listeners.filter((l) => l.protocol === "HTTPS" || l.protocol === "TLS");
    this.endpoints.push({
      source,
      hosts: listeners.map((l) => l.hostname ?? "*"),
      tlsHosts: secure.map((l) => l.hostname ?? "*"),
      plaintext: listeners.some((l) => l.protocol === "HTTP"),
      backends: [],
    });
    return false;
  }

  private istioGateway(obj: RawObject, diag: Diagnostics): boolean {
    const data = parseObject(istioGatewaySchema, obj.value, diag, siteOf(obj));
    if (data === undefined) return true;
    const source = refOf(obj, data.metadata, true);
    this.note(source, data.metadata);
    const servers = data.spec?.servers ?? [];
    const secure = servers.filter((s) => s.tls !== undefined && s.tls.httpsRedirect !== true);
    const hosts = servers.flatMap((s) => s.hosts ?? ["*"]);
    let minTlsVersion: TlsEndpoint["minTlsVersion"];
    servers.forEach((s, i) => {
      // Istio ServerTLSSettings.minProtocolVersion: TLS_AUTO (1.2 for gateways), TLSV1_0 … TLSV1_3.
      const v = s.tls?.minProtocolVersion;
      const version = v === undefined ? undefined : ISTIO_TLS[v];
      if (version === undefined) return;
      if (minTlsVersion === undefined || version < minTlsVersion.version)
        minTlsVersion = { version, line: obj.locator.lineOf(["spec", "servers", i, "tls", "minProtocolVersion"]) };
    });
    this.endpoints.push({
      source,
      hosts,
      tlsHosts: secure.flatMap((s) => s.hosts ?? ["*"]),
      plaintext: servers.some((s) => s.tls === undefined && (s.port?.protocol ?? "HTTP").toUpperCase() === "HTTP"),
      ...(minTlsVersion === undefined ? {} : { minTlsVersion }),
      backends: [],
    });
    return true;
  }

  private note(ref: SourceRef, meta: { annotations?: Record<string, string> | undefined } | undefined): void {
    if (meta?.annotations !== undefined) this.annotations.set(objectKey(ref), meta.annotations);
  }
}

/** The key of an object in Model.annotations: kind/namespace/name ("" namespace for cluster-scoped kinds). */
export function objectKey(ref: { kind: string; namespace?: string | undefined; name: string }): string {
  return `${ref.kind}/${ref.namespace ?? ""}/${ref.name}`;
}

const POD_KINDS = new Set([
  "Pod",
  "Deployment",
  "StatefulSet",
  "DaemonSet",
  "ReplicaSet",
  "ReplicationController",
  "Job",
  "CronJob",
]);
const ISSUER_TYPES = ["acme", "ca", "selfSigned", "vault", "venafi"] as const;
const ISTIO_TLS: Record<string, string> = {
  TLS_AUTO: "1.2",
  TLSV1_0: "1.0",
  TLSV1_1: "1.1",
  TLSV1_2: "1.2",
  TLSV1_3: "1.3",
};

function siteOf(obj: RawObject): Site {
  return { file: obj.file, locator: obj.locator };
}

function refOf(
  obj: RawObject,
  meta: { name?: string | undefined; namespace?: string | undefined } | undefined,
  namespaced: boolean,
): SourceRef {
  const name = meta?.name ?? "<unnamed>";
  return namespaced
    ? { kind: obj.kind, name, namespace: meta?.namespace || DEFAULT_NAMESPACE, file: obj.file, line: obj.line }
    : { kind: obj.kind, name, file: obj.file, line: obj.line };
}

const meta = z
  .looseObject({
    name: z.string().optional(),
    namespace: z.string().optional(),
    labels: z.record(z.string(), z.string()).optional(),
    annotations: z.record(z.string(), z.string()).optional(),
  })
  .optional();

const resources = z
  .looseObject({ kinds: z.array(z.string()).optional(), namespaces: z.array(z.string()).optional() })
  .optional();
const filters = z.array(z.looseObject({ resources })).optional();
const failureAction = z.string().regex(/^(audit|enforce|Audit|Enforce)$/, "expected Audit or Enforce");

const kyvernoSchema = z.looseObject({
  metadata: meta,
  spec: z.looseObject({
    validationFailureAction: failureAction.optional(),
    rules: z
      .array(
        z.looseObject({
          name: z.string().optional(),
          match: z.looseObject({ any: filters, all: filters, resources }).optional(),
          verifyImages: z
            .array(
              z.looseObject({
                imageReferences: z.array(z.string()).optional(),
                image: z.string().optional(),
                skipImageReferences: z.array(z.string()).optional(),
                failureAction: failureAction.optional(),
              }),
            )
            .optional(),
        }),
      )
      .optional(),
  }),
});

const certificateSchema = z.looseObject({
  metadata: meta,
  spec: z.looseObject({
    secretName: z.string().optional(),
    issuerRef: z
      .looseObject({ name: z.string().optional(), kind: z.string().optional(), group: z.string().optional() })
      .optional(),
    duration: z.string().optional(),
    renewBefore: z.string().optional(),
    dnsNames: z.array(z.string()).optional(),
  }),
});

const issuerSchema = z.looseObject({
  metadata: meta,
  spec: z.looseObject({
    acme: z.looseObject({ server: z.string().optional() }).optional(),
    ca: z.unknown().optional(),
    selfSigned: z.unknown().optional(),
    vault: z.unknown().optional(),
    venafi: z.unknown().optional(),
  }),
});

const secretSchema = z.looseObject({
  metadata: meta,
  type: z.string().optional(),
  data: z.record(z.string(), z.string()).optional(),
  stringData: z.record(z.string(), z.string()).optional(),
});

const configMapSchema = z.looseObject({ metadata: meta, data: z.record(z.string(), z.string()).optional() });

const serviceBackend = z.looseObject({ service: z.looseObject({ name: z.string().optional() }).optional() }).optional();
const ingressSchema = z.looseObject({
  metadata: meta,
  spec: z
    .looseObject({
      defaultBackend: serviceBackend,
      tls: z.array(z.looseObject({ hosts: z.array(z.string()).optional() })).optional(),
      rules: z
        .array(
          z.looseObject({
            host: z.string().optional(),
            http: z.looseObject({ paths: z.array(z.looseObject({ backend: serviceBackend })).optional() }).optional(),
          }),
        )
        .optional(),
    })
    .optional(),
});

const gatewayApiSchema = z.looseObject({
  metadata: meta,
  spec: z
    .looseObject({
      listeners: z
        .array(z.looseObject({ protocol: z.string().optional(), hostname: z.string().optional() }))
        .optional(),
    })
    .optional(),
});

const istioGatewaySchema = z.looseObject({
  metadata: meta,
  spec: z
    .looseObject({
      servers: z
        .array(
          z.looseObject({
            hosts: z.array(z.string()).optional(),
            port: z.looseObject({ protocol: z.string().optional() }).optional(),
            tls: z
              .looseObject({ httpsRedirect: z.boolean().optional(), minProtocolVersion: z.string().optional() })
              .optional(),
          }),
        )
        .optional(),
    })
    .optional(),
});
