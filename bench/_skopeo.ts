/**
 * Running the peer, `skopeo copy`, for the benchmarks: wall time of one copy, and its peak
 * RSS through `/usr/bin/time -v` when that exists.
 *
 * @module
 */
import { spawn } from "node:child_process";
import { existsSync } from "node:fs";

/** Where skopeo is expected. */
export const SKOPEO = "/usr/bin/skopeo";
const GNU_TIME = "/usr/bin/time";

/** The outcome of one skopeo run. */
export interface SkopeoRun {
  /** Wall time of the whole process, in milliseconds. */
  ms: number;
  /** Peak RSS in KiB (`Maximum resident set size`), when measured. */
  maxRssKiB?: number;
}

/** Whether skopeo is installed. */
export function hasSkopeo(): boolean {
  return existsSync(SKOPEO);
}

/**
 * Runs `skopeo copy --insecure-policy [flags] src dest`; throws with skopeo's stderr
 * when it fails. With `measureRss`, runs it under `/usr/bin/time -v`.
 */
export function skopeoCopy(
  src: string,
  dest: string,
  options: { flags?: string[]; measureRss?: boolean } = {},
): Promise<SkopeoRun> {
  const args = ["copy", "--insecure-policy", "-q", ...(options.flags ?? []), src, dest];
  const timed = options.measureRss === true && existsSync(GNU_TIME);
  const command = timed ? GNU_TIME : SKOPEO;
  const argv = timed ? ["-v", SKOPEO, ...args] : args;
  return new Promise((resolve, reject) => {
    const t0 = performance.now();
    const child = spawn(command, argv, { stdio: ["ignore", "ignore", "pipe"] });
    let stderr = "";
    child.stderr!.setEncoding("utf8");
    child.stderr!.on("data", (text: string) => stderr += text);
    child.on("error", reject);
    child.on("close", (code) => {
      const ms = performance.now() - t0;
      if (code !== 0) {
        reject(new Error(`skopeo ${args.join(" ")} failed (${code}): ${stderr.slice(-2000)}`));
        return;
      }
      const rss = /Maximum resident set size \(kbytes\): (\d+)/.exec(stderr);
      resolve(rss ? { ms, maxRssKiB: Number(rss[1]) } : { ms });
    });
  });
}

/** The argv of `skopeo copy` from the plain-HTTP registry image `source` to `oci:dest:v1`. */
export function skopeoPullArgv(source: string, dest: string): string[] {
  const flags = ["--insecure-policy", "-q", "--src-tls-verify=false"];
  return [SKOPEO, "copy", ...flags, `docker://${source}`, `oci:${dest}:v1`];
}
