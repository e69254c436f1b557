import { describe, it } from "node:test";
import assert from "node:assert/strict";
import { MemoryFileSystem } from "../../src/fs/mod.ts";
import { InvalidReferenceError, UnsupportedTransportError } from "../../src/errors.ts";
import { dirTransport, parseDirReference } from "../../src/transports/dir/mod.ts";
import {
  parseImageReference,
  standardTransports,
  TransportTable,
} from "../../src/transports/transport_table.ts";
import type { Transport } from "../../src/transports/types.ts";
import { randomImage, readImage, writeImage } from "./_helpers.ts";

describe("dir transport", () => {
  it("round-trips an image in skopeo's layout", async () => {
    const fs = new MemoryFileSystem();
    const image = await randomImage();
    await writeImage(await dirTransport.parse("/d:x").newDestination({ fs }), image);
    const names = (await fs.readDir("/d:x")).sort();
    assert.deepEqual(
      names,
      [
        ...image.layers.map((l) => l.digest.slice(7)),
        image.config.digest.slice(7),
        "manifest.json",
        "version",
      ]
        .sort(),
    );
    assert.equal(await fs.readTextFile("/d:x/version"), "Directory Transport Version: 1.1\n");
    const read = await readImage(await dirTransport.parse("/d:x").newSource({ fs }));
    assert.deepEqual(read.manifest, image.manifest);
    for (const layer of image.layers) assert.deepEqual(read.blobs.get(layer.digest), layer.bytes);
  });

  it("writes list instances as <hex>.manifest.json", async () => {
    const fs = new MemoryFileSystem();
    const image = await randomImage();
    const dest = await dirTransport.parse("/l").newDestination({ fs });
    await dest.putManifest(image.manifest, image.manifest.digest);
    const source = await dirTransport.parse("/l").newSource({ fs });
    assert.deepEqual(await source.getManifest(image.manifest.digest), image.manifest);
  });

  it("replaces a previous dir image but refuses a foreign folder", async () => {
    const fs = new MemoryFileSystem();
    await writeImage(await dirTransport.parse("/d").newDestination({ fs }), await randomImage());
    const second = await randomImage({ count: 1 });
    await writeImage(await dirTransport.parse("/d").newDestination({ fs }), second);
    assert.equal((await fs.readDir("/d")).length, 4);
    await fs.writeFile("/other/file", "x").catch(async () => {
      await fs.mkdir("/other");
      await fs.writeFile("/other/file", "x");
    });
    await assert.rejects(
      dirTransport.parse("/other").newDestination({ fs }),
      UnsupportedTransportError,
    );
  });

  it("takes forceCompress as an option", async () => {
    const fs = new MemoryFileSystem();
    const plain = await dirTransport.parse("/a").newDestination({ fs });
    assert.equal(plain.desiredLayerCompression(), "preserve");
    const forced = await parseDirReference("/b", { forceCompress: true }).newDestination({ fs });
    assert.equal(forced.desiredLayerCompression(), "compress");
    assert.throws(() => dirTransport.parse(""), InvalidReferenceError);
  });
});

describe("transport table", () => {
  it("knows the path transports", () => {
    for (const name of ["oci", "oci-archive", "docker-archive", "dir"]) {
      assert.ok(standardTransports().has(name));
    }
    assert.equal(parseImageReference("oci:/x:y")?.toString(), "oci:/x:y");
    assert.equal(parseImageReference("dir:/tmp/CapitalChar")?.toString(), "dir:/tmp/CapitalChar");
  });

  it("returns undefined for names that are not transport-qualified", () => {
    for (
      const input of [
        "alpine",
        "alpine:latest",
        "docker.io/library/alpine",
        "localhost:5000/x",
        "foo:bar",
        ":x",
      ]
    ) {
      assert.equal(parseImageReference(input), undefined, input);
    }
  });

  it("throws the transport's own error for a bad reference", () => {
    assert.throws(() => parseImageReference("oci:/x:-bad"), InvalidReferenceError);
    assert.throws(() => parseImageReference("docker-archive:"), InvalidReferenceError);
  });

  it("routes docker:// only, and passes the // on", () => {
    assert.equal(parseImageReference("docker:latest"), undefined);
    const seen: string[] = [];
    const fake: Transport = {
      name: "docker",
      parse(within: string) {
        seen.push(within);
        return { toString: () => `docker:${within}` } as never;
      },
    };
    const table = standardTransports().with(fake);
    assert.equal(table.parse("docker:latest"), undefined);
    assert.equal(String(table.parse("docker://alpine")), "docker://alpine");
    assert.deepEqual(seen, ["//alpine"]);
    // The standard table is not changed by `with`.
    assert.notEqual(standardTransports().get("docker"), fake);
  });

  it("is a value per owner: a table only knows what it was built with", () => {
    const table = new TransportTable([dirTransport]);
    assert.deepEqual(table.names(), ["dir"]);
    assert.equal(table.parse("oci:/x:y"), undefined);
    assert.equal(table.parse("dir:/x")?.toString(), "dir:/x");
    assert.ok(table.isQualified("dir:/x"));
    assert.ok(!table.isQualified("oci:/x"));
  });
});
