/**
 * What an extraction learns of each file in the same pass (a load's, or a pull's from an
 * archive): the compression of its bytes, and the digest and size of what they decompress
 * to. For a layer that is its diff ID and uncompressed size, which the store needs, so the
 * store can take the extracted file as it is, without reading it again.
 *
 * gzip files are inflated on the side by the WASM kernel into the hasher (nothing kept),
 * and every inflated byte is counted (a load's byte budget: a gzip bomb stops there);
 * plain files are what they are (their digest is hashed anyway). A file that does not
 * inflate, or has another compression, gets no facts: whoever reads it finds out.
 *
 * @module
 */
import {
  gunzipSink,
  type InflateSink,
  SNIFF_LENGTH,
  sniffCompression,
} from "../compression/mod.ts";
import { createHasher } from "../digest/mod.ts";
import { TooLargeError } from "../errors.ts";
import type { EntryObserver } from "./_tar/mod.ts";
import type { BlobFile } from "./types.ts";

/** Counts bytes (of the file `path`); throws past a cap (a load's byte budget). */
export interface ByteCounter {
  /** Counts `bytes` of the file `path`; a throw stops the extraction. */
  take(bytes: number, path: string): void;
}

/** What the bytes of one extracted file decompress to. */
export type Uncompressed = NonNullable<BlobFile["uncompressed"]>;

/** The facts of the files of one extraction, by archive path. */
export class ExtractionFacts {
  readonly #facts = new Map<string, Uncompressed>();
  readonly #budget: ByteCounter | undefined;

  /** Counts inflated bytes with `budget`, when given. */
  constructor(budget?: ByteCounter) {
    this.#budget = budget;
  }

  /** The facts of the file at the archive path `path`, if learned. */
  get(path: string): Uncompressed | undefined {
    return this.#facts.get(path);
  }

  /** An observer for `extractTar` that learns the facts of the file `path`. */
  observe(path: string): EntryObserver {
    const head = new Uint8Array(SNIFF_LENGTH);
    let headLength = 0;
    let held: Uint8Array[] = [];
    let size = 0;
    let side: { sink: InflateSink; hasher: ReturnType<typeof createHasher> } | undefined;
    let kind: ReturnType<typeof sniffCompression> | undefined;
    let failed = false;
    const release = () => {
      side?.sink.close();
      side = undefined;
    };
    const feed = (chunk: Uint8Array) => {
      if (side === undefined || failed) return;
      try {
        side.sink.write(chunk);
      } catch (error) {
        if (error instanceof TooLargeError) throw error;
        failed = true;
        release();
      }
    };
    const choose = () => {
      kind = sniffCompression(head.subarray(0, headLength));
      if (kind === "gzip") {
        const hasher = createHasher();
        const sink = gunzipSink(path, (bytes) => {
          this.#budget?.take(bytes.length, path);
          hasher.update(bytes);
        });
        side = { sink, hasher };
      }
      for (const chunk of held) feed(chunk);
      held = [];
    };
    return {
      write: (chunk) => {
        size += chunk.length;
        if (kind === undefined) {
          const taken = Math.min(SNIFF_LENGTH - headLength, chunk.length);
          head.set(chunk.subarray(0, taken), headLength);
          headLength += taken;
          // Fewer bytes than a magic number are kept (copied) until more arrive.
          if (headLength < SNIFF_LENGTH) return void held.push(chunk.slice());
          choose();
        }
        feed(chunk);
      },
      end: (digest) => {
        if (kind === undefined) choose();
        if (kind === "none" && digest !== undefined) {
          this.#facts.set(path, { compression: "none", digest, size });
        } else if (side !== undefined && !failed) {
          try {
            side.sink.end();
            const { hasher } = side;
            this.#facts.set(path, {
              compression: "gzip",
              digest: hasher.digest().toString(),
              size: hasher.bytesHashed,
            });
          } catch (error) {
            if (error instanceof TooLargeError) throw error;
          }
        }
        release();
      },
      abort: release,
    };
  }
}
