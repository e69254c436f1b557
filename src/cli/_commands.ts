/**
 * The table of subcommands: names, aliases and lazy loaders (a command's code is only
 * loaded when it runs, which keeps start-up short).
 *
 * @module
 */
import type { Command } from "./_command.ts";

type Loader = () => Promise<{ command: Command } | { commands: Record<string, Command> }>;

interface Entry {
  summary: string;
  load: () => Promise<Command>;
}

function one(load: Loader, key?: string): () => Promise<Command> {
  return async () => {
    const module = await load();
    return "command" in module ? module.command : module.commands[key!];
  };
}

const images = one(() => import("./images.ts"));
const inspect = one(() => import("./inspect.ts"));
const rmi = one(() => import("./rmi.ts"));
const tag = one(() => import("./tag.ts"), "tag");
const untag = one(() => import("./tag.ts"), "untag");
const pull = one(() => import("./pull.ts"));
const history = one(() => import("./history.ts"));
const push = one(() => import("./push.ts"));
const save = one(() => import("./save.ts"));
const load = one(() => import("./load.ts"));
const importCmd = one(() => import("./import.ts"));
const search = one(() => import("./search.ts"));
const prune = one(() => import("./prune.ts"));
const tree = one(() => import("./tree.ts"));
const exists = one(() => import("./exists.ts"));
const unpack = one(() => import("./unpack.ts"));
const manifest = (key: string) => one(() => import("./manifest.ts"), key);

/** Every command line, by its words (`image ls`), with a one-line summary. */
export const COMMANDS: Record<string, Entry> = {
  pull: { summary: "Pull an image from a registry", load: pull },
  push: { summary: "Push an image to a registry", load: push },
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
  events: { summary: "Show image events", load: one(() => import("./events.ts")) },
  login: { summary: "Log in to a container registry", load: one(() => import("./login.ts")) },
  logout: { summary: "Log out of a container registry", load: one(() => import("./logout.ts")) },
  unpack: { summary: "Unpack an image's layers into a directory", load: unpack },
  info: { summary: "Display stevedore information", load: one(() => import("./info.ts")) },
  version: { summary: "Display the stevedore version", load: one(() => import("./version.ts")) },
  serve: { summary: "Serve the image API over HTTP", load: one(() => import("./serve.ts")) },
  "generate-sigstore-key": {
    summary: "Generate a sigstore public/private key pair",
    load: one(() => import("./generate_sigstore_key.ts")),
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
    load: one(() => import("./trust.ts"), "show"),
  },
  "image trust set": {
    summary: "Set the trust policy of a registry or repository",
    load: one(() => import("./trust.ts"), "set"),
  },
  "manifest create": { summary: "Create a manifest list", load: manifest("create") },
  "manifest add": { summary: "Add an image to a manifest list", load: manifest("add") },
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
