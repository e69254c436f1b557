/**
 * Reading answers and secrets from standard input.
 *
 * @module
 */

/**
 * Reads `stream` line by line; what follows a line stays buffered for the next one, so
 * one reader serves several questions.
 */
export class LineReader {
  #reader: ReadableStreamDefaultReader<Uint8Array>;
  #decoder = new TextDecoder();
  #buffered = "";
  #ended = false;

  /** Locks `stream` until {@linkcode LineReader.release}. */
  constructor(stream: ReadableStream<Uint8Array>) {
    this.#reader = stream.getReader();
  }

  /**
   * The next line, without its newline (and carriage return); at the end of input what is
   * left, then undefined.
   */
  async next(): Promise<string | undefined> {
    while (!this.#buffered.includes("\n") && !this.#ended) {
      const { value, done } = await this.#reader.read();
      if (done) this.#ended = true;
      else this.#buffered += this.#decoder.decode(value, { stream: true });
    }
    const end = this.#buffered.indexOf("\n");
    if (end === -1) {
      const rest = this.#buffered + this.#decoder.decode();
      this.#buffered = "";
      return rest === "" ? undefined : rest.replace(/\r$/, "");
    }
    const line = this.#buffered.slice(0, end);
    this.#buffered = this.#buffered.slice(end + 1);
    return line.replace(/\r$/, "");
  }

  /** Unlocks the stream (what was read ahead of the last line is dropped). */
  release(): void {
    this.#reader.releaseLock();
  }
}

/** The first line of `stream` (without its newline); "" at the end of input. */
export async function readLine(stream: ReadableStream<Uint8Array>): Promise<string> {
  const lines = new LineReader(stream);
  try {
    return await lines.next() ?? "";
  } finally {
    lines.release();
  }
}

/** All of `stream` as text. */
export async function readAll(stream: ReadableStream<Uint8Array>): Promise<string> {
  return await new Response(stream).text();
}
