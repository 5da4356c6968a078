import { readFile } from "node:fs/promises";
import { InputError, type InputProblem } from "../../errors/input-error.js";
import { STDIN_NAME } from "../read-inputs.js";
import type { Flow } from "./flow.js";
import { parseHubble } from "./hubble.js";
import { parseVpc } from "./vpc.js";
import { parseWardFlow } from "./ward-jsonl.js";

export type FlowLog = { readonly flows: readonly Flow[]; readonly skipped: ReadonlyMap<string, number> };

/**
 * Flow files → flows. Each line is one record: a JSON object is a Hubble flow (it has `flow`, or `verdict` and
 * `source`) or a Ward flow (`from`/`to`); any other line is an AWS VPC flow log record. Blank lines and # comments
 * are ignored. Every bad line is reported with file:line, then one InputError carries them all.
 */
export function parseFlows(inputs: readonly { file: string; text: string }[]): FlowLog {
  const flows: Flow[] = [];
  const problems: InputProblem[] = [];
  const skipped = new Map<string, number>();
  for (const { file, text } of inputs) {
    text.split("\n").forEach((raw, i) => {
      const line = i + 1;
      const t = raw.trim();
      if (t === "" || t.startsWith("#")) return;
      let result: ReturnType<typeof parseHubble>;
      if (t.startsWith("{")) {
        let value: unknown;
        try {
          value = JSON.parse(t);
        } catch (e) {
          problems.push({ code: "json-syntax", message: `not a JSON object: ${(e as Error).message}`, file, line });
          return;
        }
        const obj = value as Record<string, unknown>;
        result =
          "from" in obj || "to" in obj
            ? parseWardFlow(obj, file, line)
            : "flow" in obj || "verdict" in obj
              ? parseHubble(obj, file, line)
              : 'a JSON line must be a Hubble flow ({"flow": …}) or a Ward flow ({"from", "to", "port"})';
      } else result = parseVpc(t, file, line);
      if (typeof result === "string") problems.push({ code: "invalid-flow", message: result, file, line });
      else if ("skip" in result) skipped.set(result.skip, (skipped.get(result.skip) ?? 0) + 1);
      else flows.push(result);
    });
  }
  if (problems.length > 0) throw new InputError(problems);
  return { flows, skipped };
}

/** Reads flow files (any extension) or "-" for standard input. */
export async function readFlows(paths: readonly string[], stdin?: () => Promise<string>): Promise<FlowLog> {
  const inputs: { file: string; text: string }[] = [];
  const problems: InputProblem[] = [];
  for (const p of paths) {
    try {
      inputs.push(
        p === "-" && stdin ? { file: STDIN_NAME, text: await stdin() } : { file: p, text: await readFile(p, "utf8") },
      );
    } catch (e) {
      const code = (e as NodeJS.ErrnoException).code;
      problems.push({
        code: code === "ENOENT" ? "not-found" : "unreadable",
        message: code === "ENOENT" ? `no such file: ${p}` : `cannot read ${p}: ${(e as Error).message}`,
        file: p,
        line: 0,
      });
    }
  }
  if (problems.length > 0) throw new InputError(problems);
  return parseFlows(inputs);
}
