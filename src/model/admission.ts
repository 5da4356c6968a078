import type { SourceRef } from "./source-ref.js";

/** Kyverno's validationFailureAction: Enforce blocks a non-compliant admission, Audit only reports it. */
export type FailureAction = "Audit" | "Enforce";

/**
 * One Kyverno `verifyImages` rule: the images it checks (imageReferences, with `*` and `?` wildcards) in the
 * resources it matches. Reduced from ClusterPolicy (cluster-wide) or Policy (its namespace only).
 */
export type ImageVerification = {
  readonly policy: SourceRef;
  readonly rule: string;
  /** "" for a ClusterPolicy; the Policy's namespace otherwise. */
  readonly namespace: string;
  readonly imageReferences: readonly string[];
  readonly skipImageReferences: readonly string[];
  /** The rule's own failureAction, else the policy's validationFailureAction (Kyverno default: Audit). */
  readonly action: FailureAction;
  /** True when the action was written out (spec or rule), false when it is Kyverno's default. */
  readonly actionExplicit: boolean;
  /** Namespaces the rule's match limits it to (match.any/all[].resources.namespaces); undefined: every namespace. */
  readonly namespaces?: readonly string[];
  /** True when the match names Pod or a pod controller kind (so it applies to workloads). */
  readonly matchesPods: boolean;
  readonly line: number;
};
