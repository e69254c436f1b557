/**
 * Dockerfile-style changes for an imported image's config (libimage's
 * `ImageConfigFromChanges`): `CMD`, `ENTRYPOINT`, `ENV`, `EXPOSE`, `LABEL`, `ONBUILD`,
 * `STOPSIGNAL`, `USER`, `VOLUME` and `WORKDIR`, written `KEY value` or `KEY=value`.
 *
 * @module
 */
import { posix } from "../fs/posix_path.ts";
import type { ContainerConfig } from "../types/mod.ts";

/** Linux signal numbers by name (without the `SIG` prefix). */
const SIGNALS: Record<string, number> = {
  HUP: 1,
  INT: 2,
  QUIT: 3,
  ILL: 4,
  TRAP: 5,
  ABRT: 6,
  IOT: 6,
  BUS: 7,
  FPE: 8,
  KILL: 9,
  USR1: 10,
  SEGV: 11,
  USR2: 12,
  PIPE: 13,
  ALRM: 14,
  TERM: 15,
  STKFLT: 16,
  CHLD: 17,
  CLD: 17,
  CONT: 18,
  STOP: 19,
  TSTP: 20,
  TTIN: 21,
  TTOU: 22,
  URG: 23,
  XCPU: 24,
  XFSZ: 25,
  VTALRM: 26,
  PROF: 27,
  WINCH: 28,
  IO: 29,
  POLL: 29,
  PWR: 30,
  SYS: 31,
};

const RT_MIN = 34;
const RT_MAX = 64;

/** The number of a signal given as a number, a name (`TERM`, `SIGTERM`) or `RTMIN+n`. */
function parseSignal(value: string): number | undefined {
  if (/^\d+$/.test(value)) {
    const n = Number(value);
    return n >= 1 && n <= RT_MAX ? n : undefined;
  }
  const name = value.toUpperCase().replace(/^SIG/, "");
  if (name in SIGNALS) return SIGNALS[name];
  const rt = /^RTM(IN|AX)([+-]\d+)?$/.exec(name);
  if (rt === null) return undefined;
  const n = (rt[1] === "IN" ? RT_MIN : RT_MAX) + Number(rt[2] ?? 0);
  return n >= RT_MIN && n <= RT_MAX ? n : undefined;
}

function unquote(text: string): string {
  return text.length >= 2 && text.startsWith('"') && text.endsWith('"') ? text.slice(1, -1) : text;
}

/** A JSON array of strings, or `undefined` when `value` is not one. */
function jsonArray(value: string): string[] | undefined {
  try {
    const parsed: unknown = JSON.parse(value);
    if (Array.isArray(parsed) && parsed.every((item) => typeof item === "string")) return parsed;
  } catch {
    // not JSON: the shell form
  }
  return undefined;
}

function invalid(change: string, detail: string): TypeError {
  return new TypeError(`invalid change "${change}" - ${detail}`);
}

function splitChange(change: string): [string, string] {
  for (const separator of [" ", "="]) {
    const at = change.indexOf(separator);
    if (at >= 0) {
      return [change.slice(0, at).trim().toUpperCase(), change.slice(at + 1).trim()];
    }
  }
  throw invalid(change, "must be formatted as KEY VALUE");
}

function keyValue(value: string): [string, string | undefined] {
  const at = value.indexOf("=");
  return at < 0 ? [value, undefined] : [value.slice(0, at), value.slice(at + 1)];
}

function applyExpose(config: ContainerConfig, change: string, value: string): void {
  const parts = value.split("/");
  if (parts.length > 2) throw invalid(change, "EXPOSE port must be formatted as PORT[/PROTO]");
  if (!/^[+-]?\d+$/.test(parts[0])) throw invalid(change, "EXPOSE port must be an integer");
  const port = Number(parts[0]);
  if (port <= 0 || port > 65535) throw invalid(change, "EXPOSE port must be a valid port number");
  const proto = (parts[1] ?? "tcp").toLowerCase();
  if (proto !== "tcp" && proto !== "udp") {
    throw invalid(change, "EXPOSE protocol must be TCP or UDP");
  }
  config.ExposedPorts = { ...config.ExposedPorts, [`${port}/${proto}`]: {} };
}

function applyVolume(config: ContainerConfig, change: string, value: string): void {
  const paths = jsonArray(value) ?? value.split(" ");
  if (paths.length === 0) throw invalid(change, "must provide at least one argument to VOLUME");
  for (const path of paths) {
    if (path === "") throw invalid(change, "VOLUME paths must not be empty");
    config.Volumes = { ...config.Volumes, [path]: {} };
  }
}

function applyChange(config: ContainerConfig, change: string): void {
  const [key, value] = splitChange(change);
  switch (key) {
    case "USER":
      if (value === "") throw invalid(change, "must provide a value to USER");
      config.User = value;
      return;
    case "EXPOSE":
      return applyExpose(config, change, value);
    case "ENV": {
      const [name, val] = keyValue(value);
      if (name === "") throw invalid(change, "ENV must have at least one argument");
      config.Env = [...(config.Env ?? []), `${unquote(name)}=${unquote(val ?? "")}`];
      return;
    }
    case "ENTRYPOINT":
      config.Entrypoint = jsonArray(value) ?? (value === "" ? [] : ["/bin/sh", "-c", value]);
      return;
    case "CMD":
      config.Cmd = jsonArray(value) ?? ["/bin/sh", "-c", ...(value === "" ? [] : [value])];
      return;
    case "VOLUME":
      return applyVolume(config, change, value);
    case "WORKDIR":
      if (value === "") throw invalid(change, "must provide a non-empty WORKDIR");
      config.WorkingDir = posix.join(config.WorkingDir ?? "", value);
      return;
    case "LABEL": {
      const [name, val] = keyValue(value);
      if (val === undefined) throw invalid(change, "LABEL must be formatted key=value");
      const label = unquote(name);
      if (label === "") throw invalid(change, "LABEL must have a non-empty key");
      config.Labels = { ...config.Labels, [label]: unquote(val) };
      return;
    }
    case "STOPSIGNAL": {
      const signal = parseSignal(value);
      if (signal === undefined) {
        throw invalid(change, `STOPSIGNAL must be given a valid signal: "${value}"`);
      }
      config.StopSignal = String(signal);
      return;
    }
    case "ONBUILD":
      if (value === "") throw invalid(change, "ONBUILD must be given an argument");
      config.OnBuild = [...(config.OnBuild ?? []), value];
      return;
    default:
      throw invalid(change, `invalid instruction ${key}`);
  }
}

/**
 * The container config that `changes` describe (later changes override earlier ones;
 * `ENV`, `EXPOSE`, `LABEL`, `ONBUILD` and `VOLUME` accumulate, `WORKDIR` nests).
 *
 * @example
 * ```ts
 * import { configFromChanges } from "./_import_changes.ts";
 * configFromChanges(["CMD /app", "ENV=A=1"]); // { Cmd: ["/bin/sh", "-c", "/app"], Env: ["A=1"] }
 * ```
 *
 * @throws {TypeError} for a malformed change or an unknown instruction.
 */
export function configFromChanges(changes: readonly string[]): ContainerConfig {
  const config: ContainerConfig = {};
  for (const change of changes) applyChange(config, change);
  return config;
}
