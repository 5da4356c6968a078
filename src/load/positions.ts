import { type Document, isAlias, isMap, isScalar, isSeq, type LineCounter, type Node } from "yaml";

/** One step into a parsed value: a mapping key or a sequence index. */
export type PathSegment = string | number;
export type Path = readonly PathSegment[];

/** "spec.ingress[0].ports[1].port" */
export function formatPath(path: Path): string {
  let out = "";
  for (const segment of path) {
    if (typeof segment === "number") out += `[${segment}]`;
    else out += out === "" ? segment : `.${segment}`;
  }
  return out;
}

/**
 * Finds the line of a node inside a parsed document. Lines are looked up lazily, only for the few nodes that need one
 * (objects, rules, peers, ports, problems), so the happy path never pays for positions it does not use.
 */
export interface Locator {
  /** 1-based line of the node at `path` (for a mapping entry: its key), or of the nearest ancestor that exists. */
  lineOf(path: Path): number;
  /** A locator rooted at the node at `path` (or at the nearest ancestor that exists). */
  child(path: Path): Locator;
}

/**
 * Position tables written by the fast YAML and JSON parsers, keyed by the parsed object or array:
 * a mapping has [key, line, key, line, …], a sequence has [line of item 0, line of item 1, …].
 * Containers deeper than RECORDED_DEPTH get a table only when the document is parsed again for positions.
 */
export const POSITIONS = new WeakMap<object, (string | number)[]>();

/** The root container is at depth 1; a List's `items` is at depth 2. */
export const RECORDED_DEPTH = 2;

/**
 * The positions of one document parsed by the fast YAML parser or the JSON parser. To stay fast, those parsers record
 * positions only near the root (enough for the line of each document and List item); the first lookup that goes
 * deeper parses the document again with every position recorded (the same value, so the same paths).
 */
export class DocumentPositions {
  private full: unknown;
  /** Items parsed again on their own, by sequence and index, with positions down to `depth` (the item is 1). */
  private readonly items = new Map<unknown[], Map<number, { depth: number; value: unknown }>>();

  constructor(
    private readonly value: unknown,
    private readonly line: number,
    private readonly reparse: (() => unknown) | undefined,
  ) {}

  lineOf(path: Path): number {
    const shallow = walkTables(this.value, this.line, path);
    if (shallow.stop === undefined) return shallow.line;
    // Inside an item of a recorded sequence (a List's items): parse that item again, not the whole document.
    const { parent, index, at } = shallow.stop;
    const reparseItem = parent === undefined ? undefined : ITEM_REPARSERS.get(parent);
    if (parent !== undefined && index !== undefined && reparseItem !== undefined) {
      let parsed = this.items.get(parent);
      if (parsed === undefined) {
        parsed = new Map();
        this.items.set(parent, parsed);
      }
      // Positions only as deep as the path goes: most lookups (metadata, spec.x) need few.
      const rest = path.slice(at);
      let item = parsed.get(index);
      if (item === undefined || item.depth < rest.length) {
        const depth = Math.max(rest.length, 4);
        item = { depth, value: reparseItem(index, depth) };
        parsed.set(index, item);
      }
      return walkTables(item.value, shallow.line, rest).line;
    }
    if (this.reparse === undefined) return shallow.line;
    this.full ??= this.reparse();
    return walkTables(this.full, this.line, path).line;
  }
}

/**
 * Parsers register, for each sequence whose positions they keep, how to parse one of its items again (its own lines
 * or characters only) with positions down to `depth` (the item itself is at depth 1).
 */
export const ITEM_REPARSERS = new WeakMap<unknown[], (index: number, depth: number) => unknown>();

type Walk = {
  readonly line: number;
  /** Where the walk met a container without a table: its parent sequence and index, and the rest of the path. */
  readonly stop?: { readonly parent: unknown[] | undefined; readonly index: number | undefined; readonly at: number };
};

/** Follows `path` through POSITIONS, as far as there are tables. */
function walkTables(root: unknown, rootLine: number, path: Path): Walk {
  let value = root;
  let line = rootLine;
  let parent: unknown[] | undefined;
  let index: number | undefined;
  for (let at = 0; at < path.length; at++) {
    const segment = path[at] as PathSegment;
    if (value === null || typeof value !== "object") break;
    const table = POSITIONS.get(value);
    if (table === undefined) return { line, stop: { parent, index, at } };
    if (Array.isArray(value)) {
      if (typeof segment !== "number") break;
      const itemLine = table[segment];
      if (typeof itemLine !== "number") break;
      line = itemLine;
      parent = value;
      index = segment;
      value = value[segment];
    } else {
      const key = String(segment);
      let found = -1;
      // Search from the end: with duplicate keys (JSON), the last one wins, as in JSON.parse.
      for (let i = table.length - 2; i >= 0; i -= 2) {
        if (table[i] === key) {
          found = i;
          break;
        }
      }
      if (found < 0) break;
      line = table[found + 1] as number;
      parent = undefined;
      index = undefined;
      value = (value as Record<string, unknown>)[key];
    }
  }
  return { line };
}

/** Locator over a document parsed by the fast YAML parser or the JSON parser. */
export class TableLocator implements Locator {
  constructor(
    private readonly positions: DocumentPositions,
    private readonly prefix: Path = [],
  ) {}

  lineOf(path: Path): number {
    return this.positions.lineOf(this.prefix.length === 0 ? path : [...this.prefix, ...path]);
  }

  child(path: Path): Locator {
    return new TableLocator(this.positions, [...this.prefix, ...path]);
  }
}

/** Locator over a document parsed by the `yaml` library (the fallback for YAML the fast parser does not handle). */
export class NodeLocator implements Locator {
  constructor(
    private readonly doc: Document,
    private readonly node: unknown,
    private readonly counter: LineCounter,
    private readonly lineOffset: number,
    private readonly line: number,
  ) {}

  private lineAt(offset: number): number {
    return this.counter.linePos(offset).line + this.lineOffset;
  }

  private walk(path: Path): { node: unknown; line: number } {
    let node = this.node;
    let line = this.line;
    for (const segment of path) {
      if (isAlias(node)) node = node.resolve(this.doc);
      if (isMap(node)) {
        const key = String(segment);
        let pair: (typeof node.items)[number] | undefined;
        for (const item of node.items) {
          const k = isScalar(item.key) ? item.key.value : item.key;
          if (String(k ?? "") === key) pair = item;
        }
        if (pair === undefined) break;
        const keyNode = pair.key as Node | null;
        const range = keyNode?.range ?? (pair.value as Node | null)?.range;
        if (range) line = this.lineAt(range[0]);
        node = pair.value;
      } else if (isSeq(node)) {
        if (typeof segment !== "number") break;
        const item = node.items[segment] as Node | undefined;
        if (item === undefined) break;
        if (item?.range) line = this.lineAt(item.range[0]);
        node = item;
      } else {
        break;
      }
    }
    return { node, line };
  }

  lineOf(path: Path): number {
    return this.walk(path).line;
  }

  child(path: Path): Locator {
    const { node, line } = this.walk(path);
    return new NodeLocator(this.doc, node, this.counter, this.lineOffset, line);
  }
}

/** For documents without positions: every node is at the document's line. */
export class FixedLocator implements Locator {
  constructor(private readonly line: number) {}
  lineOf(): number {
    return this.line;
  }
  child(): Locator {
    return this;
  }
}

/** A locator rooted at `prefix` inside another locator. */
class SubLocator implements Locator {
  constructor(
    private readonly parent: Locator,
    private readonly prefix: Path,
  ) {}
  lineOf(path: Path): number {
    return this.parent.lineOf([...this.prefix, ...path]);
  }
  child(path: Path): Locator {
    return new SubLocator(this.parent, [...this.prefix, ...path]);
  }
}

/** A List document read item by item: `items[i]` has its own locator, the rest is the root's. */
export class ListLocator implements Locator {
  constructor(
    private readonly root: Locator,
    private readonly items: readonly { readonly line: number; readonly locator: Locator }[],
  ) {}

  private item(path: Path): { line: number; locator: Locator } | undefined {
    return path[0] === "items" && typeof path[1] === "number" ? this.items[path[1]] : undefined;
  }

  lineOf(path: Path): number {
    const item = this.item(path);
    if (item === undefined) return this.root.lineOf(path);
    return path.length === 2 ? item.line : item.locator.lineOf(path.slice(2));
  }

  child(path: Path): Locator {
    const item = this.item(path);
    return item === undefined ? new SubLocator(this, path) : item.locator.child(path.slice(2));
  }
}
