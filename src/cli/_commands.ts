/**
 * The table of subcommands: names, aliases and the module of each (a command's code is
 * only loaded when it runs, by module name: see `_modules.ts`).
 *
 * @module
 */
import type { Command } from "./_command.ts";
import { type CliModuleName, loadCliModule } from "./_modules.ts";

type CommandModule = { command: Command } | { commands: Record<string, Command> };

interface Entry {
  summary: string;
  load: () => Promise<Command>;
}

/** The command of module `src/cli/NAME.ts` (its `command`, or its `commands[key]`). */
function one(name: CliModuleName, key?: string): () => Promise<Command> {
  return async () => {
    const module = await loadCliModule<CommandModule>(name);
    return "command" in module ? module.command : module.commands[key!];
  };
}

const images = one("images");
const inspect = one("inspect");
const rmi = one("rmi");
const tag = one("tag", "tag");
const untag = one("tag", "untag");
const pull = one("pull");
const history = one("history");
const push = one("push");
const save = one("save");
const load = one("load");
const importCmd = one("import");
const search = one("search");
const prune = one("prune");
const tree = one("tree");
const exists = one("exists");
const unpack = one("unpack");
const manifest = (key: string) => one("manifest", key);

/** Every command line, by its words (`image ls`), with a one-line summary. */
export const COMMANDS: Record<string, Entry> = {
  pull: { summary: "Pull an image from a registry", load: pull },
  push: { summary: "Push an image to a registry", load: push },
  copy: { summary: "Copy an image from one location to another", load: one("copy") },
  save: { summary: "Save images to an archive", load: save },
  load: { summary: "Load images from an archive", load },
  import: { summary: "Import a tarball as a filesystem image", load: importCmd },
  search: { summary: "Search a registry for an image", load: search },
  images: { summary: "List images in local storage", load: images },
  inspect: { summary: "Display the configuration of an image", load: inspect },
  rmi: { summary: "Remove one or more images from local storage", load: rmi },
  tag: { summary: "Add an additional name to a local image", load: tag },
  untag: { summary: "Remove a name from a local image", load: untag },
  history: { summary: "Show the history of an image", load: history },
  events: { summary: "Show image events", load: one("events") },
  login: { summary: "Log in to a container registry", load: one("login") },
  logout: { summary: "Log out of a container registry", load: one("logout") },
  unpack: { summary: "Unpack an image's layers into a directory", load: unpack },
  info: { summary: "Display stevedore information", load: one("info") },
  version: { summary: "Display the stevedore version", load: one("version") },
  serve: { summary: "Serve the image API over HTTP", load: one("serve") },
  "generate-sigstore-key": {
    summary: "Generate a sigstore public/private key pair",
    load: one("generate_sigstore_key"),
  },
  "image ls": { summary: "List images in local storage", load: images },
  "image list": { summary: "List images in local storage", load: images },
  "image inspect": { summary: "Display the configuration of an image", load: inspect },
  "image rm": { summary: "Remove one or more images", load: rmi },
  "image tag": { summary: "Add an additional name to a local image", load: tag },
  "image untag": { summary: "Remove a name from a local image", load: untag },
  "image pull": { summary: "Pull an image from a registry", load: pull },
  "image push": { summary: "Push an image to a registry", load: push },
  "image save": { summary: "Save images to an archive", load: save },
  "image load": { summary: "Load images from an archive", load },
  "image import": { summary: "Import a tarball as a filesystem image", load: importCmd },
  "image search": { summary: "Search a registry for an image", load: search },
  "image history": { summary: "Show the history of an image", load: history },
  "image prune": { summary: "Remove unused images", load: prune },
  "image tree": { summary: "Print the layer hierarchy of an image", load: tree },
  "image exists": { summary: "Check if an image exists in local storage", load: exists },
  "image unpack": { summary: "Unpack an image's layers into a directory", load: unpack },
  "image trust show": {
    summary: "Display the trust policy",
    load: one("trust", "show"),
  },
  "image trust set": {
    summary: "Set the trust policy of a registry or repository",
    load: one("trust", "set"),
  },
  "manifest create": { summary: "Create a manifest list", load: manifest("create") },
  "manifest add": { summary: "Add images or artifacts to a manifest list", load: manifest("add") },
  "manifest remove": { summary: "Remove an entry from a manifest list", load: manifest("remove") },
  "manifest annotate": {
    summary: "Annotate an entry of a manifest list",
    load: manifest("annotate"),
  },
  "manifest inspect": { summary: "Display a manifest list", load: manifest("inspect") },
  "manifest push": { summary: "Push a manifest list to a registry", load: manifest("push") },
  "manifest rm": { summary: "Remove manifest lists from local storage", load: manifest("rm") },
};

/** The command groups (words that need a second word). */
export const GROUPS = ["image", "manifest", "image trust"];
