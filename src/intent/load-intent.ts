import { readFile } from "node:fs/promises";
import { InputError, type InputProblem } from "../errors/input-error.js";
import { Diagnostics, type Site } from "../load/diagnostics.js";
import { parseObject } from "../load/k8s/parse-object.js";
import { checkLabels, checkPortName, checkPortNumber, isDns1123Label } from "../load/k8s/validate-common.js";
import type { Path } from "../load/positions.js";
import { STDIN_NAME } from "../load/read-inputs.js";
import { parseDocuments } from "../load/yaml-documents.js";
import { CidrError, parseCidr } from "../model/cidr.js";
import type { LabelSelector } from "../model/labels.js";
import type { PortSpec, Protocol } from "../model/ports.js";
import type { Intent, IntentPath, IntentPeer, WorkloadRef } from "./intent.js";
import { intentSchema, type PeerData, type PortData } from "./schema.js";

/** Reads and checks a ward.yaml; every problem names file:line, then one InputError carries them all. */
export async function loadIntent(path: string, stdin?: () => Promise<string>): Promise<Intent> {
  let text: string;
  try {
    text = path === "-" && stdin ? await stdin() : await readFile(path, "utf8");
  } catch (error) {
    const code = (error as NodeJS.ErrnoException).code;
    const message = code === "ENOENT" ? `no such file: ${path}` : `cannot read ${path}: ${String(error)}`;
    throw new InputError([{ code: code === "ENOENT" ? "not-found" : "unreadable", message, file: path, line: 0 }]);
  }
  return parseIntent(path === "-" ? STDIN_NAME : path, text);
}

export function parseIntent(file: string, text: string): Intent {
  const parsed = parseDocuments({ file, text });
  if (parsed.problems.length > 0) throw new InputError(parsed.problems);
  const [doc, extra] = parsed.documents;
  if (doc === undefined)
    throw new InputError([{ code: "empty-intent", message: "the intent file is empty", file, line: 1 }]);
  if (extra !== undefined)
    throw new InputError([
      { code: "multiple-documents", message: "an intent file holds one document", file, line: extra.line },
    ]);
  const diag = new Diagnostics();
  const site: Site = { file, locator: doc.locator };
  const data = parseObject(intentSchema, doc.value, diag, site);
  // An unknown field in an intent changes what it means (a misspelt "ports" would allow every port): an error here.
  const problems: InputProblem[] = [
    ...diag.warnings.map((w) => ({ code: w.code, message: w.message.replace(": ignored", ""), file, line: w.line })),
    ...diag.problems.map(missingUnion),
  ];
  problems.sort((a, b) => a.line - b.line || a.code.localeCompare(b.code));
  if (data === undefined || problems.length > 0) throw new InputError(problems);

  const named = new Map<string, WorkloadRef>();
  for (const [name, ref] of Object.entries(data.workloads ?? {})) {
    const r = workloadRef(ref, diag, site, ["workloads", name]);
    if (r) named.set(name, r);
  }
  data.namespaces?.forEach((ns, i) => {
    checkNamespace(ns, diag, site, ["namespaces", i]);
  });
  const paths: IntentPath[] = [];
  (data.paths ?? []).forEach((p, i) => {
    const at: Path = ["paths", i];
    const before = diag.errorCount;
    const from = peer(p.from, named, diag, site, [...at, "from"]);
    const to = peer(p.to, named, diag, site, [...at, "to"]);
    if (from?.kind === "fqdn")
      diag.error("fqdn-source", "an fqdn names a destination; a path cannot start from one", site, [...at, "from"]);
    const ports = p.ports === "all" ? "all" : p.ports.map((e, j) => portSpec(e, diag, site, [...at, "ports", j]));
    if (p.identity && (to?.kind === "cidr" || to?.kind === "fqdn"))
      diag.error("identity-external", "an external destination cannot check a client identity", site, [
        ...at,
        "identity",
      ]);
    // Istio value matching (istio.io/latest/docs/concepts/security/#value-matching): `*` only as a whole value, a
    // prefix ("/api/*") or a suffix ("*.json"); elsewhere it would be a literal to Istio and a wildcard to Cilium.
    (p.http?.paths ?? []).forEach((v, j) => {
      const inner = v.length > 1 ? v.slice(1, -1) : "";
      if (!v.startsWith("/") && !v.startsWith("*"))
        diag.error("invalid-http-path", `"${v}" is not a URL path: start it with "/" (or "*" for a suffix)`, site, [
          ...at,
          "http",
          "paths",
          j,
        ]);
      else if (inner.includes("*") || (v.length > 1 && v.startsWith("*") && v.endsWith("*")))
        diag.error(
          "invalid-http-path",
          `"${v}": "*" is allowed only alone, at the end (a prefix, "/api/*") or at the start (a suffix, "*.json")`,
          site,
          [...at, "http", "paths", j],
        );
    });
    (p.http?.methods ?? []).forEach((m, j) => {
      // RFC 9110 §9.1: a method is a token (no spaces or separators); compared case-sensitively.
      if (!/^[!#$%&'*+.^_`|~0-9A-Za-z-]+$/.test(m))
        diag.error("invalid-http-method", `"${m}" is not an HTTP method token`, site, [...at, "http", "methods", j]);
    });
    if (from === undefined || to === undefined || from.kind === "fqdn" || diag.errorCount > before) return;
    paths.push({
      index: i,
      name: p.name ?? `${from.label} → ${to.label}`,
      from,
      to,
      ports: ports === "all" ? "all" : ports.filter((x): x is PortSpec => x !== undefined),
      ...(p.http ? { http: { methods: p.http.methods ?? [], paths: p.http.paths ?? [] } } : {}),
      ...(p.identity ? { identity: p.identity } : {}),
      file,
      line: doc.locator.lineOf(at),
    });
  });
  if (diag.problems.length > 0) throw new InputError(diag.problems);
  return {
    file,
    namespaces: data.namespaces,
    deny: data.defaults?.deny ?? true,
    dns: data.defaults?.dns ?? true,
    paths,
  };
}

/** A missing field whose schema is a union comes back as a type error about `undefined`: say it is missing. */
function missingUnion(p: InputProblem): InputProblem {
  if (p.code !== "invalid-type" || !p.message.endsWith("got undefined undefined")) return p;
  const field = p.path?.split(".").at(-1) ?? "field";
  return { ...p, code: "missing-field", message: `required field "${field}" is missing` };
}

function checkNamespace(ns: string, diag: Diagnostics, site: Site, path: Path): boolean {
  if (isDns1123Label(ns)) return true;
  diag.error("invalid-namespace", `"${ns}" is not a valid namespace name`, site, path);
  return false;
}

function checkId(id: string, diag: Diagnostics, site: Site, path: Path): boolean {
  const parts = id.split("/");
  if (parts.length === 2 && parts[0] && parts[1] && isDns1123Label(parts[0])) return true;
  diag.error("invalid-id", `"${id}" is not a workload id <namespace>/<name>`, site, path);
  return false;
}

function selectorOf(labels: Record<string, string> | undefined): LabelSelector {
  return { matchLabels: { ...(labels ?? {}) }, matchExpressions: [] };
}

function workloadRef(
  data: { id?: string | undefined; namespace?: string | undefined; selector?: Record<string, string> | undefined },
  diag: Diagnostics,
  site: Site,
  path: Path,
): WorkloadRef | undefined {
  if (data.id !== undefined) {
    if (data.namespace !== undefined || data.selector !== undefined) {
      diag.error("ambiguous-peer", "give either id, or namespace with an optional selector", site, path);
      return undefined;
    }
    return checkId(data.id, diag, site, [...path, "id"]) ? { kind: "id", id: data.id } : undefined;
  }
  if (data.namespace === undefined) {
    diag.error("missing-field", "a workload reference needs id, or namespace (with an optional selector)", site, path);
    return undefined;
  }
  if (!checkNamespace(data.namespace, diag, site, [...path, "namespace"])) return undefined;
  if (data.selector) checkLabels(data.selector, diag, site, [...path, "selector"]);
  return { kind: "selector", namespace: data.namespace, selector: selectorOf(data.selector) };
}

function refLabel(ref: WorkloadRef): string {
  if (ref.kind === "id") return ref.id;
  const labels = Object.entries(ref.selector.matchLabels).map(([k, v]) => `${k}=${v}`);
  return labels.length === 0 ? `${ref.namespace}/*` : `${ref.namespace}/{${labels.join(",")}}`;
}

// A DNS name of labels (letters, digits, "-", "_"), optionally led by "*." (every sub-domain, never the name itself).
const FQDN = /^(\*\.)?([a-z0-9_](?:[-a-z0-9_]{0,61}[a-z0-9_])?\.)*[a-z0-9_](?:[-a-z0-9_]{0,61}[a-z0-9_])?\.?$/i;

function peer(
  data: string | PeerData,
  named: Map<string, WorkloadRef>,
  diag: Diagnostics,
  site: Site,
  path: Path,
): IntentPeer | undefined {
  if (typeof data === "string") {
    const ref = named.get(data);
    if (ref) return { kind: "workloads", ref, label: data };
    if (data.includes("/") && checkId(data, diag, site, path))
      return { kind: "workloads", ref: { kind: "id", id: data }, label: data };
    if (!data.includes("/"))
      diag.error(
        "unknown-workload",
        `"${data}" is not a name under workloads, nor a workload id <namespace>/<name>`,
        site,
        path,
      );
    return undefined;
  }
  const given = (["workload", "id", "namespace", "cidr", "fqdn"] as const).filter((k) => data[k] !== undefined);
  if (given.length !== 1) {
    diag.error(
      "ambiguous-peer",
      given.length === 0
        ? "a peer needs one of workload, id, namespace, cidr or fqdn"
        : `a peer is exactly one of workload, id, namespace, cidr or fqdn; got ${given.join(" and ")}`,
      site,
      path,
    );
    return undefined;
  }
  if (data.selector !== undefined && data.namespace === undefined) {
    diag.error("selector-without-namespace", "selector needs namespace", site, [...path, "selector"]);
    return undefined;
  }
  if (data.workload !== undefined) {
    const ref = named.get(data.workload);
    if (ref) return { kind: "workloads", ref, label: data.workload };
    diag.error("unknown-workload", `no workload named "${data.workload}" under workloads`, site, [...path, "workload"]);
    return undefined;
  }
  if (data.cidr !== undefined) {
    try {
      const cidr = parseCidr(data.cidr);
      return { kind: "cidr", cidr, label: cidr.text };
    } catch (e) {
      if (!(e instanceof CidrError)) throw e;
      diag.error("invalid-cidr", `invalid CIDR "${data.cidr}"`, site, [...path, "cidr"]);
      return undefined;
    }
  }
  if (data.fqdn !== undefined) {
    if (!FQDN.test(data.fqdn) || data.fqdn.length > 253) {
      diag.error("invalid-fqdn", `invalid DNS name "${data.fqdn}" (only a leading "*." wildcard is allowed)`, site, [
        ...path,
        "fqdn",
      ]);
      return undefined;
    }
    const fqdn = data.fqdn.toLowerCase().replace(/\.$/, "");
    return { kind: "fqdn", fqdn, label: fqdn };
  }
  const ref = workloadRef(data, diag, site, path);
  return ref && { kind: "workloads", ref, label: refLabel(ref) };
}

const PORT_TEXT = /^(?:(\d+)(?:-(\d+))?|([a-z0-9-]+))(?:\/(TCP|UDP|SCTP))?$/i;

function portSpec(data: PortData, diag: Diagnostics, site: Site, path: Path): PortSpec | undefined {
  const line = site.locator.lineOf(path);
  const before = diag.errorCount;
  let protocol: Protocol = "TCP";
  let port: number | string | undefined;
  let endPort: number | undefined;
  if (typeof data === "number") port = data;
  else if (typeof data === "string") {
    const m = PORT_TEXT.exec(data.trim());
    if (!m) {
      diag.error("invalid-port", `"${data}" is not a port: use 80, 8000-8080, http, 53/UDP or metrics/TCP`, site, path);
      return undefined;
    }
    if (m[4]) protocol = m[4].toUpperCase() as Protocol;
    if (m[1] !== undefined) {
      port = Number(m[1]);
      if (m[2] !== undefined) endPort = Number(m[2]);
    } else port = m[3];
  } else {
    if (data.protocol) protocol = data.protocol;
    port = data.port;
    endPort = data.endPort;
    if (endPort !== undefined && typeof port !== "number")
      diag.error("invalid-port", "endPort needs a numeric port", site, [...path, "endPort"]);
  }
  if (typeof port === "number") checkPortNumber(port, diag, site, path);
  else if (typeof port === "string") checkPortName(port, diag, site, path);
  if (endPort !== undefined) {
    checkPortNumber(endPort, diag, site, path);
    if (typeof port === "number" && endPort < port)
      diag.error("invalid-port", `endPort ${endPort} is below port ${port}`, site, path);
  }
  if (diag.errorCount > before) return undefined;
  return {
    protocol,
    ...(port === undefined ? {} : { port }),
    ...(endPort === undefined || endPort === port ? {} : { endPort }),
    line,
  };
}
