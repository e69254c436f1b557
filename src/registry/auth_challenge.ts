/**
 * Parsing of `WWW-Authenticate` headers (RFC 9110 §11.6.1) into challenges.
 *
 * @module
 */

/** One authentication challenge, such as `Bearer realm="...",service="..."`. */
export interface AuthChallenge {
  /** The scheme, lower-cased: `"bearer"`, `"basic"`, ... */
  scheme: string;
  /** The parameters, keyed by lower-cased name, with quotes and escapes removed. */
  params: Record<string, string>;
}

const TOKEN_CHAR = /[!#$%&'*+.^_`|~0-9A-Za-z-]/;

/**
 * Parses a `WWW-Authenticate` header value, which may hold several challenges and quoted
 * parameters containing commas. Unparsable pieces are skipped; `null` gives no challenges.
 *
 * @example
 * ```ts
 * import { parseAuthChallenges } from "./auth_challenge.ts";
 * const [c] = parseAuthChallenges('Bearer realm="https://a/token",scope="repository:x:pull,push"');
 * console.log(c.scheme, c.params.scope); // "bearer" "repository:x:pull,push"
 * ```
 */
export function parseAuthChallenges(header: string | null | undefined): AuthChallenge[] {
  const challenges: AuthChallenge[] = [];
  if (!header) return challenges;
  const text = header;
  let i = 0;

  const skip = (chars: string) => {
    while (i < text.length && chars.includes(text[i])) i++;
  };
  const readToken = () => {
    const start = i;
    while (i < text.length && TOKEN_CHAR.test(text[i])) i++;
    return text.slice(start, i);
  };
  const readQuoted = () => {
    let value = "";
    i++; // opening quote
    while (i < text.length && text[i] !== '"') {
      if (text[i] === "\\" && i + 1 < text.length) i++;
      value += text[i++];
    }
    i++; // closing quote
    return value;
  };

  while (i < text.length) {
    skip(" \t,");
    const scheme = readToken();
    if (scheme === "") {
      i++; // not a token character: skip it
      continue;
    }
    const challenge: AuthChallenge = { scheme: scheme.toLowerCase(), params: {} };
    challenges.push(challenge);
    for (;;) {
      const save = i;
      skip(" \t,");
      const name = readToken();
      skip(" \t");
      if (name === "" || text[i] !== "=") {
        i = save;
        break;
      }
      i++; // "="
      skip(" \t");
      let value: string;
      if (text[i] === '"') value = readQuoted();
      else {
        const start = i;
        while (i < text.length && text[i] !== "," && text[i] !== " " && text[i] !== "\t") i++;
        value = text.slice(start, i);
      }
      challenge.params[name.toLowerCase()] = value;
    }
  }
  return challenges;
}
