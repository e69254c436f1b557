// The error classes of src/errors.ts: every code is the class name without `Error`, and
// `ErrorCode` lists exactly those codes; the CLI's usage error is not one of them.
import { describe, it } from "node:test";
import assert from "node:assert/strict";
import { readFile } from "node:fs/promises";
import * as errors from "../src/errors.ts";
import { StevedoreError, TagError } from "../src/errors.ts";

const source = await readFile(new URL("../src/errors.ts", import.meta.url), "utf8");

/** Each `class XError extends StevedoreError` with the code literal its constructor passes. */
function classCodes(text: string): { name: string; code: string | undefined }[] {
  const found: { name: string; code: string | undefined }[] = [];
  const classes = [...text.matchAll(/export class (\w+) extends StevedoreError \{/g)];
  classes.forEach((match, i) => {
    const body = text.slice(match.index, classes[i + 1]?.index ?? text.length);
    found.push({ name: match[1], code: /\bsuper\(\s*"([^"]+)"/.exec(body)?.[1] });
  });
  return found;
}

describe("error codes", () => {
  it("are the class names without `Error`", () => {
    const found = classCodes(source);
    assert.ok(found.length >= 20, `only ${found.length} classes found`);
    for (const { name, code } of found) assert.equal(`${code}Error`, name);
  });

  it("make up the ErrorCode union, no more, no less", () => {
    const union = /export type ErrorCode =([^;]*);/.exec(source)?.[1] ?? "";
    const members = [...union.matchAll(/"([^"]+)"/g)].map((m) => m[1]).sort();
    assert.deepEqual(members, classCodes(source).map((c) => c.code).sort());
  });

  it("every exported error class is a StevedoreError", () => {
    for (const [name, value] of Object.entries(errors)) {
      if (typeof value !== "function" || name === "StevedoreError") continue;
      assert.ok(value.prototype instanceof StevedoreError, name);
    }
    assert.ok(!("UsageError" in errors), "the CLI's UsageError is not a core error");
  });

  it("a tag error keeps its code whatever its HTTP status", () => {
    assert.equal(new TagError("untag", "x", "tag not known", 404).code, "Tag");
    assert.equal(new TagError("untag", "x", "tag not known", 404).httpStatus, 404);
    assert.equal(new TagError("tag", "x", "bad").code, "Tag");
  });

  it("the checker sees a code that does not follow its class", () => {
    const bad =
      'export class PullError extends StevedoreError {\n  x() { super("PullFailed"); }\n}';
    assert.deepEqual(classCodes(bad), [{ name: "PullError", code: "PullFailed" }]);
  });
});
