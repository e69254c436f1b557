import { describe, it } from "node:test";
import assert from "node:assert/strict";
import { gzipSync } from "node:zlib";
import { mkdir, writeFile } from "node:fs/promises";
import { MemoryFileSystem, NodeFileSystem } from "../../src/fs/mod.ts";
import { CompressionError, InvalidArchiveError } from "../../src/errors.ts";
import {
  AtomicTarWriter,
  BlobTarWriter,
  extractTar,
  openArchiveStream,
  readTarFiles,
  TarWriter,
  writeTarAtomic,
} from "../../src/transports/_tar/mod.ts";
import { DigestMismatchError } from "../../src/errors.ts";
import { sha256 } from "./_helpers.ts";
import { paxRecord, rawTar } from "./_raw_tar.ts";
import { listTree, readAll, streamOf, tempDir } from "./_helpers.ts";

function rejectsWith(reason: string) {
  return (error: unknown) => {
    assert.ok(error instanceof InvalidArchiveError, `expected InvalidArchiveError, got ${error}`);
    assert.equal(error.reason, reason);
    return true;
  };
}

/** Extracts `bytes` into <tmp>/parent/out on disk; checks that nothing lands outside. */
async function extractHostile(bytes: Uint8Array, reason: string): Promise<void> {
  const { path, cleanup } = await tempDir();
  try {
    await mkdir(`${path}/parent`);
    await writeFile(`${path}/parent/marker`, "x");
    await assert.rejects(
      extractTar(new NodeFileSystem(), streamOf(bytes), `${path}/parent/out`, { what: "t.tar" }),
      rejectsWith(reason),
    );
    assert.deepEqual(await listTree(path), ["parent", "parent/marker"]);
  } finally {
    await cleanup();
  }
}

describe("safe tar extraction", () => {
  it("extracts files, folders and links inside the root", async () => {
    const fs = new MemoryFileSystem();
    const bytes = rawTar([
      { name: "./a/", type: "5" },
      { name: "./a/b.txt", body: "hello" },
      { name: "c/d.txt", type: "2", linkname: "../a/b.txt" },
      { name: "e", type: "1", linkname: "a/b.txt" },
    ]);
    const archive = await extractTar(fs, streamOf(bytes), "/out", { what: "t.tar" });
    assert.deepEqual(archive.files(), ["a/b.txt"]);
    assert.equal(new TextDecoder().decode(await archive.readFile("c/d.txt")), "hello");
    assert.equal(new TextDecoder().decode(await archive.readFile("e")), "hello");
    assert.equal(archive.has("nope"), false);
    assert.throws(() => archive.realPath("nope"), rejectsWith("Missing"));
    await archive.remove();
    assert.deepEqual(await fs.readDir("/"), []);
  });

  it("rejects path traversal", () =>
    extractHostile(rawTar([{ name: "../evil", body: "x" }]), "PathEscape"));
  it("rejects nested traversal", () =>
    extractHostile(rawTar([{ name: "a/../../evil", body: "x" }]), "PathEscape"));
  it("rejects absolute paths", () =>
    extractHostile(rawTar([{ name: "/etc/evil", body: "x" }]), "PathEscape"));
  it("rejects symlinks escaping the root", () =>
    extractHostile(rawTar([{ name: "l", type: "2", linkname: "../../x" }]), "LinkEscape"));
  it("rejects absolute symlink targets", () =>
    extractHostile(rawTar([{ name: "l", type: "2", linkname: "/etc/passwd" }]), "LinkEscape"));
  it("rejects hardlinks escaping the root", () =>
    extractHostile(rawTar([{ name: "l", type: "1", linkname: "../x" }]), "LinkEscape"));
  it("rejects writing through a symlink", () =>
    extractHostile(
      rawTar([{ name: "l", type: "2", linkname: "." }, { name: "l/f", body: "x" }]),
      "LinkEscape",
    ));
  it("rejects duplicate entries", () =>
    extractHostile(rawTar([{ name: "a", body: "1" }, { name: "./a", body: "2" }]), "Duplicate"));
  it("rejects a truncated tar", () => {
    const bytes = rawTar([{ name: "a", body: "x".repeat(3000) }]);
    return extractHostile(bytes.subarray(0, 1500), "Truncated");
  });
  it("rejects a tar without end marker cut at a header", () =>
    extractHostile(
      rawTar([{ name: "a", body: "x" }], { end: false }).subarray(0, 512),
      "Truncated",
    ));
  it("rejects a corrupt header", () => {
    const bytes = rawTar([{ name: "a", body: "x" }]);
    bytes[0] ^= 0xff;
    return extractHostile(bytes, "BadHeader");
  });
  it("rejects a 1 MiB pax header", () => {
    const pax = paxRecord("path", "a".repeat(1024 * 1024));
    return extractHostile(
      rawTar([{ name: "PaxHeader", type: "x", body: pax }, { name: "a", body: "x" }]),
      "TooLarge",
    );
  });
  it("rejects a 1 MiB GNU long name", () =>
    extractHostile(
      rawTar([{ name: "././@LongLink", type: "L", body: "b".repeat(1024 * 1024) }, {
        name: "a",
        body: "x",
      }]),
      "TooLarge",
    ));

  it("reports a truncated gzip archive as a CompressionError", async () => {
    const { path, cleanup } = await tempDir();
    try {
      const gz = gzipSync(rawTar([{ name: "a", body: "x".repeat(100000) }]));
      await writeFile(`${path}/t.tar.gz`, gz.subarray(0, gz.length / 2));
      const fs = new NodeFileSystem();
      await mkdir(`${path}/parent`);
      await assert.rejects(
        extractTar(fs, await openArchiveStream(fs, `${path}/t.tar.gz`), `${path}/parent/out`, {
          what: "t",
        }),
        (e: unknown) => e instanceof CompressionError,
      );
      assert.deepEqual(await listTree(`${path}/parent`), []);
    } finally {
      await cleanup();
    }
  });

  it("reads selected files without extracting", async () => {
    const bytes = rawTar([{ name: "a", body: "1" }, { name: "b/c", body: "22" }]);
    const files = await readTarFiles(streamOf(bytes), (p) => p === "b/c", { what: "t" });
    assert.deepEqual([...files.keys()], ["b/c"]);
    assert.equal(new TextDecoder().decode(files.get("b/c")), "22");
  });
});

describe("atomic tar writing", () => {
  it("writes entries that extract back", async () => {
    const fs = new MemoryFileSystem();
    await writeTarAtomic(fs, "/a.tar", [
      { path: "d", kind: "directory" },
      { path: "d/f", kind: "file", body: new TextEncoder().encode("abc") },
      {
        path: "s",
        kind: "file",
        size: 2,
        body: () => Promise.resolve(streamOf(new Uint8Array([1, 2]))),
      },
      { path: "l", kind: "symlink", linkTarget: "d/f" },
    ]);
    assert.deepEqual(await fs.readDir("/"), ["a.tar"]);
    const archive = await extractTar(fs, await fs.openRead("/a.tar"), "/x", { what: "a" });
    assert.deepEqual(await readAll(await archive.open("l")), new TextEncoder().encode("abc"));
    assert.deepEqual(await archive.readFile("s"), new Uint8Array([1, 2]));
  });

  it("leaves nothing behind when an entry fails", async () => {
    const fs = new MemoryFileSystem();
    await fs.writeFile("/a.tar", "old");
    const failing = () =>
      Promise.resolve(
        new ReadableStream<Uint8Array>({
          pull(c) {
            c.error(new Error("boom"));
          },
        }),
      );
    await assert.rejects(
      writeTarAtomic(fs, "/a.tar", [{ path: "f", kind: "file", size: 10, body: failing }]),
      /boom/,
    );
    assert.deepEqual(await fs.readDir("/"), ["a.tar"]);
    assert.equal(await fs.readTextFile("/a.tar"), "old");
  });

  it("adds entries one by one; the archive appears on commit, never after an abort", async () => {
    const fs = new MemoryFileSystem();
    const tar = await AtomicTarWriter.open(fs, "/b.tar");
    await tar.add({ path: "one", kind: "file", body: new Uint8Array([1]) });
    const [partial] = await fs.readDir("/");
    assert.match(partial, /^b\.tar\.tmp-/);
    await tar.add({
      path: "two",
      kind: "file",
      size: 1,
      body: () => Promise.resolve(streamOf(new Uint8Array([2]))),
    });
    await tar.commit();
    assert.deepEqual(await fs.readDir("/"), ["b.tar"]);
    const archive = await extractTar(fs, await fs.openRead("/b.tar"), "/y", { what: "b" });
    assert.deepEqual(archive.files(), ["one", "two"]);
    await assert.rejects(tar.add({ path: "late", kind: "file" }), TypeError);

    const dropped = await AtomicTarWriter.open(fs, "/c.tar");
    await dropped.add({ path: "one", kind: "file", body: new Uint8Array([1]) });
    await dropped.abort();
    await assert.rejects(dropped.commit(), TypeError);
    assert.deepEqual((await fs.readDir("/")).sort(), ["b.tar", "y"]);
  });

  it("stops on abort", async () => {
    const fs = new MemoryFileSystem();
    const controller = new AbortController();
    controller.abort();
    await assert.rejects(
      writeTarAtomic(fs, "/a.tar", [{ path: "f", kind: "file", body: new Uint8Array(1) }], {
        signal: controller.signal,
      }),
    );
    assert.deepEqual(await fs.readDir("/"), []);
  });
});

/** A stream that keeps what it is given and how it ended. */
function recordingSink(): {
  sink: WritableStream<Uint8Array>;
  bytes(): Uint8Array;
  end: { closed: boolean; aborted?: unknown };
} {
  const chunks: Uint8Array[] = [];
  const end: { closed: boolean; aborted?: unknown } = { closed: false };
  return {
    sink: new WritableStream({
      write: (chunk) => void chunks.push(chunk.slice()),
      close: () => void (end.closed = true),
      abort: (reason) => void (end.aborted = reason),
    }),
    bytes: () => {
      const all = new Uint8Array(chunks.reduce((n, c) => n + c.length, 0));
      let at = 0;
      for (const chunk of chunks) all.set(chunk, (at += chunk.length) - chunk.length);
      return all;
    },
    end,
  };
}

describe("tar writing into a stream", () => {
  it("closes the stream on commit, with an archive that extracts back", async () => {
    const out = recordingSink();
    const tar = new TarWriter(out.sink);
    await tar.add({ path: "a", kind: "file", body: new Uint8Array([1, 2, 3]) });
    await tar.commit();
    assert.deepEqual(out.end, { closed: true });
    const fs = new MemoryFileSystem();
    const archive = await extractTar(fs, streamOf(out.bytes()), "/x", { what: "s" });
    assert.deepEqual(await archive.readFile("a"), new Uint8Array([1, 2, 3]));
  });

  it("aborts the stream with the failure of an entry", async () => {
    const out = recordingSink();
    const tar = new TarWriter(out.sink);
    const failure = new Error("boom");
    const failing = () =>
      Promise.resolve(new ReadableStream<Uint8Array>({ pull: (c) => c.error(failure) }));
    await assert.rejects(tar.add({ path: "f", kind: "file", size: 3, body: failing }), /boom/);
    assert.equal(out.end.closed, false);
    assert.equal(out.end.aborted, failure);
    await assert.rejects(tar.commit(), TypeError);
  });

  it("a blob writer checks each blob on its way into the stream", async () => {
    const out = recordingSink();
    const fs = new MemoryFileSystem();
    await fs.mkdir("/tmp", { recursive: true });
    const writer = new BlobTarWriter(fs, out.sink, { label: "t", tmpDir: "/tmp" });
    const good = new Uint8Array([7, 7, 7]);
    const bad = new Uint8Array([6, 6, 6]);
    // Known size: streamed; unknown size: staged under tmpDir, then written.
    await writer.putBlob("one", { digest: sha256(good), size: 3 }, streamOf(good));
    await writer.putBlob("two", { digest: sha256(good), size: -1 }, streamOf(good));
    assert.equal(writer.sizeOf("two"), 3);
    await assert.rejects(
      writer.putBlob("three", { digest: sha256(good), size: 3 }, streamOf(bad)),
      DigestMismatchError,
    );
    assert.equal(writer.sizeOf("three"), undefined);
    await assert.rejects(writer.commit(), DigestMismatchError);
    await writer.close();
    assert.ok(out.end.aborted instanceof DigestMismatchError);
    assert.deepEqual(await fs.readDir("/tmp"), []);
  });

  it("a blob writer closed before it wrote anything aborts the stream", async () => {
    const out = recordingSink();
    const writer = new BlobTarWriter(new MemoryFileSystem(), out.sink, { label: "t" });
    await writer.close();
    assert.ok(out.end.aborted instanceof Error);
    assert.deepEqual(out.bytes(), new Uint8Array(0));
  });
});
