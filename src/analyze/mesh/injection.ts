import type { Namespace, Pod } from "../../model/endpoint.js";

export type Injection = { readonly injected: boolean; readonly why: string };

// sidecar injector (istio pkg/kube/inject/webhook.go injectRequired): these values of sidecar.istio.io/inject enable.
const TRUE_VALUES = new Set(["y", "yes", "true", "on", "enable", "enabled"]);

/**
 * Istio sidecar injection (istio.io/latest/docs/setup/additional-setup/sidecar-injection/#controlling-the-injection-policy):
 * - hostNetwork pods and pods in kube-system / kube-public are never injected;
 * - namespace label istio-injection=disabled: never (the webhook is not called);
 * - namespace istio-injection=enabled, or istio.io/rev=<rev> (istio-injection wins when both are set): injected unless
 *   the pod says sidecar.istio.io/inject=false;
 * - otherwise only a pod *label* sidecar.istio.io/inject=true injects (the object-selector webhook matches labels, not
 *   the legacy annotation);
 * - the pod's label wins over its legacy annotation; revision labels on the pod (istio.io/rev) also inject.
 */
export function istioInjection(pod: Pod, ns: Namespace | undefined): Injection {
  if (pod.hostNetwork) return { injected: false, why: "hostNetwork pods are never injected" };
  if (pod.namespace === "kube-system" || pod.namespace === "kube-public")
    return { injected: false, why: `pods in ${pod.namespace} are never injected` };
  const nsLabels = ns?.labels ?? {};
  const podLabel = pod.labels["sidecar.istio.io/inject"];
  const podAnnotation = pod.annotations?.["sidecar.istio.io/inject"];
  const podValue = podLabel ?? podAnnotation;
  const podSays = podValue === undefined ? undefined : TRUE_VALUES.has(podValue.toLowerCase());
  const podWhere = podLabel !== undefined ? "pod label" : "pod annotation";
  const nsInjection = nsLabels["istio-injection"];
  if (nsInjection === "disabled")
    return { injected: false, why: `namespace ${pod.namespace} has istio-injection=disabled` };
  const nsEnabled = nsInjection === "enabled" || (nsInjection === undefined && nsLabels["istio.io/rev"] !== undefined);
  if (nsEnabled) {
    if (podSays === false) return { injected: false, why: `${podWhere} sidecar.istio.io/inject=${podValue} opts out` };
    const how = nsInjection === "enabled" ? "istio-injection=enabled" : `istio.io/rev=${nsLabels["istio.io/rev"]}`;
    return { injected: true, why: `namespace ${pod.namespace} has ${how}` };
  }
  if (podLabel !== undefined && TRUE_VALUES.has(podLabel.toLowerCase()))
    return { injected: true, why: `pod label sidecar.istio.io/inject=${podLabel}` };
  if (pod.labels["istio.io/rev"] !== undefined && podSays !== false)
    return { injected: true, why: `pod label istio.io/rev=${pod.labels["istio.io/rev"]}` };
  if (podAnnotation !== undefined && podLabel === undefined && TRUE_VALUES.has(podAnnotation.toLowerCase()))
    return {
      injected: false,
      why: "only the legacy annotation sidecar.istio.io/inject=true is set and the namespace is not enabled: the webhook selects pods by label, so no sidecar",
    };
  return {
    injected: false,
    why: `namespace ${pod.namespace} is not enabled for injection and the pod does not ask for it`,
  };
}

/**
 * Linkerd: meshed when the annotation linkerd.io/inject is "enabled" (or "ingress") on the pod or its namespace; the
 * pod's annotation wins, and "disabled" opts out (linkerd.io/2/features/proxy-injection).
 */
export function linkerdInjection(pod: Pod, ns: Namespace | undefined): Injection {
  if (pod.hostNetwork) return { injected: false, why: "hostNetwork pods are not meshed" };
  const podValue = pod.annotations?.["linkerd.io/inject"];
  if (podValue !== undefined) {
    const on = podValue === "enabled" || podValue === "ingress";
    return { injected: on, why: `pod annotation linkerd.io/inject=${podValue}` };
  }
  const nsValue = ns?.annotations?.["linkerd.io/inject"];
  if (nsValue === "enabled" || nsValue === "ingress")
    return { injected: true, why: `namespace ${pod.namespace} has linkerd.io/inject=${nsValue}` };
  return { injected: false, why: "no linkerd.io/inject=enabled on the pod or its namespace" };
}
