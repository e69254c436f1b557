/**
 * `stevedore manifest create|add|remove|annotate|inspect|push|rm`: local manifest lists
 * like `podman manifest`.
 *
 * @module
 */
import { ArtifactFileError } from "../errors.ts";
import { hostFileSystem, isNotFound } from "../fs/mod.ts";
import type { ManifestListAddArtifactOptions, ManifestListPushOptions } from "../runtime/mod.ts";
import {
  boolFlag,
  expectArgs,
  type FlagSpecs,
  listFlag,
  type ParsedArgs,
  stringFlag,
} from "./_args.ts";
import type { Command, CommandContext } from "./_command.ts";
import { errorLine, EXIT_FAILURE, UsageError } from "./_errors.ts";
import { policyFlags, policyOptions, signingFlags, signingOptions } from "./_trust_flags.ts";
import { transferFlags, transferOptions } from "./_transfer.ts";
import { chunkSizeFlags, chunkSizeOption } from "./_chunk_size.ts";

function keyValues(flag: string, values: string[]): Record<string, string> | undefined {
  if (values.length === 0) return undefined;
  const out: Record<string, string> = {};
  for (const value of values) {
    const eq = value.indexOf("=");
    if (eq <= 0) throw new UsageError(`--${flag}=${value}`, "must be key=value");
    out[value.slice(0, eq)] = value.slice(eq + 1);
  }
  return out;
}

const PLATFORM_FLAGS: FlagSpecs = {
  arch: { type: "string", help: "Override the architecture of the image", valueName: "arch" },
  os: { type: "string", help: "Override the OS of the image", valueName: "os" },
  variant: { type: "string", help: "Override the variant of the image", valueName: "variant" },
  annotation: {
    type: "string",
    multiple: true,
    help: "Set an annotation (key=value)",
    valueName: "annotation",
  },
};

function platformOptions(args: ParsedArgs) {
  const options: {
    os?: string;
    architecture?: string;
    variant?: string;
    annotations?: Record<string, string>;
  } = {};
  const os = stringFlag(args, "os");
  const arch = stringFlag(args, "arch");
  const variant = stringFlag(args, "variant");
  if (os !== undefined) options.os = os;
  if (arch !== undefined) options.architecture = arch;
  if (variant !== undefined) options.variant = variant;
  const annotations = keyValues("annotation", listFlag(args, "annotation"));
  if (annotations) options.annotations = annotations;
  return options;
}

const ARTIFACT_FLAGS: FlagSpecs = {
  artifact: { type: "boolean", help: "Add the arguments as the files of an artifact manifest" },
  "artifact-type": {
    type: "string",
    help: "The artifact manifest's artifactType (default application/vnd.unknown.artifact.v1)",
    valueName: "type",
  },
  "artifact-config": {
    type: "string",
    help: "A file whose contents are the artifact's config blob",
    valueName: "path",
  },
  "artifact-config-type": {
    type: "string",
    help: "The media type of the artifact's config blob",
    valueName: "type",
  },
  "artifact-layer-type": {
    type: "string",
    help: "The media type of the artifact's files (default: guessed)",
    valueName: "type",
  },
  "artifact-exclude-titles": {
    type: "boolean",
    help: 'Do not set "org.opencontainers.image.title" annotations on the files',
  },
  "artifact-subject": {
    type: "string",
    help: "An image the artifact manifest refers to as its subject",
    valueName: "image",
  },
};

/**
 * `manifest add --artifact`: one artifact manifest of `files`, added to the list; the
 * annotations and platform flags apply to its list entry, as with podman.
 */
async function addArtifact(
  ctx: CommandContext,
  args: ParsedArgs,
  name: string,
  files: string[],
): Promise<void> {
  const manifestList = await list(ctx, name);
  const options: ManifestListAddArtifactOptions = {
    ...transferOptions(args),
    excludeTitles: boolFlag(args, "artifact-exclude-titles"),
  };
  const type = stringFlag(args, "artifact-type");
  if (type !== undefined) options.type = type;
  const configType = stringFlag(args, "artifact-config-type");
  if (configType) options.configType = configType;
  const layerType = stringFlag(args, "artifact-layer-type");
  if (layerType) options.layerType = layerType;
  const subject = stringFlag(args, "artifact-subject");
  if (subject) options.subject = subject;
  const configFile = stringFlag(args, "artifact-config");
  if (configFile) {
    try {
      options.config = await hostFileSystem().readFile(configFile);
    } catch (error) {
      if (!isNotFound(error)) throw error;
      throw new ArtifactFileError(configFile, "no such file", { cause: error });
    }
  }
  const digest = await manifestList.addArtifact(options, files);
  const { annotations, ...platform } = platformOptions(args);
  if (annotations !== undefined || Object.keys(platform).length > 0) {
    await manifestList.annotateInstance(digest, { ...platform, annotations });
  }
  await ctx.out((await manifestList.record()).id + "\n");
}

async function list(ctx: CommandContext, name: string) {
  const runtime = await ctx.openRuntime();
  return await runtime.lookupManifestList(name);
}

/** The `manifest` commands, by subcommand. */
export const commands: Record<string, Command> = {
  create: {
    name: "manifest create",
    usage: "stevedore manifest create [options] LIST [IMAGE...]",
    description: "Create a manifest list, optionally adding images to it.",
    flags: {
      ...transferFlags,
      all: { type: "boolean", help: "Add all of the lists' images if the images to add are lists" },
      amend: {
        type: "boolean",
        short: "a",
        help: "Modify an existing list if one with the name exists",
      },
    },
    async run(ctx, args) {
      expectArgs("manifest create", args.positionals, 1);
      const [name, ...images] = args.positionals;
      const runtime = await ctx.openRuntime();
      let manifestList;
      try {
        manifestList = await runtime.createManifestList(name);
      } catch (error) {
        if (!boolFlag(args, "amend")) throw error;
        manifestList = await runtime.lookupManifestList(name);
      }
      for (const image of images) {
        await manifestList.add(image, { ...transferOptions(args), all: boolFlag(args, "all") });
      }
      await ctx.out((await manifestList.record()).id + "\n");
    },
  },
  add: {
    name: "manifest add",
    usage: "stevedore manifest add [options] LIST IMAGE-OR-FILE [IMAGE-OR-FILE...]",
    description: "Add images, or an artifact made of files (--artifact), to a manifest list.",
    flags: {
      ...transferFlags,
      ...PLATFORM_FLAGS,
      ...ARTIFACT_FLAGS,
      all: { type: "boolean", help: "Add all of the list's images if the image is a list" },
    },
    async run(ctx, args) {
      expectArgs("manifest add", args.positionals, 2);
      const [name, ...images] = args.positionals;
      if (boolFlag(args, "artifact")) return await addArtifact(ctx, args, name, images);
      const given = Object.keys(ARTIFACT_FLAGS).filter((flag) =>
        flag !== "artifact" && args.values[flag] !== undefined
      );
      if (given.length > 0) {
        throw new UsageError(`--${given[0]}`, "requires --artifact");
      }
      const manifestList = await list(ctx, name);
      for (const image of images) {
        await manifestList.add(image, {
          ...transferOptions(args),
          ...platformOptions(args),
          all: boolFlag(args, "all"),
        });
      }
      await ctx.out((await manifestList.record()).id + "\n");
    },
  },
  remove: {
    name: "manifest remove",
    usage: "stevedore manifest remove LIST DIGEST",
    description: "Remove an entry from a manifest list.",
    flags: {},
    async run(ctx, args) {
      expectArgs("manifest remove", args.positionals, 2, 2);
      const manifestList = await list(ctx, args.positionals[0]);
      await manifestList.removeInstance(args.positionals[1]);
      await ctx.out((await manifestList.record()).id + "\n");
    },
  },
  annotate: {
    name: "manifest annotate",
    usage: "stevedore manifest annotate [options] LIST DIGEST",
    description: "Add or update information about an entry in a manifest list.",
    flags: {
      ...PLATFORM_FLAGS,
      "os-version": { type: "string", help: "Set the OS version", valueName: "version" },
      "os-features": {
        type: "string",
        multiple: true,
        help: "Set OS features",
        valueName: "features",
      },
      features: { type: "string", multiple: true, help: "Set CPU features", valueName: "features" },
      index: { type: "boolean", help: "Apply the annotations to the list itself" },
    },
    async run(ctx, args) {
      expectArgs("manifest annotate", args.positionals, 2, 2);
      const manifestList = await list(ctx, args.positionals[0]);
      const { annotations, ...platform } = platformOptions(args);
      const options: Parameters<typeof manifestList.annotateInstance>[1] = { ...platform };
      if (annotations) {
        if (boolFlag(args, "index")) options.indexAnnotations = annotations;
        else options.annotations = annotations;
      }
      const osVersion = stringFlag(args, "os-version");
      if (osVersion !== undefined) options.osVersion = osVersion;
      const osFeatures = listFlag(args, "os-features").flatMap((v) => v.split(","));
      if (osFeatures.length > 0) options.osFeatures = osFeatures;
      const features = listFlag(args, "features").flatMap((v) => v.split(","));
      if (features.length > 0) options.features = features;
      await manifestList.annotateInstance(args.positionals[1], options);
      await ctx.out((await manifestList.record()).id + "\n");
    },
  },
  inspect: {
    name: "manifest inspect",
    usage: "stevedore manifest inspect LIST",
    description: "Display the contents of a manifest list.",
    flags: {},
    async run(ctx, args) {
      expectArgs("manifest inspect", args.positionals, 1, 1);
      const manifestList = await list(ctx, args.positionals[0]);
      await ctx.out(JSON.stringify(await manifestList.inspect(), null, 4) + "\n");
    },
  },
  push: {
    name: "manifest push",
    usage: "stevedore manifest push [options] LIST [DESTINATION]",
    description: "Push a manifest list to a registry.",
    flags: {
      ...transferFlags,
      ...policyFlags,
      ...signingFlags,
      ...chunkSizeFlags,
      all: { type: "boolean", help: "Push the images of the list too (default true)" },
      format: {
        type: "string",
        short: "f",
        help: "Manifest type (oci or v2s2) to use",
        valueName: "format",
      },
      rm: { type: "boolean", help: "Remove the manifest list if the push succeeds" },
      quiet: { type: "boolean", short: "q", help: "Do not print progress" },
    },
    async run(ctx, args) {
      expectArgs("manifest push", args.positionals, 1, 2);
      const [name, destination = args.positionals[0]] = args.positionals;
      const { signers, signIdentity } = await signingOptions(args, ctx.io.env);
      const runtime = await ctx.openRuntime(policyOptions(args));
      const manifestList = await runtime.lookupManifestList(name);
      const options: ManifestListPushOptions = {
        ...transferOptions(args),
        selection: boolFlag(args, "all", true) ? "all" : "system",
        ...(signers ? { signers } : {}),
        ...(signIdentity ? { signIdentity } : {}),
      };
      const chunkSize = chunkSizeOption(args);
      if (chunkSize !== undefined) options.chunkSize = chunkSize;
      const format = stringFlag(args, "format");
      if (format !== undefined) {
        const types: Record<string, string> = {
          oci: "application/vnd.oci.image.index.v1+json",
          v2s2: "application/vnd.docker.distribution.manifest.list.v2+json",
        };
        if (!(format in types)) throw new UsageError(`--format=${format}`, "must be oci or v2s2");
        options.manifestType = types[format];
      }
      const dest = destination.includes("://") || /^[a-z-]+:/.test(destination) &&
          !/^[^/]+:\d+\//.test(destination)
        ? destination
        : `docker://${destination}`;
      const digest = await manifestList.push(dest, options);
      if (boolFlag(args, "rm")) {
        const { errors } = await runtime.removeImages([name], { lookupManifest: true });
        for (const error of errors) await ctx.err(errorLine(error));
      }
      await ctx.out(digest + "\n");
    },
  },
  rm: {
    name: "manifest rm",
    usage: "stevedore manifest rm LIST [LIST...]",
    description: "Remove manifest lists from local storage.",
    flags: {},
    async run(ctx, args) {
      expectArgs("manifest rm", args.positionals, 1);
      const runtime = await ctx.openRuntime();
      const { reports, errors } = await runtime.removeImages(args.positionals, {
        lookupManifest: true,
      });
      let text = "";
      for (const report of reports) {
        for (const name of report.untagged) text += `Untagged: ${name}\n`;
        if (report.removed) text += `Deleted: ${report.id}\n`;
      }
      await ctx.out(text);
      for (const error of errors) await ctx.err(errorLine(error));
      return errors.length > 0 ? EXIT_FAILURE : 0;
    },
  },
};
