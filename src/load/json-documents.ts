import { ITEM_REPARSERS, POSITIONS, RECORDED_DEPTH } from "./positions.js";

/** A JSON syntax error at a 1-based line. */
export class JsonSyntaxError extends Error {
  override name = "JsonSyntaxError";
  constructor(
    readonly line: number,
    message: string,
  ) {
    super(message);
  }
}

export type JsonDocument = { readonly value: unknown; readonly line: number; readonly offset: number };

const NUMBER = /-?(?:0|[1-9][0-9]*)(?:\.[0-9]+)?(?:[eE][-+]?[0-9]+)?/y;

/**
 * Parses one JSON text, or several concatenated ones (a JSON stream, as kubectl accepts), recording in POSITIONS the
 * line of every mapping entry and sequence item near the root. Values are those JSON.parse gives (a duplicate key:
 * the last wins).
 */
export function parseJsonDocuments(text: string): JsonDocument[] {
  return new JsonParser(text, 0, 1, RECORDED_DEPTH).documents();
}

/** Parses again the document at `offset` (from parseJsonDocuments), recording every position. */
export function reparseJsonDocument(text: string, offset: number, line: number): unknown {
  return new JsonParser(text, offset, line, Number.POSITIVE_INFINITY).value();
}

class JsonParser {
  private depth = 0;

  constructor(
    private readonly text: string,
    private k: number,
    private line: number,
    private readonly recordDepth: number,
  ) {}

  documents(): JsonDocument[] {
    const out: JsonDocument[] = [];
    for (;;) {
      this.skip();
      if (this.k >= this.text.length) return out;
      const line = this.line;
      const offset = this.k;
      out.push({ value: this.value(), line, offset });
    }
  }

  private fail(message: string): never {
    throw new JsonSyntaxError(this.line, message);
  }

  private unexpected(): never {
    if (this.k >= this.text.length) this.fail("unexpected end of JSON input");
    this.fail(`unexpected ${JSON.stringify(this.text[this.k])} in JSON`);
  }

  private enter<T>(): T[] | undefined {
    this.depth++;
    return this.depth <= this.recordDepth ? [] : undefined;
  }

  private leave(container: object, positions: (string | number)[] | undefined): void {
    if (positions !== undefined) POSITIONS.set(container, positions);
    this.depth--;
  }

  private skip(): void {
    const text = this.text;
    for (;;) {
      const c = text.charCodeAt(this.k);
      if (c === 10) this.line++;
      else if (c !== 32 && c !== 9 && c !== 13) return;
      this.k++;
    }
  }

  value(): unknown {
    this.skip();
    const c = this.text.charCodeAt(this.k);
    if (c === 123) return this.object();
    if (c === 91) return this.array();
    if (c === 34) return this.string();
    if (c === 116) return this.literal("true", true);
    if (c === 102) return this.literal("false", false);
    if (c === 110) return this.literal("null", null);
    NUMBER.lastIndex = this.k;
    const m = NUMBER.exec(this.text);
    if (m === null) this.unexpected();
    this.k += m[0].length;
    return Number(m[0]);
  }

  private literal(word: string, value: unknown): unknown {
    if (!this.text.startsWith(word, this.k)) this.unexpected();
    this.k += word.length;
    return value;
  }

  private string(): string {
    const text = this.text;
    const start = this.k;
    let k = start + 1;
    let escaped = false;
    for (;;) {
      if (k >= text.length) this.fail("unterminated string in JSON");
      const c = text.charCodeAt(k);
      if (c === 34) break;
      if (c < 32) this.fail("control character in a JSON string");
      if (c === 92) {
        escaped = true;
        k++;
      }
      k++;
    }
    this.k = k + 1;
    if (!escaped) return text.slice(start + 1, k);
    try {
      return JSON.parse(text.slice(start, k + 1)) as string;
    } catch {
      return this.fail("invalid escape in a JSON string");
    }
  }

  private object(): Record<string, unknown> {
    const obj: Record<string, unknown> = {};
    const positions = this.enter<string | number>();
    this.k++;
    this.skip();
    if (this.text.charCodeAt(this.k) === 125) {
      this.k++;
      this.leave(obj, positions);
      return obj;
    }
    for (;;) {
      this.skip();
      if (this.text.charCodeAt(this.k) !== 34) this.unexpected();
      const line = this.line;
      const key = this.string();
      this.skip();
      if (this.text.charCodeAt(this.k) !== 58) this.unexpected();
      this.k++;
      const value = this.value();
      if (key === "__proto__")
        Object.defineProperty(obj, key, { value, enumerable: true, writable: true, configurable: true });
      else obj[key] = value;
      positions?.push(key, line);
      this.skip();
      const c = this.text.charCodeAt(this.k);
      this.k++;
      if (c === 44) continue;
      if (c === 125) break;
      this.k--;
      this.unexpected();
    }
    this.leave(obj, positions);
    return obj;
  }

  private array(): unknown[] {
    const arr: unknown[] = [];
    const positions = this.enter<number>();
    this.k++;
    this.skip();
    if (this.text.charCodeAt(this.k) === 93) {
      this.k++;
      this.leave(arr, positions);
      return arr;
    }
    // Where each item starts, to parse one item again on its own.
    const starts = positions !== undefined && this.recordDepth === RECORDED_DEPTH ? ([] as number[]) : undefined;
    for (;;) {
      this.skip();
      positions?.push(this.line);
      starts?.push(this.k, this.line);
      arr.push(this.value());
      this.skip();
      const c = this.text.charCodeAt(this.k);
      this.k++;
      if (c === 44) continue;
      if (c === 93) break;
      this.k--;
      this.unexpected();
    }
    if (starts !== undefined) {
      const text = this.text;
      ITEM_REPARSERS.set(arr, (index, depth) => {
        const offset = starts[2 * index];
        const line = starts[2 * index + 1];
        if (offset === undefined || line === undefined) return undefined;
        return new JsonParser(text, offset, line, depth).value();
      });
    }
    this.leave(arr, positions);
    return arr;
  }
}
