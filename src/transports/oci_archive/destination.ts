/**
 * Writing an image into an OCI archive: a layout is staged in a temporary folder and
 * tarred into place atomically on commit.
 *
 * @module
 */
import type { ImageDestination, TransportContext } from "../types.ts";
import { directoryEntries, writeTarAtomic } from "../_tar/mod.ts";
import { parentDir, tempPath } from "../_temp.ts";
import { OciLayoutDestination } from "../oci/mod.ts";
import type { OciArchiveReference } from "./reference.ts";

/** Opens a destination that writes `reference.path` on commit. */
export function openOciArchiveDestination(
  reference: OciArchiveReference,
  context: TransportContext,
): Promise<ImageDestination> {
  return Promise.resolve(new OciArchiveDestination(reference, context));
}

/** An {@linkcode ImageDestination} into an OCI archive file. */
export class OciArchiveDestination extends OciLayoutDestination {
  readonly #context: TransportContext;
  readonly #staging: string;
  readonly #path: string;

  /** Stages under `context.tmpDir` (default: the archive's folder). */
  constructor(reference: OciArchiveReference, context: TransportContext) {
    const staging = tempPath(context.tmpDir ?? parentDir(reference.path), "oci-archive");
    super(reference, context, staging, reference.refName);
    this.#context = context;
    this.#staging = staging;
    this.#path = reference.path;
  }

  /** Writes the staged layout as the archive, atomically. */
  override async commit(): Promise<void> {
    await super.commit();
    const { fs, signal } = this.#context;
    await writeTarAtomic(fs, this.#path, directoryEntries(fs, this.#staging), {
      signal,
      mtime: new Date(),
    });
  }

  /** Removes the staged layout. */
  override async close(): Promise<void> {
    await this.#context.fs.remove(this.#staging, { recursive: true });
  }
}
