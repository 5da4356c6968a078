import { checkLabName } from "./lab-plan.js";
import { readState, removeState } from "./lab-state.js";
import { listNamespaces } from "./netns/ip.js";
import { deleteNamespaces } from "./netns/topology.js";
import { stopResponder } from "./server/start-responder.js";

export type DownResult = {
  readonly lab: string;
  /** False when there was no such lab (down is idempotent). */
  readonly found: boolean;
  readonly responderStopped: boolean;
  readonly deleted: readonly string[];
  /** Namespaces of the lab that still exist after deletion (should be none), and why. */
  readonly leftovers: readonly string[];
  readonly error?: string;
};

/**
 * `ward down`: stops the responder (its sockets pin the namespaces), deletes every namespace the lab recorded —
 * their veths, routes and nftables tables go with them; nothing was created outside them — and forgets the lab.
 */
export async function labDown(name: string): Promise<DownResult> {
  checkLabName(name);
  const state = await readState(name);
  if (state === undefined) return { lab: name, found: false, responderStopped: false, deleted: [], leftovers: [] };
  const responderStopped = state.responder ? await stopResponder(state.responder.pid, name) : false;
  const { deleted, error } = await deleteNamespaces(state.namespaces);
  const remaining = new Set(await listNamespaces());
  const leftovers = state.namespaces.filter((n) => remaining.has(n));
  if (leftovers.length === 0) {
    await removeState(name);
    return { lab: name, found: true, responderStopped, deleted, leftovers };
  }
  // The state stays, so `ward down` can be run again.
  return { lab: name, found: true, responderStopped, deleted, leftovers, ...(error === undefined ? {} : { error }) };
}
