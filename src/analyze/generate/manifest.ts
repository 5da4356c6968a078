import { stringify } from "yaml";
import type { LabelSelector } from "../../model/labels.js";

/** A Kubernetes object to print, in key order. */
export type Manifest = Record<string, unknown> & {
  apiVersion: string;
  kind: string;
  metadata: { name: string; namespace?: string };
};

/** A LabelSelector as the API writes it: only the non-empty fields; `{}` selects everything. */
export function selectorYaml(selector: LabelSelector): Record<string, unknown> {
  const out: Record<string, unknown> = {};
  if (Object.keys(selector.matchLabels).length > 0) out.matchLabels = { ...selector.matchLabels };
  if (selector.matchExpressions.length > 0)
    out.matchExpressions = selector.matchExpressions.map((r) => ({
      key: r.key,
      operator: r.operator,
      ...(r.values.length > 0 ? { values: [...r.values] } : {}),
    }));
  return out;
}

/** kubectl-apply-ready multi-document YAML, with a comment header. */
export function renderManifests(header: readonly string[], manifests: readonly Manifest[]): string {
  const head = header.map((l) => `# ${l}`.trimEnd()).join("\n");
  const docs = manifests.map((m) => stringify(m, { lineWidth: 0, aliasDuplicateObjects: false }).trimEnd());
  return `${head}${head ? "\n" : ""}${docs.map((d) => `---\n${d}`).join("\n")}\n`;
}
