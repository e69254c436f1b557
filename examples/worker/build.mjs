#!/usr/bin/env node
// Bundles the example Worker for workerd with esbuild (browser platform, nothing
// external), with the WebAssembly kernels as separate `.wasm` modules (decoded from the
// bytes embedded in src/wasm/*_bytes.ts), and fails if the bundle would need a `node:`
// module. With --image it also writes a workerd config (`config.capnp`) that serves the
// Worker and lets it reach public, private and local addresses.
//
// Usage: node examples/worker/build.mjs OUTDIR [--image REF] [--insecure] [--listen ADDR]
//        [--entry FILE]
//   ADDR defaults to 127.0.0.1:8080 (port 0 picks a free one; see workerd --control-fd);
//   FILE (default examples/worker/worker.ts) is another Worker importing ./kernels/*.wasm.
import { mkdirSync, readFileSync, writeFileSync } from "node:fs";
import { dirname, join, resolve } from "node:path";
import { fileURLToPath } from "node:url";
import * as esbuild from "esbuild";

const here = dirname(fileURLToPath(import.meta.url));
const root = join(here, "..", "..");
const KERNELS = ["crc32", "inflate", "sha256"];

/** The kernel `name`'s bytes, from the base64 that wasm/build.mjs embeds. */
function kernelBytes(name) {
  const source = readFileSync(join(root, "src", "wasm", `${name}_bytes.ts`), "utf8");
  const base64 = [...source.slice(source.indexOf("=")).matchAll(/"([A-Za-z0-9+/=]*)"/g)]
    .map((m) => m[1]).join("");
  return Buffer.from(base64, "base64");
}

/**
 * Builds `entry` into `out`; returns the metafile. Throws if anything needs a `node:`
 * module.
 */
export async function buildWorker(out, entry = join(here, "worker.ts")) {
  const kernels = join(out, "kernels");
  mkdirSync(kernels, { recursive: true });
  for (const name of KERNELS) writeFileSync(join(kernels, `${name}.wasm`), kernelBytes(name));
  const result = await esbuild.build({
    entryPoints: [entry],
    outfile: join(out, "worker.js"),
    bundle: true,
    platform: "browser",
    format: "esm",
    target: "es2022",
    loader: { ".wasm": "copy" },
    assetNames: "[name]",
    metafile: true,
    logLevel: "error",
    plugins: [{
      name: "kernels",
      setup(build) {
        build.onResolve({ filter: /^\.\/kernels\/[a-z0-9]+\.wasm$/ }, (args) => ({
          path: join(kernels, args.path.slice("./kernels/".length)),
        }));
      },
    }],
  });
  const needs = [];
  for (const [file, input] of Object.entries(result.metafile.inputs)) {
    for (const imported of input.imports) {
      if (imported.path.startsWith("node:") || imported.external) {
        needs.push(`${file} imports ${imported.path}`);
      }
    }
  }
  writeFileSync(join(out, "meta.json"), JSON.stringify(result.metafile, null, 2));
  if (needs.length > 0) {
    throw new Error(`The Worker bundle needs modules it cannot have:\n${needs.join("\n")}`);
  }
  return result.metafile;
}

/** The workerd config serving the built Worker. */
export function workerdConfig({ image, insecure = false, listen = "127.0.0.1:8080" }) {
  const quote = (text) => JSON.stringify(String(text));
  const modules = [
    `(name = "worker.js", esModule = embed "worker.js")`,
    ...KERNELS.map((name) => `(name = "${name}.wasm", wasm = embed "${name}.wasm")`),
  ];
  const bindings = [`(name = "IMAGE", text = ${quote(image)})`];
  if (insecure) bindings.push(`(name = "INSECURE", text = "1")`);
  return `using Workerd = import "/workerd/workerd.capnp";

const config :Workerd.Config = (
  services = [
    (name = "main", worker = .worker),
    (
      name = "internet",
      network = (allow = ["public", "private", "local"], tlsOptions = (trustBrowserCas = true)),
    ),
  ],
  sockets = [(name = "http", address = ${quote(listen)}, http = (), service = "main")],
);

const worker :Workerd.Worker = (
  modules = [
    ${modules.join(",\n    ")},
  ],
  bindings = [
    ${bindings.join(",\n    ")},
  ],
  compatibilityDate = "2026-01-01",
);
`;
}

if (process.argv[1] && resolve(process.argv[1]) === fileURLToPath(import.meta.url)) {
  const args = process.argv.slice(2);
  const out = args.find((a, i) =>
    !a.startsWith("--") && !args[i - 1]?.match(/^--(image|listen|entry)$/)
  );
  if (out === undefined) {
    console.error(
      "Usage: node examples/worker/build.mjs OUTDIR [--image REF] [--insecure] [--listen ADDR]",
    );
    process.exit(2);
  }
  const flag = (name) => {
    const at = args.indexOf(`--${name}`);
    return at < 0 ? undefined : args[at + 1];
  };
  const entry = flag("entry");
  await buildWorker(resolve(out), entry === undefined ? undefined : resolve(entry));
  const image = flag("image");
  if (image !== undefined) {
    const config = workerdConfig({
      image,
      insecure: args.includes("--insecure"),
      listen: flag("listen"),
    });
    writeFileSync(join(resolve(out), "config.capnp"), config);
  }
  console.log(`built ${join(resolve(out), "worker.js")}`);
}
