/**
 * The command line's event log: each command that produced image events writes them as
 * one JSON-lines file under `<root>/events/`, so `stevedore events` in another process
 * can read them (like Podman's file events backend).
 *
 * @module
 */
import type { ImageEvent } from "../events/mod.ts";
import { type FileSystem, isNotFound } from "../fs/mod.ts";

/** The directory holding the event files of the store at `root`. */
export function eventsDir(root: string): string {
  return `${root.replace(/\/+$/, "")}/events`;
}

/** How many event files are kept; older ones are removed when a new one is written. */
export const EVENT_FILES_KEPT = 500;

/** Writes `events` as a new file of the log. */
export async function writeEvents(
  fs: FileSystem,
  root: string,
  events: ImageEvent[],
): Promise<void> {
  if (events.length === 0) return;
  const dir = eventsDir(root);
  await fs.mkdir(dir, { recursive: true });
  const name = `${String(Date.now()).padStart(15, "0")}-${crypto.randomUUID()}.jsonl`;
  const text = events.map((event) => JSON.stringify(event) + "\n").join("");
  await fs.writeFile(`${dir}/${name}`, text);
  const files = (await fs.readDir(dir)).filter((file) => file.endsWith(".jsonl")).sort();
  for (const old of files.slice(0, Math.max(0, files.length - EVENT_FILES_KEPT))) {
    await fs.remove(`${dir}/${old}`).catch(() => {});
  }
}

/** The events of the log, oldest first; `seen` names files already read (and is updated). */
export async function readEvents(
  fs: FileSystem,
  root: string,
  seen: Set<string> = new Set(),
): Promise<ImageEvent[]> {
  const dir = eventsDir(root);
  let files: string[];
  try {
    files = (await fs.readDir(dir)).filter((file) => file.endsWith(".jsonl")).sort();
  } catch (error) {
    if (isNotFound(error)) return [];
    throw error;
  }
  const events: ImageEvent[] = [];
  for (const file of files) {
    if (seen.has(file)) continue;
    seen.add(file);
    let text: string;
    try {
      text = await fs.readTextFile(`${dir}/${file}`);
    } catch (error) {
      if (isNotFound(error)) continue;
      throw error;
    }
    for (const line of text.split("\n")) {
      if (line.trim() === "") continue;
      try {
        const raw = JSON.parse(line);
        events.push({ ...raw, time: new Date(raw.time) });
      } catch {
        // A damaged line is skipped.
      }
    }
  }
  return events;
}
