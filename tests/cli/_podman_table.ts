// What podman 4.3.1 printed and how it exited for the commands of podman_compat_test.ts,
// recorded on this project's machines. The test holds stevedore to this table always, and
// podman too where it is installed, so the table cannot drift from podman.

/** One failing command: arguments (with `{R}` for the test registry), exit code, stderr. */
export interface RecordedFailure {
  /** What the case shows. */
  name: string;
  /** The command's arguments after the global flags. */
  args: string[];
  /** Podman's exit code. */
  code: number;
  /** A pattern podman's standard error matches (and stevedore's must). */
  stderr: RegExp;
  /** A pattern podman's standard output matches, when it prints something. */
  stdout?: RegExp;
}

const DIGEST = "sha256:" + "0".repeat(64);

/** The failures, as podman reported them. */
export const RECORDED_FAILURES: RecordedFailure[] = [
  {
    name: "pull from a registry that refuses connections",
    args: ["pull", "127.0.0.1:1/app:v1"],
    code: 125,
    stderr: /^Trying to pull 127\.0\.0\.1:1\/app:v1\.\.\.\n[\s\S]*Error: .*127\.0\.0\.1:1/,
  },
  {
    name: "pull of a tag the registry does not have",
    args: ["pull", "{R}/app:nosuchtag"],
    code: 125,
    stderr: /Error: .*manifest unknown/,
  },
  {
    name: "pull of an invalid reference",
    args: ["pull", "Bad//"],
    code: 125,
    stderr: /^Error: .*invalid reference format/,
  },
  {
    name: "tag of an unknown image",
    args: ["tag", "nothere", "localhost/x:1"],
    code: 125,
    stderr: /^Error: nothere: image not known\n$/,
  },
  {
    name: "untag of an unknown image",
    args: ["untag", "nothere"],
    code: 125,
    stderr: /^Error: nothere: image not known\n$/,
  },
  {
    name: "tag to a digest",
    args: ["tag", "{R}/app:v1", `localhost/x@${DIGEST}`],
    code: 125,
    stderr: /^Error: .*tag by digest not supported\n$/,
  },
  {
    name: "rmi of an unknown image",
    args: ["rmi", "nothere"],
    code: 1,
    stderr: /^Error: nothere: image not known\n$/,
  },
  {
    name: "image exists of an unknown image",
    args: ["image", "exists", "nothere"],
    code: 1,
    stderr: /^$/,
  },
  {
    name: "manifest rm of an unknown list",
    args: ["manifest", "rm", "nothere"],
    code: 1,
    stderr: /^Error: nothere: image not known\n$/,
  },
  {
    name: "inspect of an unknown image",
    args: ["inspect", "nothere"],
    code: 125,
    stderr: /^Error: inspecting object: no such object: "nothere"\n$/,
    stdout: /^\[\]\n$/,
  },
  {
    name: "history of an unknown image",
    args: ["history", "nothere"],
    code: 125,
    stderr: /^Error: nothere: image not known\n$/,
  },
  {
    name: "save of an unknown image",
    args: ["save", "-o", "{D}/x.tar", "nothere"],
    code: 125,
    stderr: /^Error: nothere: image not known\n$/,
  },
  {
    name: "push of an unknown image",
    args: ["push", "nothere", "{R}/x:1"],
    code: 125,
    stderr: /^Error: nothere: image not known\n$/,
  },
  {
    name: "an unknown flag",
    args: ["images", "--bogus"],
    code: 125,
    stderr: /^Error: unknown flag: --bogus\nSee '(podman|stevedore) images --help'\n$/,
  },
  {
    name: "a template naming an unknown field",
    args: ["images", "--format", "{{.Nope}}"],
    code: 125,
    stderr: /^Error: .*Nope/,
  },
  {
    name: "logout when not logged in",
    args: ["logout", "127.0.0.1:1"],
    code: 125,
    stderr: /^Error: not logged into 127\.0\.0\.1:1\n$/,
  },
  {
    name: "login to a registry that refuses connections",
    args: ["login", "-u", "a", "-p", "b", "127.0.0.1:1"],
    code: 125,
    stderr: /^Error: .*127\.0\.0\.1:1/,
  },
  {
    name: "load of a missing file",
    args: ["load", "-i", "{D}/missing.tar"],
    code: 125,
    stderr: /^Error: .*missing\.tar/,
  },
];

/** The piped output of a successful pull of `{R}/app:v1`, with its blob lines as a set. */
export const PULL_FRAME = {
  head: ["Trying to pull {R}/app:v1...", "Getting image source signatures"],
  blob: /^Copying blob sha256:[0-9a-f]{64}$/,
  tail: [
    /^Copying config sha256:[0-9a-f]{64}$/,
    /^Writing manifest to image destination$/,
    /^Storing signatures$/,
  ],
};
