import { type FqdnToken, isDnsChar, parseFqdnPattern } from "../../model/fqdn-pattern.js";

/** Too many combined automaton states: the patterns are beyond what Ward proves by enumeration. */
export const MAX_STATES = 200_000;

/** The patterns need more states than the limit: which names they tell apart is left undecided, never guessed. */
export class WitnessLimitError extends Error {
  override name = "WitnessLimitError";
  constructor(
    readonly patterns: readonly string[],
    readonly limit: number,
  ) {
    super(`DNS name patterns too intricate to enumerate within ${limit} states: ${patterns.join(", ")}`);
  }
}

type Nfa = { readonly tokens: readonly FqdnToken[] };

// State numbering: 0..n = the token about to be matched (n = accept); -1 / -2 = inside the leading `**.`
// (-1: at the start of a label, -2: inside one).
function closure(nfa: Nfa, i: number, into: Set<number>): void {
  let k = i;
  into.add(k);
  while (nfa.tokens[k]?.kind === "star") into.add(++k);
}

function start(nfa: Nfa): Set<number> {
  const out = new Set<number>();
  if (nfa.tokens[0]?.kind === "labels") out.add(-1);
  else closure(nfa, 0, out);
  return out;
}

function step(nfa: Nfa, states: ReadonlySet<number>, c: string): Set<number> {
  const out = new Set<number>();
  const dns = isDnsChar(c);
  for (const s of states) {
    if (s === -1) {
      if (dns) out.add(-2);
    } else if (s === -2) {
      if (dns) out.add(-2);
      else if (c === ".") {
        out.add(-1);
        closure(nfa, 1, out);
      }
    } else {
      const t = nfa.tokens[s];
      if (t === undefined) continue;
      if (t.kind === "char" && t.char === c) closure(nfa, s + 1, out);
      else if (t.kind === "star" && dns) closure(nfa, s, out);
    }
  }
  return out;
}

const key = (sets: readonly ReadonlySet<number>[]) => sets.map((s) => [...s].sort((a, b) => a - b).join(",")).join("|");

/**
 * One DNS name for every way the names can fall into these patterns: for each set of patterns that some valid name
 * (non-empty labels of [-a-z0-9_]) matches exactly, the shortest such name. Any evaluator whose answer for a name
 * depends only on which of these patterns it matches gives, over the witnesses, its answer for every name.
 *
 * Exact by construction: a breadth-first walk over the product of the patterns' automata, on an alphabet of every
 * character the patterns name, ".", and one DNS character none of them names (all such characters behave alike).
 */
export function fqdnWitnesses(patterns: readonly string[], maxStates = MAX_STATES): string[] {
  const parsed = patterns.map((p) => parseFqdnPattern(p));
  const nfas = parsed.map((p) => (p.all ? undefined : { tokens: p.tokens }));
  const used = new Set<string>();
  for (const n of nfas) for (const t of n?.tokens ?? []) if (t.kind === "char") used.add(t.char);
  const fresh = [..."abcdefghijklmnopqrstuvwxyz0123456789_-"].find((c) => !used.has(c));
  // The fresh character first, "-" and "_" last: the shortest witnesses read like ordinary names (b.example.com).
  const rank = (c: string) => (c === "-" || c === "_" ? 1 : 0);
  const named = [...used]
    .filter((c) => c !== "." && c !== fresh)
    .sort((a, b) => rank(a) - rank(b) || a.localeCompare(b));
  const alphabet = [...(fresh ? [fresh] : []), ...named, "."];

  type Node = { sets: Set<number>[]; name: string; inLabel: boolean };
  const accepting = (n: Node) =>
    nfas.map((nfa, i) => (nfa === undefined ? "1" : n.sets[i]?.has(nfa.tokens.length) ? "1" : "0")).join("");
  const first: Node = {
    sets: nfas.map((n) => (n === undefined ? new Set<number>() : start(n))),
    name: "",
    inLabel: false,
  };
  const seen = new Set<string>([`${key(first.sets)}#0`]);
  const witnesses = new Map<string, string>();
  let queue: Node[] = [first];
  while (queue.length > 0) {
    const next: Node[] = [];
    for (const node of queue) {
      if (node.inLabel) {
        const vector = accepting(node);
        if (!witnesses.has(vector)) witnesses.set(vector, node.name);
      }
      // Every pattern dead: each longer name matches the same (none of the non-"all" patterns).
      if (node.inLabel && node.sets.every((s) => s.size === 0)) continue;
      for (const c of alphabet) {
        if (c === "." && !node.inLabel) continue; // labels are never empty
        const sets = nfas.map((nfa, i) =>
          nfa === undefined ? new Set<number>() : step(nfa, node.sets[i] ?? new Set(), c),
        );
        const inLabel = c !== ".";
        const k = `${key(sets)}#${inLabel ? 1 : 0}`;
        if (seen.has(k)) continue;
        seen.add(k);
        if (seen.size > maxStates) throw new WitnessLimitError(patterns, maxStates);
        next.push({ sets, name: node.name + c, inLabel });
      }
    }
    queue = next;
  }
  return [...witnesses.values()];
}
