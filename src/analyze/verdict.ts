import type { SourceRef } from "../model/source-ref.js";

export type Layer = "cloud" | "cluster" | "mesh" | "egress" | "proxy";

/** One reason in a verdict: the rule that decided (when a rule did) and why, in words with the values. */
export type Decision = {
  readonly why: string;
  readonly kind?: string;
  readonly name?: string;
  readonly namespace?: string;
  readonly file?: string;
  readonly line?: number;
};

export type LayerVerdict = {
  readonly layer: Layer;
  readonly allowed: boolean;
  readonly decidedBy: readonly Decision[];
};

/** A connection is allowed when every layer on its path allows it. */
export type Verdict = { readonly allowed: boolean; readonly layers: readonly LayerVerdict[] };

export function decision(why: string, ref?: SourceRef): Decision {
  if (ref === undefined) return { why };
  return {
    why,
    kind: ref.kind,
    name: ref.name,
    ...(ref.namespace === undefined ? {} : { namespace: ref.namespace }),
    file: ref.file,
    line: ref.line,
  };
}
