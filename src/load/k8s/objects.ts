import type { Diagnostics, Site } from "../diagnostics.js";
import type { Locator } from "../positions.js";
import type { SourceDocument } from "../yaml-documents.js";

/** One Kubernetes object from the input: a document, or an item of a List. */
export type RawObject = {
  readonly file: string;
  readonly value: Record<string, unknown>;
  readonly kind: string;
  readonly apiVersion: string | undefined;
  /** Line of the object (its first key; for a List item, the item's line). */
  readonly line: number;
  readonly locator: Locator;
};

export function isPlainObject(value: unknown): value is Record<string, unknown> {
  return typeof value === "object" && value !== null && !Array.isArray(value);
}

/**
 * The objects of one document. `kind: List` and every `*List` kind with `items` (kubectl get -o yaml|json output)
 * stand for their items; an item without `kind` takes the list's kind minus "List", and without `apiVersion` the
 * list's, as the API server's typed lists (PodList, …) leave them out.
 */
export function collectObjects(doc: SourceDocument, diag: Diagnostics): RawObject[] {
  const out: RawObject[] = [];
  collect(doc.file, doc.value, doc.line, doc.locator, undefined, diag, out);
  return out;
}

function collect(
  file: string,
  value: unknown,
  line: number,
  locator: Locator,
  list: { kind: string | undefined; apiVersion: string | undefined } | undefined,
  diag: Diagnostics,
  out: RawObject[],
): void {
  const site: Site = { file, locator };
  if (!isPlainObject(value)) {
    diag.error("not-an-object", `expected a Kubernetes object (a mapping), got ${describeValue(value)}`, site);
    return;
  }
  const rawKind = value.kind ?? list?.kind;
  if (typeof rawKind !== "string" || rawKind === "") {
    const message =
      rawKind === undefined || rawKind === "" ? "object has no kind" : `kind must be a string, got ${typeof rawKind}`;
    diag.error("missing-kind", message, site, rawKind === undefined ? [] : ["kind"]);
    return;
  }
  const rawApiVersion = value.apiVersion ?? list?.apiVersion;
  if (rawApiVersion !== undefined && typeof rawApiVersion !== "string") {
    diag.error("invalid-type", `apiVersion must be a string, got ${typeof rawApiVersion}`, site, ["apiVersion"]);
    return;
  }
  const items = value.items;
  if ((rawKind === "List" || rawKind.endsWith("List")) && (Array.isArray(items) || rawKind === "List")) {
    if (items === undefined || items === null) return; // an empty List
    if (!Array.isArray(items)) {
      diag.error("invalid-type", `items must be a list, got ${describeValue(items)}`, site, ["items"]);
      return;
    }
    const itemList =
      rawKind === "List"
        ? { kind: undefined, apiVersion: undefined }
        : { kind: rawKind.slice(0, -"List".length), apiVersion: rawApiVersion };
    items.forEach((item, i) => {
      collect(file, item, locator.lineOf(["items", i]), locator.child(["items", i]), itemList, diag, out);
    });
    return;
  }
  out.push({ file, value, kind: rawKind, apiVersion: rawApiVersion, line, locator });
}

function describeValue(value: unknown): string {
  if (value === null) return "null";
  if (Array.isArray(value)) return "a list";
  if (typeof value === "string") return "a string";
  return typeof value;
}

/** Removes null-valued fields in place: for the API server a null field is an absent one. */
export function stripNulls(value: unknown): void {
  if (Array.isArray(value)) {
    for (const v of value) if (typeof v === "object" && v !== null) stripNulls(v);
    return;
  }
  if (typeof value !== "object" || value === null) return;
  const obj = value as Record<string, unknown>;
  for (const key in obj) {
    const v = obj[key];
    if (v === null) delete obj[key];
    else if (typeof v === "object") stripNulls(v);
  }
}
