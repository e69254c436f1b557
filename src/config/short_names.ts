/**
 * Short-name resolution: turning `fedora` into the fully-qualified names to pull, or to
 * look up locally, following aliases, `localhost/` and the unqualified-search registries.
 *
 * @module
 */
import {
  isShortName,
  parseDockerRef,
  parseNormalizedName,
  type Reference,
} from "../reference/mod.ts";
import { ShortNameError } from "../errors.ts";
import type { FileSystem } from "../fs/mod.ts";
import { compose, splitName } from "./_refs.ts";
import type { AliasEntry, RegistriesConf, ShortNameMode } from "./registries_conf.ts";
import { addShortNameAlias } from "./short_name_aliases.ts";

/** One name to try pulling. */
export interface PullCandidate {
  /** The fully-qualified reference, with a tag (`:latest` by default) or digest. */
  value: Reference;
  /** True when a successful pull of it should be recorded as an alias (a prompt choice). */
  record: boolean;
}

/** The result of {@linkcode resolveShortName}. */
export interface ShortNameResolution {
  /** The names to try, in order; never empty. */
  candidates: PullCandidate[];
  /**
   * What to print before the first pull attempt, e.g.
   * `Resolved "fedora" as an alias (/etc/containers/registries.conf.d/000-shortnames.conf)`;
   * empty when there is nothing to say.
   */
  description: string;
  /**
   * Records the candidate the user picked as an alias in short-name-aliases.conf; present
   * only after a prompt and when `fs` was given. Call it after a successful pull.
   */
  recordAlias?: (value: Reference) => Promise<void>;
}

/** Options of {@linkcode resolveShortName}. */
export interface ResolveShortNameOptions {
  /**
   * Whether both stdin and stdout are terminals; a function is called only when a prompt
   * would be shown (several candidates, no alias, mode not `disabled`).
   */
  isTTY: boolean | (() => boolean);
  /**
   * Asks the user to pick one of `choices` (the candidates' names); returns the choice.
   * Without it, no prompt is possible, as without a TTY. When it rejects (the user gave
   * up), the resolution fails with a {@linkcode ShortNameError} naming the short name.
   */
  prompt?: (message: string, choices: string[]) => Promise<string>;
  /** Overrides the configured short-name mode. */
  mode?: ShortNameMode;
  /** Resolve every short name to docker.io, ignoring the configuration (compat API). */
  forceDockerHub?: boolean;
  /** Where to record a chosen alias; without it `recordAlias` is not offered. */
  fs?: FileSystem;
}

const MODES = new Set<ShortNameMode>(["enforcing", "permissive", "disabled"]);

/** The alias for `repository`: short-name-aliases.conf first, then registries.conf. */
function lookUpAlias(conf: RegistriesConf, repository: string): AliasEntry | undefined {
  return conf.shortNameAliases.get(repository) ?? conf.aliases.get(repository);
}

function aliasCandidate(alias: Reference, tag?: string, digest?: string): Reference {
  return compose(alias.withoutTagOrDigest(), tag, digest).tagNameOnly();
}

function searchCandidates(registries: string[], name: string): Reference[] {
  return registries.map((registry) => parseNormalizedName(`${registry}/${name}`).tagNameOnly());
}

/**
 * Resolves `name` to the candidates to pull, like containers/image `shortnames.Resolve`:
 * 1. not a short name: itself (`:latest` added);
 * 2. `forceDockerHub`: docker.io;
 * 3. an alias (short-name-aliases.conf over registries.conf), tag/digest carried over;
 * 4. else one candidate per unqualified-search registry (an error when there are none);
 * 5. mode `disabled`, or a single candidate: all of them;
 * 6. no TTY (or no `prompt`): permissive → all, enforcing → {@linkcode ShortNameError};
 * 7. else the user's choice, to be recorded as an alias after a successful pull (no choice:
 *    a {@linkcode ShortNameError}).
 *
 * @example
 * ```ts
 * import { emptyRegistriesConf } from "./registries_conf.ts";
 * import { resolveShortName } from "./short_names.ts";
 * const conf = { ...emptyRegistriesConf(), unqualifiedSearchRegistries: ["quay.io"] };
 * const { candidates } = await resolveShortName(conf, "podman/stable", { isTTY: false });
 * candidates[0].value.toString(); // "quay.io/podman/stable:latest"
 * ```
 */
export async function resolveShortName(
  conf: RegistriesConf,
  name: string,
  options: ResolveShortNameOptions,
): Promise<ShortNameResolution> {
  const mode = options.mode ?? conf.shortNameMode;
  if (!MODES.has(mode)) throw new TypeError(`Unsupported short-name mode "${mode}"`);
  const parsed = parseNormalizedName(name);
  if (!isShortName(name)) {
    return { candidates: [{ value: parsed.tagNameOnly(), record: false }], description: "" };
  }
  const { repository, tag, digest } = splitName(name);
  if (options.forceDockerHub) {
    return {
      candidates: [{ value: parsed.tagNameOnly(), record: false }],
      description: `Resolving "${repository}" to docker.io (enforced by caller)`,
    };
  }
  const alias = lookUpAlias(conf, repository);
  if (alias?.value !== undefined) {
    return {
      candidates: [{ value: aliasCandidate(alias.value, tag, digest), record: false }],
      description: `Resolved "${repository}" as an alias (${alias.file})`,
    };
  }
  const registries = conf.unqualifiedSearchRegistries;
  const origin = conf.unqualifiedSearchRegistriesOrigin;
  if (registries.length === 0) {
    throw new ShortNameError(
      name,
      origin !== undefined
        ? `short-name "${name}" did not resolve to an alias and no unqualified-search registries are defined in "${origin}"`
        : `short-name "${name}" did not resolve to an alias and no containers-registries.conf(5) was found`,
    );
  }
  const description = `Resolving "${repository}" using unqualified-search registries (${origin})`;
  const candidates = searchCandidates(registries, name).map((value) => ({
    value,
    record: false,
  }));
  if (mode === "disabled" || candidates.length === 1) return { candidates, description };
  const prompt = options.prompt;
  const isTTY = typeof options.isTTY === "function" ? options.isTTY : () => options.isTTY;
  if (!prompt || !isTTY()) {
    if (mode === "permissive") return { candidates, description };
    throw new ShortNameError(
      name,
      "short-name resolution enforced but cannot prompt without a TTY",
    );
  }
  let selection: string;
  try {
    selection = await prompt(
      "Please select an image",
      candidates.map((candidate) => candidate.value.toString()),
    );
  } catch (error) {
    throw new ShortNameError(
      name,
      `short-name "${name}": no image selected: ${(error as Error).message}`,
      { cause: error },
    );
  }
  const chosen = parseNormalizedName(selection).tagNameOnly();
  const result: ShortNameResolution = {
    candidates: [{ value: chosen, record: true }],
    description: "",
  };
  const fs = options.fs;
  if (fs) {
    result.recordAlias = async (value: Reference) => {
      await addShortNameAlias(fs, conf.shortNameAliasesPath, repository, value);
      conf.shortNameAliases.set(repository, {
        value: value.withoutTagOrDigest(),
        file: conf.shortNameAliasesPath,
      });
    };
  }
  return result;
}

/** Options of {@linkcode resolveLocally}. */
export interface ResolveLocallyOptions {
  /** Resolve every short name to docker.io only (compat API). */
  forceDockerHub?: boolean;
  /**
   * Append the docker.io normalization of `name` (libimage's backwards-compatible last
   * candidate), unless it is already in the list.
   * @default true
   */
  dockerHubFallback?: boolean;
}

/**
 * The names under which `name` may be stored locally, in the order to try them, like
 * containers/image `shortnames.ResolveLocally` plus libimage's docker.io fallback:
 * a qualified name → itself (`:latest` added); a short name → its alias, then
 * `localhost/<name>`, then `<registry>/<name>` for each unqualified-search registry;
 * finally the docker.io normalization. Never prompts.
 *
 * @example
 * ```ts
 * import { emptyRegistriesConf } from "./registries_conf.ts";
 * import { resolveLocally } from "./short_names.ts";
 * resolveLocally(emptyRegistriesConf(), "busybox").map(String);
 * // ["localhost/busybox:latest", "docker.io/library/busybox:latest"]
 * ```
 */
export function resolveLocally(
  conf: RegistriesConf,
  name: string,
  options: ResolveLocallyOptions = {},
): Reference[] {
  const parsed = parseNormalizedName(name);
  const candidates: Reference[] = [];
  if (!isShortName(name)) {
    candidates.push(parsed.tagNameOnly());
  } else if (options.forceDockerHub) {
    candidates.push(...searchCandidates(["docker.io"], name));
  } else {
    const { repository, tag, digest } = splitName(name);
    const alias = lookUpAlias(conf, repository);
    if (alias?.value !== undefined) candidates.push(aliasCandidate(alias.value, tag, digest));
    candidates.push(...searchCandidates(["localhost", ...conf.unqualifiedSearchRegistries], name));
  }
  if (options.dockerHubFallback ?? true) {
    const fallback = parseDockerRef(name);
    const text = fallback.toString();
    if (!candidates.some((candidate) => candidate.toString() === text)) candidates.push(fallback);
  }
  return candidates;
}
