/**
 * Turning on `use-sigstore-attachments` for one scope in a registries.d directory, so that
 * a `sigstoreSigned` requirement set by `image trust set` finds the signatures it needs.
 * The file that already configures the scope is edited in place (its comments and other
 * keys kept); otherwise a file named after the scope is written.
 *
 * @module
 */
import { ConfigError } from "../errors.ts";
import { type FileSystem, isNotFound, writeFileAtomic } from "../fs/mod.ts";
import { loadRegistriesD } from "../config/registries_d.ts";

/** The YAML path of `scope`'s section: `default-docker`, or `docker` then the scope. */
function sectionPath(scope: string): string[] {
  return scope === "default" ? ["default-docker"] : ["docker", scope];
}

/** A file name for `scope`: its characters outside `[A-Za-z0-9._-]` become `_`. */
function fileNameOf(scope: string): string {
  return `${scope === "default" ? "default-docker" : scope.replace(/[^A-Za-z0-9._-]/g, "_")}.yaml`;
}

function join(dir: string, name: string): string {
  return `${dir.replace(/\/+$/, "")}/${name}`;
}

async function yamlFiles(fs: FileSystem, dir: string): Promise<string[]> {
  try {
    return (await fs.readDir(dir)).filter((name) => name.endsWith(".yaml")).sort();
  } catch (error) {
    if (isNotFound(error)) return [];
    throw new ConfigError(dir, `cannot list the directory (${(error as Error).message})`);
  }
}

/**
 * Makes the registries.d directory `dir` enable sigstore attachments for `scope` (a
 * docker scope, or `default` for `default-docker`); resolves with the file written, or
 * `undefined` when they were enabled already.
 *
 * @throws {ConfigError} when the directory's configuration is invalid (nothing is written).
 */
export async function enableSigstoreAttachments(
  fs: FileSystem,
  dir: string,
  scope: string,
): Promise<string | undefined> {
  // Refuse to edit a directory containers/image would refuse to read.
  const current = await loadRegistriesD({ fs, dir, homeDir: "/" });
  const section = scope === "default" ? current.defaultDocker : current.docker[scope];
  if (section?.useSigstoreAttachments === true) return undefined;
  const { parseDocument } = await import("yaml");
  const path = sectionPath(scope);
  const names = await yamlFiles(fs, dir);
  let file: string | undefined;
  if (section !== undefined) {
    for (const name of names) {
      const doc = parseDocument(await fs.readTextFile(join(dir, name)));
      if (doc.hasIn(path)) {
        file = name;
        break;
      }
    }
  }
  file ??= fileNameOf(scope);
  const target = join(dir, file);
  let text = "";
  if (names.includes(file)) text = await fs.readTextFile(target);
  const doc = parseDocument(text);
  // An empty `docker:` (YAML null) holds nothing: it becomes a mapping.
  if (path.length > 1 && doc.has(path[0]) && doc.get(path[0]) === null) {
    doc.set(path[0], doc.createNode({}));
  }
  const existing = doc.getIn(path);
  if (existing === null || existing === undefined || typeof existing !== "object") {
    doc.setIn(path, doc.createNode({ "use-sigstore-attachments": true }));
  } else {
    doc.setIn([...path, "use-sigstore-attachments"], true);
  }
  await fs.mkdir(dir, { recursive: true });
  await writeFileAtomic(fs, target, doc.toString(), { mode: 0o644 });
  return target;
}
