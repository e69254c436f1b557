/**
 * Names of temporary files and folders that carry their owner: the process ID, when that
 * process started and a hash of the host name, e.g.
 * `.stevedore-load-p4242s918273h1c0ffee5-<uuid>`. A store that finds such an entry can tell
 * whether the process that made it still runs, and remove it if not, without ever touching
 * the files of a live process.
 *
 * @module
 */
import { currentPid, hostName, isProcessAlive, processStartTime } from "./process.ts";

/** The process a temporary entry belongs to. */
export interface TemporaryOwner {
  /** Its process ID. */
  pid: number;
  /** When it started (see `processStartTime`), or "" when unknown. */
  start: string;
  /** A hash of its host name (8 hex digits), or "" for old names that carry none. */
  host: string;
}

/** 32-bit FNV-1a of `text`, as 8 hex digits. */
function hash8(text: string): string {
  let hash = 0x811c9dc5;
  for (const byte of new TextEncoder().encode(text)) {
    hash = Math.imul(hash ^ byte, 0x01000193) >>> 0;
  }
  return hash.toString(16).padStart(8, "0");
}

let ownTag: string | undefined;

/** This process's owner tag, `p<pid>s<start>h<host hash>`. */
export function ownerTag(): string {
  if (ownTag === undefined) {
    const pid = currentPid();
    ownTag = `p${pid}s${processStartTime(pid) ?? ""}h${hash8(hostName())}`;
  }
  return ownTag;
}

/**
 * A fresh name for a temporary entry owned by this process: `<label>-<owner tag>-<uuid>`
 * (without a label, `<owner tag>-<uuid>`).
 *
 * @example
 * ```ts
 * import { temporaryName, temporaryOwner } from "./temporary_name.ts";
 * const name = temporaryName(".stevedore-load");
 * console.log(temporaryOwner(name)?.pid === temporaryOwner(temporaryName())?.pid); // true
 * ```
 */
export function temporaryName(label?: string): string {
  const tail = `${ownerTag()}-${crypto.randomUUID()}`;
  return label === undefined || label === "" ? tail : `${label}-${tail}`;
}

const TAGGED = /(?:^|-)p(\d+)s(\d*)h([0-9a-f]{8})-[0-9a-f]{8}-/;
/** What the store wrote before names carried the start time and host: `<pid>-<uuid>`. */
const PID_ONLY = /^(\d+)-/;

/** The owner a temporary entry's name carries, if any. */
export function temporaryOwner(name: string): TemporaryOwner | undefined {
  const tagged = TAGGED.exec(name);
  if (tagged !== null) return { pid: Number(tagged[1]), start: tagged[2], host: tagged[3] };
  const old = PID_ONLY.exec(name);
  return old === null ? undefined : { pid: Number(old[1]), start: "", host: "" };
}

/**
 * Whether `owner` is a process of this host that no longer runs (a pid now used by a
 * process that started at another time counts as gone). The entries of another host are
 * never judged gone: that host may still run them.
 */
export function isOwnerGone(owner: TemporaryOwner): boolean {
  if (owner.host !== "" && owner.host !== hash8(hostName())) return false;
  return !isProcessAlive(owner.pid, owner.start);
}
