/**
 * The command line's short-name prompt: podman's "? Please select an image:", shown when a
 * short name has several unqualified-search registries to come from and no alias (modes
 * `enforcing` and `permissive`, standard input and output both terminals). Podman draws an
 * arrow-key menu; this one numbers the names on standard error (standard output carries
 * the image IDs) and reads the answer as a line from standard input: a number, a name, or
 * Enter alone for the first name (the one podman's menu starts on). Loaded (see
 * `_modules.ts`) only when a prompt is shown.
 *
 * @module
 */
import { escapeControl } from "./_format.ts";
import type { CliIO } from "./_io.ts";
import { LineReader } from "./_stdin.ts";

/** Asks the user to pick one of `choices`; resolves with the chosen one. */
export type ChoicePrompt = (message: string, choices: string[]) => Promise<string>;

/** The choice `answer` names: its number (from 1), the name itself, or "" for the first. */
function chosen(answer: string, choices: string[]): string | undefined {
  const text = answer.trim();
  if (text === "") return choices[0];
  if (/^[0-9]+$/.test(text)) {
    const number = Number(text);
    return number >= 1 && number <= choices.length ? choices[number - 1] : undefined;
  }
  return choices.find((choice) => choice === text);
}

/** Rejects when `io` receives SIGINT or SIGTERM, like podman's menu on Ctrl-C. */
function interrupted(io: CliIO): { promise: Promise<never>; stop: () => void } {
  let stop = () => {};
  const promise = new Promise<never>((_, reject) => {
    stop = io.onSignal?.(() => reject(new Error("^C (interrupted)"))) ?? stop;
  });
  // A signal between two reads is taken up by the next read.
  promise.catch(() => {});
  return { promise, stop };
}

/**
 * The prompt of the command line running in `io`: the question and the numbered choices
 * on standard error, the answer read line by line from standard input (re-asked until it
 * names a choice). The end of input (Ctrl-D) or Ctrl-C rejects; nothing is chosen then.
 * Every prompt of one run reads from the same standard input.
 *
 * @example
 * ```ts ignore
 * const prompt = terminalPrompt(io);
 * const name = await prompt("Please select an image", ["quay.io/a:latest", "docker.io/a:latest"]);
 * ```
 */
export function terminalPrompt(io: CliIO): ChoicePrompt {
  let lines: LineReader | undefined;
  return async (message, choices) => {
    lines ??= new LineReader(io.stdin);
    const menu = choices.map((choice, x) => `  ${x + 1}. ${escapeControl(choice)}\n`);
    await io.stderr(`? ${message}:\n${menu.join("")}`);
    const signal = interrupted(io);
    try {
      for (;;) {
        await io.stderr(`Enter a number (1-${choices.length}) or a name [1]: `);
        const answer = await Promise.race([lines.next(), signal.promise]);
        if (answer === undefined) throw new Error("^D (end of input)");
        const choice = chosen(answer, choices);
        if (choice !== undefined) {
          await io.stderr(`✔ ${escapeControl(choice)}\n`);
          return choice;
        }
        await io.stderr(
          `Invalid selection "${escapeControl(answer)}": enter a number from 1 to ` +
            `${choices.length} or one of the names above\n`,
        );
      }
    } catch (error) {
      // The answer line was left open: end it before the error line.
      await io.stderr("\n");
      throw error;
    } finally {
      signal.stop();
    }
  };
}
