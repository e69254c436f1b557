// A child process for the lock contention test: adds COUNT names to two images in turn.
// Usage: tsx _names_child.ts ROOT ID_A ID_B TAG COUNT
import { NodeFileSystem } from "../../src/fs/mod.ts";
import { openStore } from "../../src/store/mod.ts";

const [root, idA, idB, tag, count] = process.argv.slice(2);
const store = await openStore({ root, fs: new NodeFileSystem() });
for (let i = 0; i < Number(count); i++) {
  await store.changeNames(i % 2 === 0 ? idA : idB, { add: [`${tag}/n:${i}`] });
}
