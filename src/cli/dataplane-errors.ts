import { CompileError, HostError, LabError } from "../dataplane/errors.js";
import { UsageError } from "../errors/input-error.js";

/** Lab, host and compile problems are the user's to fix (exit 2); a failing ip or nft command stays internal. */
export async function dataplaneErrors<T>(fn: () => Promise<T>): Promise<T> {
  try {
    return await fn();
  } catch (e) {
    if (e instanceof LabError || e instanceof HostError || e instanceof CompileError) throw new UsageError(e.message);
    throw e;
  }
}
