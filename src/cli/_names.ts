/**
 * Splitting image names into Podman's REPOSITORY and TAG columns, and short IDs.
 *
 * @module
 */

/** `[repository, tag]` of a tagged name; `<none>` parts when missing. */
export function splitRepoTag(name: string): [string, string] {
  const at = name.indexOf("@");
  const base = at >= 0 ? name.slice(0, at) : name;
  const slash = base.lastIndexOf("/");
  const colon = base.lastIndexOf(":");
  if (colon > slash) return [base.slice(0, colon), base.slice(colon + 1)];
  return [base || "<none>", "<none>"];
}

/** An image ID as Podman shows it: 12 hex digits, or `sha256:<id>` untruncated. */
export function displayId(id: string, noTrunc = false): string {
  const hex = id.replace(/^sha256:/, "");
  return noTrunc ? `sha256:${hex}` : hex.slice(0, 12);
}
