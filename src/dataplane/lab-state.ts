import { mkdir, readFile, rename, rm, writeFile } from "node:fs/promises";
import { join } from "node:path";
import type { LabPlan } from "./lab-plan.js";
import type { RulesetStats } from "./nftables/render.js";

/**
 * Everything a lab created, written before anything is created (status "creating") and updated as it comes up, so
 * `ward down` removes exactly that, even after a failure half way.
 */
export type LabState = {
  readonly version: 1;
  readonly name: string;
  readonly status: "creating" | "up";
  readonly createdAt: string;
  readonly updatedAt: string;
  /** The inputs the model was loaded from, for display only. */
  readonly sources: readonly string[];
  readonly plan: LabPlan;
  /** Every network namespace of the lab: router, external, pods. */
  readonly namespaces: readonly string[];
  /** The model as enforced (model-snapshot.ts). */
  readonly model: unknown;
  readonly responder?: { readonly pid: number; readonly log: string };
  readonly ruleset?: { readonly stats: RulesetStats; readonly file: string; readonly appliedAt: string };
};

/** Where lab state lives: $WARD_STATE_DIR, else /run/ward (tmpfs: a reboot forgets labs, as it forgets namespaces). */
export function stateDir(): string {
  return process.env.WARD_STATE_DIR ?? "/run/ward";
}

export const statePath = (lab: string) => join(stateDir(), `${lab}.json`);
export const rulesetPath = (lab: string) => join(stateDir(), `${lab}.nft`);
export const logPath = (lab: string) => join(stateDir(), `${lab}.log`);

export async function readState(lab: string): Promise<LabState | undefined> {
  try {
    return JSON.parse(await readFile(statePath(lab), "utf8")) as LabState;
  } catch (e) {
    if ((e as NodeJS.ErrnoException).code === "ENOENT") return undefined;
    throw e;
  }
}

export async function writeState(state: LabState): Promise<void> {
  await mkdir(stateDir(), { recursive: true });
  const file = statePath(state.name);
  await writeFile(`${file}.tmp`, JSON.stringify(state));
  await rename(`${file}.tmp`, file);
}

export async function removeState(lab: string): Promise<void> {
  await Promise.all([statePath(lab), rulesetPath(lab), logPath(lab)].map((f) => rm(f, { force: true })));
}
