import { after, before, describe, it } from "node:test";
import assert from "node:assert/strict";
import { writeFile } from "node:fs/promises";
import { join } from "node:path";
import { InvalidFilterError, InvalidReferenceError, SearchError } from "../../src/errors.ts";
import { parseSearchFilters } from "../../src/runtime/search.ts";
import { type RegistryServer, startRegistry } from "../helpers/registry_server.ts";
import { type ArchiveEnv, startArchiveEnv } from "./_archive_env.ts";

let env: ArchiveEnv;
let registry: RegistryServer;
before(async () => {
  env = await startArchiveEnv();
  registry = await startRegistry();
});
after(async () => {
  await registry?.stop();
  await env?.stop();
});

interface Row {
  name: string;
  description?: string;
  star_count?: number;
  is_official?: boolean;
  is_automated?: boolean;
}

const ROWS: Record<string, Row[]> = {
  "reg-a.test": [
    { name: "team/app", description: "line one\nline two", star_count: 5, is_official: true },
    { name: "team/app-extra", description: "x".repeat(60), star_count: 50, is_automated: true },
    { name: "team/app-old", description: "old", star_count: 1 },
  ],
  "reg-b.test": [{ name: "other/app", description: "b", star_count: 7 }],
  "index.docker.io": [{ name: "app", description: "official", star_count: 999, is_official: true }],
};

/** A fake v1 search server per host; `reg-down.test` always fails. */
function fakeFetch(seen: string[]) {
  return (input: string | URL | Request): Promise<Response> => {
    const url = new URL(
      typeof input === "string" ? input : input instanceof URL ? input : input.url,
    );
    seen.push(`${url.host}${url.pathname}?${url.searchParams.get("q") ?? ""}`);
    if (url.host === "reg-down.test") return Promise.resolve(new Response("down", { status: 500 }));
    if (url.pathname === "/v2/") return Promise.resolve(new Response("{}", { status: 200 }));
    if (url.pathname === "/v1/search") {
      const n = Number(url.searchParams.get("n"));
      const results = (ROWS[url.host] ?? []).slice(0, n);
      return Promise.resolve(Response.json({ results }));
    }
    return Promise.resolve(new Response("not found", { status: 404 }));
  };
}

async function openSearch(seen: string[], searchRegistries: string[]) {
  const conf = join(env.dir, `registries-${crypto.randomUUID()}.conf`);
  await writeFile(
    conf,
    `unqualified-search-registries = [${searchRegistries.map((r) => `"${r}"`).join(", ")}]\n`,
  );
  return await env.open({ registriesConf: conf, registriesConfDir: "", fetch: fakeFetch(seen) });
}

describe("search", () => {
  it("searches the unqualified-search registries in order and formats rows", async () => {
    const seen: string[] = [];
    const runtime = await openSearch(seen, ["reg-a.test", "reg-b.test"]);
    const rows = await runtime.search("app");
    assert.deepEqual(rows.map((row) => row.Name), [
      "reg-a.test/team/app",
      "reg-a.test/team/app-extra",
      "reg-a.test/team/app-old",
      "reg-b.test/other/app",
    ]);
    assert.deepEqual(rows[0], {
      Index: "reg-a.test",
      Name: "reg-a.test/team/app",
      Description: "line one line two",
      Stars: 5,
      Official: "[OK]",
      Automated: "",
      Tag: "",
    });
    assert.equal(rows[1].Description, "x".repeat(44) + "...");
    assert.equal(rows[1].Automated, "[OK]");
    const whole = await runtime.search("app", { noTrunc: true });
    assert.equal(whole[1].Description, "x".repeat(60));
  });

  it("takes the registry from the term, else from the options", async () => {
    const seen: string[] = [];
    const runtime = await openSearch(seen, ["reg-a.test"]);
    const fromTerm = await runtime.search("reg-b.test/app", { registries: ["reg-a.test"] });
    assert.deepEqual(fromTerm.map((row) => row.Name), ["reg-b.test/other/app"]);
    assert.ok(seen.includes("reg-b.test/v1/search?app"));
    const fromOptions = await runtime.search("app", { registries: ["reg-b.test"] });
    assert.deepEqual(fromOptions.map((row) => row.Index), ["reg-b.test"]);
    // Docker Hub's single-component names get library/.
    const hub = await runtime.search("docker.io/app");
    assert.deepEqual(hub.map((row) => [row.Index, row.Name]), [
      ["docker.io", "docker.io/library/app"],
    ]);
  });

  it("cuts to the limit before filtering", async () => {
    const runtime = await openSearch([], ["reg-a.test"]);
    assert.deepEqual((await runtime.search("app", { limit: 2 })).length, 2);
    // limit 1 keeps only the 5-star row, which stars=10 then drops; filtering first would
    // have kept the 50-star row.
    assert.deepEqual(await runtime.search("app", { limit: 1, filters: ["stars=10"] }), []);
    const starred = await runtime.search("app", { filters: ["stars=5"] });
    assert.deepEqual(starred.map((row) => row.Stars), [5, 50]);
    const official = await runtime.search("app", { filters: ["is-official"] });
    assert.deepEqual(official.map((row) => row.Stars), [5]);
    const notAutomated = await runtime.search("app", { filters: ["is-automated=false"] });
    assert.deepEqual(notAutomated.map((row) => row.Stars), [5, 1]);
  });

  it("drops errors when a registry answered, and aggregates them otherwise", async () => {
    const runtime = await openSearch([], ["reg-down.test", "reg-b.test"]);
    const fast = { retries: 0 };
    assert.deepEqual((await runtime.search("app", fast)).map((row) => row.Index), ["reg-b.test"]);
    await assert.rejects(
      runtime.search("app", { ...fast, registries: ["reg-down.test", "reg-down.test"] }),
      SearchError,
    );
    await assert.rejects(runtime.search("reg-down.test/app", fast), (error: unknown) => {
      return error instanceof Error && !(error instanceof SearchError);
    });
    assert.deepEqual(await runtime.search("app", { registries: ["reg-empty.test"] }), []);
  });

  it("refuses bad filters", async () => {
    const runtime = await openSearch([], ["reg-a.test"]);
    await assert.rejects(runtime.search("app", { filters: ["stars=many"] }), InvalidFilterError);
    await assert.rejects(runtime.search("app", { filters: ["color=red"] }), /invalid filter type/);
    assert.throws(() => parseSearchFilters(["stars"]), InvalidFilterError);
    assert.deepEqual(parseSearchFilters(["is-official=yes", "stars=3"]), {
      stars: 3,
      official: true,
      automated: undefined,
    });
  });

  it("searches the catalog of a registry without v1 search, as podman does", async () => {
    const runtime = await env.open();
    const names = ["cat/app-one:1", "cat/app-two:1", "cat/other:1"];
    for (const name of names) {
      await env.add(runtime, `${registry.registry}/${name}`);
      await runtime.push(`${registry.registry}/${name}`, "", { tlsVerify: false });
    }
    const rows = await runtime.search(`${registry.registry}/app`, { tlsVerify: false });
    assert.deepEqual(rows.map((row) => [row.Index, row.Name, row.Description, row.Stars]), [
      [registry.registry, `${registry.registry}/cat/app-one`, "", 0],
      [registry.registry, `${registry.registry}/cat/app-two`, "", 0],
    ]);
    const one = await runtime.search(`${registry.registry}/app`, { tlsVerify: false, limit: 1 });
    assert.deepEqual(one.map((row) => row.Name), [`${registry.registry}/cat/app-one`]);
    const viaOptions = await runtime.search("other", {
      tlsVerify: false,
      registries: [registry.registry],
    });
    assert.deepEqual(viaOptions.map((row) => row.Name), [`${registry.registry}/cat/other`]);
  });

  it("lists a repository's tags from a real registry", async () => {
    const runtime = await env.open();
    await env.add(runtime, `${registry.registry}/lib/tagged:a`);
    for (const tag of ["a", "b", "c"]) {
      await runtime.tag(
        `${registry.registry}/lib/tagged:a`,
        `${registry.registry}/lib/tagged:${tag}`,
      );
      await runtime.push(`${registry.registry}/lib/tagged:${tag}`, "", { tlsVerify: false });
    }
    const rows = await runtime.search(`${registry.registry}/lib/tagged`, {
      listTags: true,
      tlsVerify: false,
    });
    assert.deepEqual(rows.map((row) => [row.Index, row.Name, row.Tag]).sort(), [
      [registry.registry, `${registry.registry}/lib/tagged`, "a"],
      [registry.registry, `${registry.registry}/lib/tagged`, "b"],
      [registry.registry, `${registry.registry}/lib/tagged`, "c"],
    ]);
    const limited = await runtime.search(`${registry.registry}/lib/tagged`, {
      listTags: true,
      tlsVerify: false,
      limit: 2,
    });
    assert.equal(limited.length, 2);
    await assert.rejects(runtime.search("NOT A REF", { listTags: true }), InvalidReferenceError);
  });
});
