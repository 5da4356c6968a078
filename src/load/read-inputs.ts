import { readdir, readFile, realpath, stat } from "node:fs/promises";
import { join } from "node:path";
import { InputError, type InputProblem } from "../errors/input-error.js";

/** The text of one input, named for messages ("<stdin>" for standard input). */
export type InputText = { file: string; text: string };

export const STDIN_NAME = "<stdin>";
const EXTENSIONS = /\.(?:ya?ml|json|tf|tfvars)$/i;

async function readStdin(): Promise<string> {
  const chunks: Buffer[] = [];
  for await (const chunk of process.stdin) chunks.push(chunk as Buffer);
  return Buffer.concat(chunks).toString("utf8");
}

/**
 * Reads files, directories (recursively, in sorted order, only .yaml/.yml/.json files) and "-" (standard input).
 * Every path that cannot be read is reported, then one InputError is thrown.
 */
export async function readInputs(paths: string[], stdin?: () => Promise<string>): Promise<InputText[]> {
  const out: InputText[] = [];
  const problems: InputProblem[] = [];
  let stdinText: string | undefined;
  for (const path of paths) {
    if (path === "-") {
      stdinText ??= await (stdin ?? readStdin)();
      out.push({ file: STDIN_NAME, text: stdinText });
      continue;
    }
    let files: string[];
    try {
      const info = await stat(path);
      files = info.isDirectory() ? await listDirectory(path, new Set()) : [path];
    } catch (error) {
      problems.push(readProblem(path, error));
      continue;
    }
    for (const file of files) {
      try {
        out.push({ file, text: await readFile(file, "utf8") });
      } catch (error) {
        problems.push(readProblem(file, error));
      }
    }
  }
  if (problems.length > 0) throw new InputError(problems);
  return out;
}

function readProblem(path: string, error: unknown): InputProblem {
  const code = (error as NodeJS.ErrnoException).code;
  if (code === "ENOENT" || code === "ENOTDIR") {
    return { code: "not-found", message: `no such file or directory: ${path}`, file: path, line: 0 };
  }
  const reason = error instanceof Error ? error.message : String(error);
  return { code: "unreadable", message: `cannot read ${path}: ${reason}`, file: path, line: 0 };
}

/** Files under `dir` with a manifest extension, sorted by path; symlinked directories are followed once. */
async function listDirectory(dir: string, seen: Set<string>): Promise<string[]> {
  const real = await realpath(dir);
  if (seen.has(real)) return [];
  seen.add(real);
  const entries = await readdir(dir, { withFileTypes: true });
  entries.sort((a, b) => (a.name < b.name ? -1 : a.name > b.name ? 1 : 0));
  const out: string[] = [];
  for (const entry of entries) {
    const path = join(dir, entry.name);
    let isDir = entry.isDirectory();
    let isFile = entry.isFile();
    if (entry.isSymbolicLink()) {
      try {
        const info = await stat(path);
        isDir = info.isDirectory();
        isFile = info.isFile();
      } catch {
        continue; // a dangling link
      }
    }
    if (isDir) out.push(...(await listDirectory(path, seen)));
    else if (isFile && EXTENSIONS.test(entry.name)) out.push(path);
  }
  return out;
}
