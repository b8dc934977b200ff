// The values of [X-Health] probes, read once the unit's variables are known: on the machine
// with the unit's environment, and at submission with placeholders. Pure; nothing here throws.
import { type EnvLookup, isEnvName, parseExecLineWithLookup } from "./exec-line.ts";
import { quote } from "./text.ts";

/** An inclusive range of HTTP status codes; a single code is a range of one. */
export interface StatusRange {
  from: number;
  to: number;
}

/**
 * A probe as the unit file writes it, specifiers expanded for its machine; its variables
 * (`${COREOS_PUBLIC_IPV4}`) are substituted each time it runs (see resolveProbe).
 */
export type HealthProbe =
  | { kind: "http"; url: string; expectStatus: StatusRange[] }
  | { kind: "tcp"; address: string }
  | { kind: "exec"; command: string }
  | { kind: "container-exec"; command: string };

/** A probe ready to run: an URL, a host and port, or an argv. */
export type ResolvedProbe =
  | { kind: "http"; url: string; expectStatus: StatusRange[] }
  | { kind: "tcp"; host: string; port: number }
  | { kind: "exec"; argv: string[] }
  | { kind: "container-exec"; argv: string[] };

export type ProbeResolution = { ok: true; probe: ResolvedProbe } | { ok: false; error: string };

/** Docker's, Kubernetes' and most load balancers' idea of a successful answer. */
export const DEFAULT_EXPECT_STATUS: readonly StatusRange[] = [{ from: 200, to: 399 }];

/** The probe with the unit's variables substituted, or why it cannot run. */
export function resolveProbe(probe: HealthProbe, lookup: EnvLookup): ProbeResolution {
  switch (probe.kind) {
    case "http": {
      const url = parseHttpUrl(expandVariables(probe.url, lookup));
      return url.ok
        ? { ok: true, probe: { kind: "http", url: url.url, expectStatus: probe.expectStatus } }
        : url;
    }
    case "tcp": {
      const address = parseHostPort(expandVariables(probe.address, lookup));
      return address.ok
        ? { ok: true, probe: { kind: "tcp", host: address.host, port: address.port } }
        : address;
    }
    case "exec":
    case "container-exec": {
      const argv = checkCommand(probe.command, lookup);
      return argv.ok ? { ok: true, probe: { kind: probe.kind, argv: argv.argv } } : argv;
    }
  }
}

/**
 * `${NAME}` and `$NAME` anywhere in the value become the variable's value (empty when unset),
 * `$$` a dollar sign. A URL or an address is one word, so unlike a command line's `$NAME`
 * nothing is split at blanks.
 */
export function expandVariables(value: string, lookup: EnvLookup): string {
  return value.replace(
    /\$(?:\$|\{([^}]*)\}|([A-Za-z_][A-Za-z0-9_]*))/g,
    (whole, braced: string | undefined, bare: string | undefined) => {
      if (whole === "$$") return "$";
      const name = braced ?? bare ?? "";
      // "${A:-b}" and other shell syntax are not variables: they stay as written.
      if (!isEnvName(name)) return whole;
      return lookup(name) ?? "";
    },
  );
}

/** An http:// or https:// URL with a host, normalised as WHATWG URL writes it. */
export function parseHttpUrl(
  text: string,
): { ok: true; url: string } | { ok: false; error: string } {
  let url: URL;
  try {
    url = new URL(text);
  } catch {
    return { ok: false, error: `${quote(text)} is not an http:// or https:// URL` };
  }
  if ((url.protocol !== "http:" && url.protocol !== "https:") || url.hostname === "") {
    return { ok: false, error: `${quote(text)} is not an http:// or https:// URL` };
  }
  return { ok: true, url: url.href };
}

/** `host:port`, `[IPv6]:port`; the port from 1 to 65535. */
export function parseHostPort(
  text: string,
): { ok: true; host: string; port: number } | { ok: false; error: string } {
  const bracketed = /^\[([0-9A-Fa-f:.]+)\]:([^:]*)$/.exec(text);
  const plain = /^([^:[\]\s/]+):([^:]*)$/.exec(text);
  const match = bracketed ?? plain;
  if (match === null) {
    const hint =
      (text.match(/:/g) ?? []).length > 1 ? " (write an IPv6 address in brackets: [::1]:80)" : "";
    return { ok: false, error: `${quote(text)} is not host:port${hint}` };
  }
  const host = match[1] as string;
  const port = match[2] as string;
  if (!/^\d{1,5}$/.test(port) || Number(port) < 1 || Number(port) > 65535) {
    return { ok: false, error: `${quote(text)}: the port must be a number from 1 to 65535` };
  }
  return { ok: true, host, port: Number(port) };
}

/**
 * ExpectStatus=: codes and ranges separated by blanks or commas, as in `200`, `200-399` or
 * `200 204 301-302`; every code from 100 to 599.
 */
export function parseExpectStatus(
  text: string,
): { ok: true; ranges: StatusRange[] } | { ok: false; error: string } {
  const words = text.split(/[\s,]+/).filter(Boolean);
  if (words.length === 0) return { ok: false, error: "no status given" };
  const ranges: StatusRange[] = [];
  for (const word of words) {
    const match = /^(\d{3})(?:-(\d{3}))?$/.exec(word);
    const from = Number(match?.[1]);
    const to = match?.[2] === undefined ? from : Number(match[2]);
    if (match === null || from < 100 || to > 599 || from > to) {
      return {
        ok: false,
        error: `${quote(word)} is not an HTTP status (100 to 599) or a range of them such as 200-399`,
      };
    }
    ranges.push({ from, to });
  }
  return { ok: true, ranges };
}

export function statusExpected(status: number, ranges: readonly StatusRange[]): boolean {
  return ranges.some((range) => status >= range.from && status <= range.to);
}

/** A command line of ExecCheck= or ContainerExecCheck=: split as ExecStart= is, without prefixes. */
function checkCommand(
  text: string,
  lookup: EnvLookup,
): { ok: true; argv: string[] } | { ok: false; error: string } {
  const parsed = parseExecLineWithLookup(text, lookup);
  if (!parsed.ok) return parsed;
  if (parsed.line.prefixes.length > 0) {
    return {
      ok: false,
      error: `a check takes no prefix such as ${quote(parsed.line.prefixes.join(""))}: its exit status is its verdict`,
    };
  }
  return { ok: true, argv: parsed.line.argv };
}
