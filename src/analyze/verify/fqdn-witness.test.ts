import fc from "fast-check";
import { describe, expect, it } from "vitest";
import { fqdnPatternMatches } from "../../model/fqdn-pattern.js";
import { fqdnWitnesses, WitnessLimitError } from "./fqdn-witness.js";

const vector = (patterns: readonly string[], name: string) =>
  patterns.map((p) => (fqdnPatternMatches(p, name) ? "1" : "0")).join("");

/** Every valid name over a tiny alphabet up to `max` characters (labels never empty). */
function allNames(alphabet: readonly string[], max: number): string[] {
  const out: string[] = [];
  const walk = (name: string) => {
    if (name.length > 0 && !name.endsWith(".")) out.push(name);
    if (name.length === max) return;
    for (const c of alphabet) if (c !== "." || (name.length > 0 && !name.endsWith("."))) walk(name + c);
  };
  walk("");
  return out;
}

const NAMES = allNames(["a", "b", "c", "."], 6);

describe("fqdnWitnesses", () => {
  it("finds one name for each way names fall into the patterns", () => {
    const patterns = ["api.example.com", "*.example.com", "**.example.com", "*"];
    const names = fqdnWitnesses(patterns);
    const vectors = names.map((n) => vector(patterns, n)).sort();
    // api.example.com: all four; b.example.com: the wildcards; b.b.example.com: ** and *; anything else: * only.
    expect(vectors).toEqual(["0001", "0011", "0111", "1111"]);
    expect(names).toContain("api.example.com");
    expect(names).toContain("b.example.com");
  });

  it("misses no combination a brute-force enumeration of short names finds", () => {
    const piece = fc.constantFrom("a", "b", "*", "**.", ".", "a.", "*.");
    const pattern = fc
      .array(piece, { minLength: 1, maxLength: 4 })
      .map((ps) => ps.join("").replace(/^\.+/, "").replace(/\.\.+/g, "."))
      .filter((p) => p.length > 0 && p !== ".");
    fc.assert(
      fc.property(fc.uniqueArray(pattern, { minLength: 1, maxLength: 3 }), (patterns) => {
        const names = fqdnWitnesses(patterns);
        const witnessed = new Set(names.map((n) => vector(patterns, n)));
        const unseen = new Set(NAMES.map((name) => vector(patterns, name)).filter((v) => !witnessed.has(v)));
        expect([...unseen]).toEqual([]);
        // No two witnesses for one combination.
        expect(witnessed.size).toBe(names.length);
      }),
      { numRuns: 60 },
    );
  });
});

describe("fqdnWitnesses limit", () => {
  it("throws a typed WitnessLimitError carrying the patterns and the limit", () => {
    const patterns = ["*a*b*.example.com", "*.example.com"];
    const err = (() => {
      try {
        fqdnWitnesses(patterns, 3);
      } catch (e) {
        return e;
      }
    })();
    expect(err).toBeInstanceOf(WitnessLimitError);
    expect((err as WitnessLimitError).patterns).toEqual(patterns);
    expect((err as WitnessLimitError).limit).toBe(3);
  });
});
