// Preloaded into a CLI process by `_module_trace.ts`: records every module file the process
// loads and writes the list (one path or URL a line) to $STEVEDORE_TRACE_OUT when it exits.
// Deno and Node: the V8 inspector's `Debugger.scriptParsed` events (one per compiled
// script); Bun: a loader plugin that sees every file it loads.
import inspector from "node:inspector";
import { readFileSync, writeFileSync } from "node:fs";
import process from "node:process";

interface BunLoadArgs {
  path: string;
}
interface BunPluginBuilder {
  onLoad(
    options: { filter: RegExp },
    load: (args: BunLoadArgs) => { contents: string; loader: "ts" | "tsx" | "js" },
  ): void;
}
interface BunHost {
  plugin(plugin: { name: string; setup(build: BunPluginBuilder): void }): void;
}

const loaded: string[] = [];
const bun = (globalThis as { Bun?: BunHost }).Bun;
if (bun !== undefined) {
  bun.plugin({
    name: "module-trace",
    setup(build) {
      build.onLoad({ filter: /\.(?:[cm]?js|[cm]?ts|tsx)$/ }, ({ path }) => {
        loaded.push(path);
        const loader = path.endsWith(".tsx") ? "tsx" : /\.[cm]?ts$/.test(path) ? "ts" : "js";
        return { contents: readFileSync(path, "utf8"), loader };
      });
    },
  });
} else {
  const session = new inspector.Session();
  session.connect();
  session.on("Debugger.scriptParsed", (message) => loaded.push(message.params.url));
  session.post("Debugger.enable");
}

let written = false;
function write(): void {
  if (written) return;
  written = true;
  writeFileSync(process.env.STEVEDORE_TRACE_OUT!, loaded.join("\n") + "\n");
}
process.on("exit", write);
// Deno's own exit (`Deno.exit`) fires `unload`, not the process's `exit` event.
globalThis.addEventListener?.("unload", write);
