import type { InputProblem } from "../errors/input-error.js";
import type { Warning } from "../model/model.js";
import { formatPath, type Locator, type Path } from "./positions.js";

/** Where in the input something is: a file and a locator for the object being read. */
export type Site = { readonly file: string; readonly locator: Locator };

/** Collects every problem and warning of a load, so that all of them are reported at once. */
export class Diagnostics {
  readonly problems: InputProblem[] = [];
  readonly warnings: Warning[] = [];

  /** A problem that makes the input invalid; `path` is relative to the site's object. */
  error(code: string, message: string, site: Site, path: Path = []): void {
    const line = site.locator.lineOf(path);
    const problem: InputProblem =
      path.length > 0
        ? { code, message, file: site.file, line, path: formatPath(path) }
        : { code, message, file: site.file, line };
    this.problems.push(problem);
  }

  warn(code: string, message: string, site: Site, path: Path = []): void {
    this.warnings.push({ code, message, file: site.file, line: site.locator.lineOf(path) });
  }

  /** Number of problems so far: compare before and after a check to know whether it found any. */
  get errorCount(): number {
    return this.problems.length;
  }
}
