/** Where a rule or object came from; used only for explanations, never for evaluation. */
export type SourceRef = {
  readonly kind: string;
  readonly name: string;
  readonly namespace?: string;
  readonly file: string;
  readonly line: number;
};

export function formatRef(ref: SourceRef): string {
  const id = ref.namespace === undefined ? ref.name : `${ref.namespace}/${ref.name}`;
  return `${ref.kind} ${id} (${ref.file}:${ref.line})`;
}
