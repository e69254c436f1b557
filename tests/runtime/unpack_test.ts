import { describe, it } from "node:test";
import assert from "node:assert/strict";
import { execFileSync } from "node:child_process";
import { existsSync } from "node:fs";
import { lstat, mkdir, readdir, readFile, readlink, rm } from "node:fs/promises";
import { join } from "node:path";
import { ImageNotFoundError, InvalidArchiveError } from "../../src/errors.ts";
import { type LayerEntry, layerTar, storeLayeredImage } from "./_layer_tar.ts";
import { openUnpackRuntime } from "./_unpack_env.ts";
import { runtimeParts } from "../../src/runtime/mod.ts";

const UMOCI = "/usr/bin/umoci";

interface Node {
  kind: string;
  mode: number;
  target?: string;
  content?: string;
  ino: number;
}

async function walk(
  root: string,
  rel = "",
  out = new Map<string, Node>(),
): Promise<Map<string, Node>> {
  for (const name of (await readdir(join(root, rel))).sort()) {
    const path = rel === "" ? name : `${rel}/${name}`;
    const info = await lstat(join(root, path));
    const node: Node = {
      kind: info.isSymbolicLink() ? "symlink" : info.isDirectory() ? "dir" : "file",
      mode: info.mode & 0o7777,
      ino: info.ino,
    };
    if (info.isSymbolicLink()) node.target = await readlink(join(root, path));
    else if (info.isFile()) node.content = await readFile(join(root, path), "utf8");
    out.set(path, node);
    if (info.isDirectory()) await walk(root, path, out);
  }
  return out;
}

const BASE: LayerEntry[] = [
  { name: "bin/", type: "dir" },
  { name: "bin/busybox", body: "#!busybox", mode: 0o755 },
  { name: "bin/sh", type: "symlink", linkname: "busybox" },
  { name: "bin/ls", type: "link", linkname: "bin/busybox" },
  { name: "etc/", type: "dir" },
  { name: "etc/passwd", body: "root:x:0:0\n" },
  { name: "etc/shadow", body: "secret", mode: 0o600 },
  { name: "etc/alt", type: "symlink", linkname: "/usr/lib" },
  { name: "usr/", type: "dir" },
  { name: "usr/lib/", type: "dir", mode: 0o750 },
  { name: "usr/lib/libc.so", body: "libc" },
  { name: "lib", type: "symlink", linkname: "usr/lib" },
  { name: "opt/", type: "dir" },
  { name: "opt/a", body: "a" },
  { name: "opt/sub/", type: "dir" },
  { name: "opt/sub/b", body: "b" },
  { name: "var/", type: "dir" },
  { name: "var/old", body: "old" },
  { name: "var/keep", body: "keep" },
  { name: "ro/", type: "dir", mode: 0o555 },
  { name: "ro/file", body: "ro" },
  { name: "swap", body: "file first" },
];

const TOP: LayerEntry[] = [
  { name: "var/.wh.old" },
  { name: "opt/", type: "dir", mode: 0o700 },
  { name: "opt/.wh..wh..opq" },
  { name: "opt/c", body: "c" },
  { name: "etc/alt/newlib.so", body: "new" },
  { name: "etc/passwd", body: "changed\n", mode: 0o640 },
  { name: "ro/file2", body: "ro2" },
  { name: "swap", type: "symlink", linkname: "etc/passwd" },
  { name: "fifo", type: "fifo" },
];

async function setup() {
  const { dir, runtime, warnings } = await openUnpackRuntime();
  return { dir, runtime, warnings };
}

// A refused unpack leaves nothing outside and removes the root it created.
async function noneOutside(dir: string, outside: string): Promise<void> {
  assert.deepEqual(await readdir(outside), []);
  assert.deepEqual((await readdir(dir)).sort(), ["outside", "registries.conf", "store"]);
}

describe("unpack", () => {
  it("applies layers with whiteouts, opaque dirs and links like umoci", async () => {
    const { dir, runtime, warnings } = await setup();
    try {
      await storeLayeredImage(runtimeParts(runtime).store, "localhost/unpack:latest", [
        layerTar(BASE),
        layerTar(TOP),
      ]);
      const target = join(dir, "rootfs");
      const result = await runtime.unpack("unpack", target);
      assert.equal(result.layers, 2);
      const ours = await walk(target);
      assert.equal(ours.has("var/old"), false);
      assert.equal(ours.get("var/keep")?.content, "keep");
      assert.deepEqual([...ours.keys()].filter((p) => p.startsWith("opt/")), ["opt/c"]);
      assert.equal(ours.get("opt")?.mode, 0o700);
      assert.equal(ours.get("usr/lib/newlib.so")?.content, "new");
      assert.equal(ours.get("etc/passwd")?.content, "changed\n");
      assert.equal(ours.get("etc/passwd")?.mode, 0o640);
      assert.equal(ours.get("etc/shadow")?.mode, 0o600);
      assert.equal(ours.get("bin/sh")?.target, "busybox");
      assert.equal(ours.get("bin/ls")?.ino, ours.get("bin/busybox")?.ino);
      assert.equal(ours.get("swap")?.target, "etc/passwd");
      assert.equal(ours.get("ro")?.mode, 0o555);
      assert.equal(ours.has("fifo"), false);
      assert.ok(warnings.some((w) => w.includes("fifo")));
      const mtime = (await lstat(join(target, "usr/lib/libc.so"))).mtimeMs;
      assert.equal(mtime, 1_600_000_000_000);

      assert.ok(existsSync(UMOCI), `umoci is needed at ${UMOCI}`);
      {
        const bundle = join(dir, "bundle");
        execFileSync(UMOCI, [
          "unpack",
          "--rootless",
          "--image",
          `${join(dir, "store")}:localhost/unpack:latest`,
          bundle,
        ], { stdio: "pipe" });
        const theirs = await walk(join(bundle, "rootfs"));
        theirs.delete("fifo"); // umoci creates FIFOs; we skip special files
        assert.deepEqual([...ours.keys()].sort(), [...theirs.keys()].sort());
        for (const [path, node] of ours) {
          const other = theirs.get(path)!;
          assert.equal(node.kind, other.kind, path);
          assert.equal(node.mode, other.mode, `${path} mode`);
          assert.equal(node.target, other.target, path);
          assert.equal(node.content, other.content, path);
        }
        assert.equal(theirs.get("bin/ls")?.ino, theirs.get("bin/busybox")?.ino);
        await rm(bundle, { recursive: true, force: true }).catch(() => {});
      }
    } finally {
      await rm(dir, { recursive: true, force: true });
    }
  });

  it("unpacks the image of the asked platform and rejects unknown images", async () => {
    const { dir, runtime } = await setup();
    try {
      await storeLayeredImage(runtimeParts(runtime).store, "localhost/arm:latest", [
        layerTar([{ name: "arm", body: "arm" }]),
      ], { os: "linux", architecture: "arm64" });
      await assert.rejects(
        runtime.unpack("localhost/arm", join(dir, "x"), { platform: "linux/amd64" }),
        ImageNotFoundError,
      );
      await runtime.unpack("localhost/arm", join(dir, "x"), { platform: "linux/arm64" });
      assert.equal(await readFile(join(dir, "x", "arm"), "utf8"), "arm");
      await assert.rejects(runtime.unpack("localhost/arm", ""), TypeError);
    } finally {
      await rm(dir, { recursive: true, force: true });
    }
  });

  const hostile: [string, LayerEntry[]][] = [
    ["a symlink leaving the root, then a write through it", [
      { name: "escape", type: "symlink", linkname: "../outside" },
      { name: "escape/pwned", body: "pwned" },
    ]],
    ["an absolute symlink climbing above the root", [
      { name: "up", type: "symlink", linkname: "/../../outside" },
      { name: "up/pwned", body: "pwned" },
    ]],
    ["a chain of symlinks leaving the root", [
      { name: "a/", type: "dir" },
      { name: "a/b", type: "symlink", linkname: "../c" },
      { name: "c", type: "symlink", linkname: "../outside" },
      { name: "a/b/pwned", body: "pwned" },
    ]],
    ["a ../ entry name", [{ name: "../outside/pwned", body: "pwned" }]],
    ["a nested ../ entry name", [{ name: "x/../../outside/pwned", body: "pwned" }]],
    ["an absolute hard link target", [{ name: "hl", type: "link", linkname: "/etc/passwd" }]],
    ["a hard link target through ../", [{ name: "hl", type: "link", linkname: "../outside/x" }]],
    ["a hard link through an escaping symlink", [
      { name: "out", type: "symlink", linkname: "../outside" },
      { name: "hl", type: "link", linkname: "out/x" },
    ]],
    ["a whiteout through an escaping symlink", [
      { name: "out", type: "symlink", linkname: "../../outside" },
      { name: "out/.wh.x" },
    ]],
  ];
  for (const [title, entries] of hostile) {
    it(`refuses ${title}`, async () => {
      const { dir, runtime } = await setup();
      try {
        const outside = join(dir, "outside");
        await mkdir(outside);
        await storeLayeredImage(runtimeParts(runtime).store, "localhost/evil:latest", [
          layerTar(entries),
        ]);
        const error = await runtime.unpack("localhost/evil", join(dir, "root")).then(
          () => undefined,
          (e) => e,
        );
        assert.ok(error instanceof InvalidArchiveError, String(error));
        await noneOutside(dir, outside);
      } finally {
        await rm(dir, { recursive: true, force: true });
      }
    });
  }
});
