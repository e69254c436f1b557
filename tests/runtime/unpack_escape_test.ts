// Hostile layers that swap a directory for a symbolic link (absolute, relative, nested,
// chained, looping), whiteouts and opaque markers through links, final-component links and
// hard links to swapped paths: unpack must never touch anything outside its destination.
// Each case records a sentinel tree outside the destination (content, mode, owner, times,
// link counts) before the unpack and compares it after.
import { describe, it } from "node:test";
import assert from "node:assert/strict";
import { lstat, mkdir, mkdtemp, readdir, readFile, readlink, rm } from "node:fs/promises";
import { tmpdir } from "node:os";
import { join, relative } from "node:path";
import { InvalidArchiveError } from "../../src/errors.ts";
import { type LayerEntry, layerTar, storeLayeredImage } from "./_layer_tar.ts";
import { IS_ROOT, plantSentinel, snapshot } from "./_sentinel.ts";
import { openUnpackRuntime } from "./_unpack_env.ts";
import { runtimeParts } from "../../src/runtime/mod.ts";

/** Where the links of a case lead: the sentinel folder, by absolute or relative path. */
interface Targets {
  /** The sentinel folder (absolute path, or relative to a link at `depth` below the root). */
  out(depth: number): string;
}

type Outcome = "ok" | "refused";

interface Case {
  title: string;
  layers(t: Targets): LayerEntry[][];
  /**
   * Whether unpack succeeds or refuses the image (a typed `InvalidArchiveError`), for
   * both kinds of links or for absolute and relative ones: an absolute link is read
   * inside the root, a relative one leading above it is refused.
   */
  expect: Outcome | { absolute: Outcome; relative: Outcome };
  /** Checks inside the destination once unpacked. */
  check?(dest: string): Promise<void>;
}

// The directory metadata a hostile layer wants applied outside.
const HOSTILE = { mode: 0o777, uid: 4242, gid: 4242, mtime: 1_600_000_000 };

const swapped = (name: string) => ({ name, type: "dir" as const, ...HOSTILE });
const link = (name: string, linkname: string) => ({ name, type: "symlink" as const, linkname });

async function isLink(path: string): Promise<boolean> {
  return (await lstat(path)).isSymbolicLink();
}

const CASES: Case[] = [
  {
    title: "a directory swapped for a link after its child",
    layers: (t) => [[{ name: "d/", type: "dir" }, swapped("d/x/"), link("d", t.out(0))]],
    expect: "ok",
    check: async (dest) => assert.ok(await isLink(join(dest, "d"))),
  },
  {
    title: "a directory swapped for a link in a later layer",
    layers: (t) => [[{ name: "d/", type: "dir" }, swapped("d/x/")], [link("d", t.out(0))]],
    expect: "ok",
  },
  {
    title: "a directory whited out, then recreated as a link",
    layers: (t) => [[{ name: "d/", type: "dir" }, swapped("d/x/")], [
      { name: ".wh.d" },
      link("d", t.out(0)),
    ]],
    expect: "ok",
  },
  {
    title: "a nested directory swapped for a link",
    layers: (t) => [[
      { name: "a/", type: "dir" },
      { name: "a/b/", type: "dir" },
      swapped("a/b/x/"),
      swapped("a/b/x/x/"),
      link("a/b", t.out(1)),
    ]],
    expect: "ok",
  },
  {
    title: "a top directory swapped for a link above a nested one",
    layers: (t) => [[
      { name: "a/", type: "dir" },
      swapped("a/x/"),
      swapped("a/x/x/"),
      link("a", t.out(0)),
    ]],
    expect: "ok",
  },
  {
    title: "a directory swapped for a chain of links",
    layers: (t) => [[
      { name: "d/", type: "dir" },
      swapped("d/x/"),
      link("c2", t.out(0)),
      link("c1", "c2"),
      link("d", "./c1"),
    ]],
    expect: "ok",
  },
  {
    title: "a directory swapped for a looping link",
    layers: () => [[{ name: "d/", type: "dir" }, swapped("d/x/"), link("d", "e"), link("e", "d")]],
    expect: "ok",
  },
  {
    title: "a write through a looping link",
    layers: () => [[link("d", "e"), link("e", "d"), swapped("d/x/")]],
    expect: "refused",
  },
  {
    title: "a directory swapped for a link into the root, then written again",
    layers: (t) => [[
      { name: "d/", type: "dir" },
      swapped("d/x/"),
      { name: "e/", type: "dir" },
      { name: "e/x/", type: "dir", mode: 0o705 },
      link("d", "e"),
      link("e2", t.out(0)),
    ]],
    expect: "ok",
    check: async (dest) => {
      // d/x was replaced with d: its metadata belongs to nothing now, and e/x keeps its own.
      assert.equal((await lstat(join(dest, "e/x"))).mode & 0o7777, 0o705);
    },
  },
  {
    title: "a whiteout through a link",
    layers: (t) => [[link("d", t.out(0))], [{ name: "d/.wh.x" }, { name: "d/.wh.f" }]],
    expect: { absolute: "ok", relative: "refused" },
    check: async (dest) => assert.deepEqual(await readdir(dest), ["d"]),
  },
  {
    title: "a whiteout of a link",
    layers: (t) => [[link("d", t.out(0))], [{ name: ".wh.d" }]],
    expect: "ok",
  },
  {
    title: "an opaque marker through a link",
    layers: (t) => [[link("d", t.out(0))], [{ name: "d/.wh..wh..opq" }]],
    expect: { absolute: "ok", relative: "refused" },
    check: async (dest) => assert.deepEqual(await readdir(dest), ["d"]),
  },
  {
    title: "an opaque marker over a directory holding links",
    layers: (
      t,
    ) => [[{ name: "o/", type: "dir" }, link("o/l", t.out(1)), link("o/x", `${t.out(1)}/x`)], [
      { name: "o/.wh..wh..opq" },
      { name: "o/n", body: "new" },
    ]],
    expect: "ok",
    check: async (dest) => assert.equal(await readFile(join(dest, "o/n"), "utf8"), "new"),
  },
  {
    title: "a directory entry over a link (final component)",
    layers: (
      t,
    ) => [[link("x", `${t.out(0)}/x`)], [swapped("x/"), { name: "x/keep", body: "pwned" }]],
    expect: "ok",
    check: async (dest) => {
      const info = await lstat(join(dest, "x"));
      assert.ok(info.isDirectory());
      assert.equal(info.mode & 0o7777, 0o777);
      if (IS_ROOT) assert.equal(info.uid, 4242);
    },
  },
  {
    title: "a file entry over a link (final component)",
    layers: (
      t,
    ) => [[link("f", `${t.out(0)}/f`)], [{ name: "f", body: "pwned", mode: 0o666, uid: 4242 }]],
    expect: "ok",
    check: async (dest) => assert.equal(await readFile(join(dest, "f"), "utf8"), "pwned"),
  },
  {
    title: "a hard link entry over a link (final component)",
    layers: (t) => [[link("f", `${t.out(0)}/f`), { name: "g", body: "g" }], [
      { name: "f", type: "link", linkname: "g" },
    ]],
    expect: "ok",
  },
  {
    title: "a hard link to a path whose directory was swapped for a link",
    layers: (t) => [[
      { name: "d/", type: "dir" },
      { name: "d/f", body: "inner" },
      link("d", t.out(0)),
      { name: "h", type: "link", linkname: "d/f" },
    ]],
    expect: "refused",
  },
  {
    title: "a hard link to a swapped path across layers",
    layers: (t) => [[{ name: "d/", type: "dir" }, { name: "x/keep", body: "inner" }], [
      { name: ".wh.x" },
      link("x", `${t.out(0)}/x`),
    ], [{ name: "h", type: "link", linkname: "x/keep" }]],
    expect: "refused",
  },
  {
    title: "a hard link whose target is a link to outside",
    layers: (t) => [[link("s", `${t.out(0)}/f`), { name: "h", type: "link", linkname: "s" }], [
      { name: "h2", type: "link", linkname: "h" },
    ]],
    expect: "ok",
    check: async (dest) => {
      // The hard link names the link itself, never the file it points to.
      assert.ok(await isLink(join(dest, "h")));
      assert.equal(await readlink(join(dest, "h2")), await readlink(join(dest, "s")));
    },
  },
];

async function unpackCase(item: Case, relativeLinks: boolean): Promise<void> {
  const { dir, runtime } = await openUnpackRuntime("stevedore-escape-");
  const base = await mkdtemp(join(tmpdir(), "stevedore-sentinel-"));
  try {
    await mkdir(join(base, "j", "k"), { recursive: true });
    const dest = join(base, "j", "k", "root");
    await plantSentinel(base);
    const before = await snapshot(base, ["j"]);
    const targets: Targets = {
      out: (depth) => relativeLinks ? "../".repeat(depth) + relative(dest, base) : base,
    };
    await storeLayeredImage(
      runtimeParts(runtime).store,
      "localhost/escape:latest",
      item.layers(targets).map(layerTar),
    );
    const outcome = await runtime.unpack("localhost/escape", dest).then(
      () => undefined,
      (error) => error,
    );
    const expected = typeof item.expect === "string"
      ? item.expect
      : item.expect[relativeLinks ? "relative" : "absolute"];
    if (expected === "ok") assert.equal(outcome, undefined, String(outcome));
    else assert.ok(outcome instanceof InvalidArchiveError, String(outcome));
    assert.deepEqual(await snapshot(base, ["j"]), before);
    if (item.check && outcome === undefined) await item.check(dest);
  } finally {
    await rm(base, { recursive: true, force: true });
    await rm(dir, { recursive: true, force: true });
  }
}

describe("unpack never touches anything outside its destination", () => {
  for (const item of CASES) {
    it(`${item.title} (absolute)`, () => unpackCase(item, false));
    it(`${item.title} (relative)`, () => unpackCase(item, true));
  }
});
