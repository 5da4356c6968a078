import { z } from "zod";

/**
 * Zod schemas for the kinds Ward evaluates. Fields Ward reads have precise types; fields it does not read are listed
 * (so a misspelt field is reported as unknown) but accept anything. Objects are strict: an unknown field is an
 * "unrecognized_keys" issue, which the loader turns into a warning. Parts Ward never looks into (status, volumes,
 * probes, …) are not modelled at all. Semantic rules (ranges, operators, CIDRs) are checked after parsing, in
 * validate-*.ts, so that each gets its own problem code.
 */

/** Fields that are accepted with any value. */
function anyFields<const K extends string>(...names: K[]): Record<K, z.ZodOptional<z.ZodUnknown>> {
  const shape = {} as Record<K, z.ZodOptional<z.ZodUnknown>>;
  for (const name of names) shape[name] = z.unknown().optional();
  return shape;
}

/** A list item: `null` (an empty "- " entry) decodes to the zero value {}, as Go's JSON decoding does. */
function item<T extends z.ZodType>(schema: T) {
  return z.preprocess((v) => (v === null ? {} : v), schema);
}

const port = z.union([z.number(), z.string()], { error: "expected a port number or a port name" });

export const labelsSchema = z.record(z.string(), z.string());

const ownerReference = z.strictObject({
  apiVersion: z.string().optional(),
  kind: z.string(),
  name: z.string(),
  uid: z.string().optional(),
  controller: z.boolean().optional(),
  blockOwnerDeletion: z.boolean().optional(),
});

// k8s.io/apimachinery/pkg/apis/meta/v1 ObjectMeta
export const objectMeta = z.strictObject({
  name: z.string().optional(),
  namespace: z.string().optional(),
  labels: labelsSchema.optional(),
  annotations: labelsSchema.optional(),
  ownerReferences: z.array(item(ownerReference)).optional(),
  ...anyFields(
    "generateName",
    "selfLink",
    "uid",
    "resourceVersion",
    "generation",
    "creationTimestamp",
    "deletionTimestamp",
    "deletionGracePeriodSeconds",
    "finalizers",
    "managedFields",
    "clusterName",
  ),
});

/** Gateway API ParentReference fields (HTTPRoute spec.parentRefs), shared by Gateway API and Linkerd routes. */
export const parentRefShape = {
  group: z.string().optional(),
  kind: z.string().optional(),
  name: z.string(),
  namespace: z.string().optional(),
  sectionName: z.string().optional(),
  port: z.number().optional(),
};

export const labelSelector = z.strictObject({
  matchLabels: labelsSchema.optional(),
  matchExpressions: z
    .array(
      item(
        z.strictObject({
          key: z.string(),
          operator: z.string(),
          values: z.array(z.string()).optional(),
        }),
      ),
    )
    .optional(),
});

// ---- pods -----------------------------------------------------------------------------------------------------------

const containerPort = z.strictObject({
  containerPort: z.number().optional(),
  name: z.string().optional(),
  protocol: z.string().optional(),
  hostPort: z.number().optional(),
  hostIP: z.string().optional(),
});

// k8s.io/api/core/v1 Container
const container = z.strictObject({
  ports: z.array(item(containerPort)).optional(),
  image: z.string().optional(),
  ...anyFields(
    "name",
    "command",
    "args",
    "workingDir",
    "envFrom",
    "env",
    "resources",
    "resizePolicy",
    "restartPolicy",
    "restartPolicyRules",
    "volumeMounts",
    "volumeDevices",
    "livenessProbe",
    "readinessProbe",
    "startupProbe",
    "lifecycle",
    "terminationMessagePath",
    "terminationMessagePolicy",
    "imagePullPolicy",
    "securityContext",
    "stdin",
    "stdinOnce",
    "tty",
  ),
});

// k8s.io/api/core/v1 PodSpec
export const podSpec = z.strictObject({
  containers: z.array(item(container)).optional(),
  initContainers: z.array(item(container)).optional(),
  hostNetwork: z.boolean().optional(),
  serviceAccountName: z.string().optional(),
  serviceAccount: z.string().optional(),
  nodeName: z.string().optional(),
  ...anyFields(
    "volumes",
    "ephemeralContainers",
    "restartPolicy",
    "terminationGracePeriodSeconds",
    "activeDeadlineSeconds",
    "dnsPolicy",
    "nodeSelector",
    "automountServiceAccountToken",
    "hostPID",
    "hostIPC",
    "shareProcessNamespace",
    "securityContext",
    "imagePullSecrets",
    "hostname",
    "hostnameOverride",
    "subdomain",
    "affinity",
    "schedulerName",
    "tolerations",
    "hostAliases",
    "priorityClassName",
    "priority",
    "dnsConfig",
    "readinessGates",
    "runtimeClassName",
    "enableServiceLinks",
    "preemptionPolicy",
    "overhead",
    "topologySpreadConstraints",
    "setHostnameAsFQDN",
    "os",
    "hostUsers",
    "schedulingGates",
    "resourceClaims",
    "resources",
  ),
});

export const podTemplate = z.strictObject({
  metadata: objectMeta.optional(),
  spec: podSpec.optional(),
});

const podStatus = z.looseObject({
  podIP: z.string().optional(),
  podIPs: z.array(item(z.looseObject({ ip: z.string().optional() }))).optional(),
});

/** Every top-level object: apiVersion, kind, metadata, spec, status. */
function topLevel<S extends z.ZodType, T extends z.ZodType>(spec: S, status: T) {
  return z.strictObject({
    apiVersion: z.unknown().optional(),
    kind: z.unknown().optional(),
    metadata: objectMeta.optional(),
    spec: spec.optional(),
    status: status.optional(),
  });
}

export const podSchema = topLevel(podSpec, podStatus);

// ---- controllers (k8s.io/api/apps/v1, batch/v1, core/v1 ReplicationController) ------------------------------------

const replicas = z.number().optional();

export const deploymentSchema = topLevel(
  z.strictObject({
    replicas,
    template: podTemplate.optional(),
    ...anyFields(
      "selector",
      "strategy",
      "minReadySeconds",
      "revisionHistoryLimit",
      "paused",
      "progressDeadlineSeconds",
      "rollbackTo",
    ),
  }),
  z.unknown(),
);

export const statefulSetSchema = topLevel(
  z.strictObject({
    replicas,
    template: podTemplate.optional(),
    ...anyFields(
      "selector",
      "serviceName",
      "podManagementPolicy",
      "updateStrategy",
      "volumeClaimTemplates",
      "revisionHistoryLimit",
      "minReadySeconds",
      "persistentVolumeClaimRetentionPolicy",
      "ordinals",
    ),
  }),
  z.unknown(),
);

export const daemonSetSchema = topLevel(
  z.strictObject({
    template: podTemplate.optional(),
    ...anyFields("selector", "updateStrategy", "minReadySeconds", "revisionHistoryLimit", "templateGeneration"),
  }),
  z.unknown(),
);

/** ReplicaSet and ReplicationController. */
export const replicaSetSchema = topLevel(
  z.strictObject({
    replicas,
    template: podTemplate.optional(),
    ...anyFields("selector", "minReadySeconds"),
  }),
  z.unknown(),
);

const jobSpec = z.strictObject({
  parallelism: z.number().optional(),
  template: podTemplate.optional(),
  ...anyFields(
    "completions",
    "activeDeadlineSeconds",
    "podFailurePolicy",
    "successPolicy",
    "backoffLimit",
    "backoffLimitPerIndex",
    "maxFailedIndexes",
    "selector",
    "manualSelector",
    "ttlSecondsAfterFinished",
    "completionMode",
    "suspend",
    "podReplacementPolicy",
    "managedBy",
  ),
});

export const jobSchema = topLevel(jobSpec, z.unknown());

export const cronJobSchema = topLevel(
  z.strictObject({
    jobTemplate: z.strictObject({ metadata: objectMeta.optional(), spec: jobSpec.optional() }).optional(),
    ...anyFields(
      "schedule",
      "timeZone",
      "startingDeadlineSeconds",
      "concurrencyPolicy",
      "suspend",
      "successfulJobsHistoryLimit",
      "failedJobsHistoryLimit",
    ),
  }),
  z.unknown(),
);

// ---- services, service accounts, namespaces -------------------------------------------------------------------------

const servicePort = z.strictObject({
  name: z.string().optional(),
  protocol: z.string().optional(),
  port: z.number().optional(),
  targetPort: port.optional(),
  nodePort: z.number().optional(),
  appProtocol: z.unknown().optional(),
});

// k8s.io/api/core/v1 ServiceSpec
export const serviceSchema = topLevel(
  z.strictObject({
    type: z.string().optional(),
    selector: labelsSchema.optional(),
    ports: z.array(item(servicePort)).optional(),
    ...anyFields(
      "clusterIP",
      "clusterIPs",
      "externalIPs",
      "sessionAffinity",
      "loadBalancerIP",
      "loadBalancerSourceRanges",
      "externalName",
      "externalTrafficPolicy",
      "healthCheckNodePort",
      "publishNotReadyAddresses",
      "sessionAffinityConfig",
      "ipFamilies",
      "ipFamilyPolicy",
      "allocateLoadBalancerNodePorts",
      "loadBalancerClass",
      "internalTrafficPolicy",
      "trafficDistribution",
    ),
  }),
  z.unknown(),
);

export const serviceAccountSchema = z.strictObject({
  apiVersion: z.unknown().optional(),
  kind: z.unknown().optional(),
  metadata: objectMeta.optional(),
  ...anyFields("secrets", "imagePullSecrets", "automountServiceAccountToken"),
});

export const namespaceSchema = topLevel(z.unknown(), z.unknown());

// ---- NetworkPolicy (k8s.io/api/networking/v1), modelled completely ----------------------------------------------------

const networkPolicyPort = z.strictObject({
  protocol: z.string().optional(),
  port: port.optional(),
  endPort: z.number().optional(),
});

const networkPolicyPeer = z.strictObject({
  podSelector: labelSelector.optional(),
  namespaceSelector: labelSelector.optional(),
  ipBlock: z
    .strictObject({
      cidr: z.string().optional(),
      except: z.array(z.string()).optional(),
    })
    .optional(),
});

export const networkPolicySchema = topLevel(
  z.strictObject({
    podSelector: labelSelector.optional(),
    ingress: z
      .array(
        item(
          z.strictObject({
            from: z.array(item(networkPolicyPeer)).optional(),
            ports: z.array(item(networkPolicyPort)).optional(),
          }),
        ),
      )
      .optional(),
    egress: z
      .array(
        item(
          z.strictObject({
            to: z.array(item(networkPolicyPeer)).optional(),
            ports: z.array(item(networkPolicyPort)).optional(),
          }),
        ),
      )
      .optional(),
    policyTypes: z.array(z.string()).optional(),
  }),
  z.unknown(),
);

export type ObjectMeta = z.output<typeof objectMeta>;
export type LabelSelectorData = z.output<typeof labelSelector>;
export type PodSpecData = z.output<typeof podSpec>;
export type PodTemplateData = z.output<typeof podTemplate>;
export type NetworkPolicyData = z.output<typeof networkPolicySchema>;
export type NetworkPolicyPortData = z.output<typeof networkPolicyPort>;
export type NetworkPolicyPeerData = z.output<typeof networkPolicyPeer>;
