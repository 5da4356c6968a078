import { UsageError } from "../../errors/input-error.js";
import { governedNamespaces, type Intent, type IntentPath, KUBE_DNS, type WorkloadRef } from "../../intent/intent.js";
import type { Workload } from "../../model/endpoint.js";
import { type LabelRequirement, type LabelSelector, type Labels, selectorMatches } from "../../model/labels.js";
import type { Model } from "../../model/model.js";
import type { ContainerPort } from "../../model/ports.js";
import { istioInjection } from "../mesh/injection.js";
import { podsOf, resolveRef } from "../verify/resolve-intent.js";

/** One end of a generated rule: pods picked by labels in a namespace, with what is known of them. */
export type Target = {
  readonly namespace: string;
  readonly selector: LabelSelector;
  /** Short name for policy names: the workload's name, or the reference's label. */
  readonly name: string;
  /** Container ports of the pods (for named ports), when the workload is known. */
  readonly ports: readonly ContainerPort[];
  /** Service account of the pods, when known (for mesh principals). */
  readonly serviceAccount?: string;
  /** Whether the pods get an Istio sidecar, when known: without one a client has no mTLS principal. */
  readonly istioSidecar?: boolean;
};

export type ResolvedPath = {
  readonly path: IntentPath;
  readonly from: readonly Target[] | { readonly cidr: string };
  readonly to: readonly Target[] | { readonly cidr: string } | { readonly fqdn: string };
};

export type GenerationPlan = {
  /** Namespaces that get default-deny (+ DNS), sorted. */
  readonly namespaces: readonly string[];
  readonly dns: boolean;
  /** kube-system is governed: the DNS servers need an ingress rule too. */
  readonly paths: readonly ResolvedPath[];
  readonly warnings: readonly string[];
  readonly dnsTarget: Target;
};

/** Labels every pod of the workload carries (the controller's pod-template labels for a controller). */
function commonLabels(model: Model, w: Workload): Labels {
  const pods = podsOf(model, w);
  const first = pods[0]?.labels ?? {};
  const out: Record<string, string> = {};
  for (const [k, v] of Object.entries(first)) if (pods.every((p) => p.labels[k] === v)) out[k] = v;
  return out;
}

/**
 * A selector that picks exactly this workload's pods in its namespace: its labels, plus `DoesNotExist` on a label
 * that tells each look-alike workload apart (one whose pods carry all of these labels and more).
 */
export function exactSelector(model: Model, w: Workload, warnings: string[]): LabelSelector {
  const labels = commonLabels(model, w);
  const base: LabelSelector = { matchLabels: labels, matchExpressions: [] };
  const expressions: LabelRequirement[] = [];
  for (const other of model.workloads) {
    if (other === w || other.namespace !== w.namespace) continue;
    for (const pod of podsOf(model, other)) {
      if (!selectorMatches({ ...base, matchExpressions: expressions }, pod.labels)) continue;
      const key = Object.keys(pod.labels)
        .sort()
        .find((k) => !Object.hasOwn(labels, k));
      if (key === undefined) {
        warnings.push(`${w.id} and ${other.id} carry the same labels: a policy cannot select one without the other`);
        break;
      }
      expressions.push({ key, operator: "DoesNotExist", values: [] });
    }
  }
  return { matchLabels: labels, matchExpressions: expressions };
}

function targetsOf(model: Model | undefined, ref: WorkloadRef, label: string, warnings: string[]): Target[] {
  if (model === undefined || model.workloads.length === 0) {
    if (ref.kind === "id")
      throw new UsageError(`${label}: a workload named by id needs the configuration (PATH...) to find its labels`);
    return [{ namespace: ref.namespace, selector: ref.selector, name: label, ports: [] }];
  }
  const found = resolveRef(model, ref);
  if (found.length === 0)
    warnings.push(`no workload in the configuration matches ${label}: no policy generated for it`);
  return found.map((w) => {
    const pod = podsOf(model, w)[0];
    return {
      namespace: w.namespace,
      selector: exactSelector(model, w, warnings),
      name: w.name,
      ports: pod?.ports ?? [],
      ...(pod
        ? {
            serviceAccount: pod.serviceAccount,
            istioSidecar: istioInjection(pod, model.namespaces.get(pod.namespace)).injected,
          }
        : {}),
    };
  });
}

/** Resolves the intent against the workloads (when given) into what the generators emit. */
export function planFromIntent(intent: Intent, model: Model | undefined): GenerationPlan {
  const warnings: string[] = [];
  if (!intent.deny) warnings.push("defaults.deny is false: generated policies still isolate every selected pod");
  const paths: ResolvedPath[] = intent.paths.map((path) => ({
    path,
    from:
      path.from.kind === "cidr"
        ? { cidr: path.from.cidr.text }
        : targetsOf(model, path.from.ref, path.from.label, warnings),
    to:
      path.to.kind === "cidr"
        ? { cidr: path.to.cidr.text }
        : path.to.kind === "fqdn"
          ? { fqdn: path.to.fqdn }
          : targetsOf(model, path.to.ref, path.to.label, warnings),
  }));
  let namespaces = [...governedNamespaces(intent)];
  // Default-deny goes where workloads are: with a configuration, the governed namespaces that have any.
  if (model && model.workloads.length > 0)
    namespaces = namespaces.filter((ns) => model.workloads.some((w) => w.namespace === ns));
  const dnsTarget: Target = {
    namespace: KUBE_DNS.kind === "selector" ? KUBE_DNS.namespace : "kube-system",
    selector: KUBE_DNS.kind === "selector" ? KUBE_DNS.selector : { matchLabels: {}, matchExpressions: [] },
    name: "kube-dns",
    ports: [],
  };
  return { namespaces: namespaces.sort(), dns: intent.dns, paths, warnings, dnsTarget };
}
