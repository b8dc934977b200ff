// A docker CLI command line, read the way the docker CLI reads it (cobra/pflag: long --flag=value
// and --flag value, short -p80 -p=80 -p 80, grouped short flags -dit, "--" ends the options, and
// for run/create the first non-flag word, the image, ends them too), restricted to what the agent
// executes through the Engine API. Pure; nothing here throws.
import { isIP } from "node:net";

export type DockerCommand =
  | { verb: "run"; run: DockerRunSpec }
  | { verb: "create"; run: DockerRunSpec }
  | { verb: "start"; containers: string[]; attach: boolean }
  | { verb: "stop"; containers: string[]; timeoutSeconds?: number }
  | { verb: "kill"; containers: string[]; signal?: string }
  | { verb: "rm"; containers: string[]; force: boolean; volumes: boolean }
  | { verb: "restart"; containers: string[]; timeoutSeconds?: number }
  | { verb: "pull"; image: string };

export interface PortPublish {
  hostIp?: string;
  /** A port, or a range "8000-8010" when one container port is published on any port of it. */
  hostPort?: string;
  containerPort: string;
  protocol: "tcp" | "udp";
}

export interface DockerRunSpec {
  image: string;
  command: string[];
  name?: string;
  detach: boolean;
  remove: boolean;
  /** One entry per container port: a range such as -p 8000-8001:80-81 is expanded. */
  publish: PortPublish[];
  /** "KEY=VALUE" as written, or "KEY" alone: inherit KEY from the unit's environment (see resolveDockerEnv). */
  env: string[];
  envFiles: string[];
  volumes: string[];
  network?: string;
  labels: Record<string, string>;
  workdir?: string;
  /** "" resets the image's entrypoint, as with docker. */
  entrypoint?: string;
  user?: string;
  /** "no", "always", "unless-stopped", "on-failure" or "on-failure:N". */
  restart?: string;
  memoryBytes?: number;
  nanoCpus?: number;
  hostname?: string;
  /** "host:ip", normalised from docker's "host:ip" and "host=ip" forms. */
  addHosts: string[];
  interactive: boolean;
  tty: boolean;
}

export type DockerParse = { ok: true; command: DockerCommand } | { ok: false; error: string };

/** "docker", or any path ending in "/docker". */
export function isDockerProgram(program: string): boolean {
  return program === "docker" || program.endsWith("/docker");
}

/**
 * Parses a docker command line (argv[0] is the docker program). Supported: run, create, start,
 * stop, kill, rm, restart, pull, also as "container <verb>" and "image pull". Options before the
 * command: -D/--debug and -l/--log-level are accepted and ignored, -H/--host only for the default
 * local socket (the agent always uses its own Engine); anything else is refused. Any flag not
 * listed in DockerRunSpec's fields is an error naming it as written, such as
 * "unsupported docker run flag --privileged".
 */
export function parseDockerCommand(argv: string[]): DockerParse {
  const program = argv[0];
  if (program === undefined || !isDockerProgram(program)) {
    return fail(`not a docker command line: ${show(program ?? "")}`);
  }
  const globals = parseFlags(argv.slice(1), GLOBAL_FLAGS, {}, "docker option", false);
  if (!globals.ok) return globals;
  let [verb, ...args] = globals.positional;
  if (verb === undefined) return fail("docker needs a command such as run, stop or pull");
  if (verb === "container" || verb === "image") {
    const group = verb;
    const sub = args[0];
    const allowed = group === "image" ? ["pull"] : CONTAINER_VERBS;
    if (sub === undefined) return fail(`docker ${group} needs a command`);
    if (!allowed.includes(sub)) return fail(`unsupported docker command ${group} ${show(sub)}`);
    verb = sub;
    args = args.slice(1);
  }
  switch (verb) {
    case "run":
    case "create":
      return parseRun(verb, args);
    case "start":
      return parseStart(args);
    case "stop":
    case "restart":
      return parseStopOrRestart(verb, args);
    case "kill":
      return parseKill(args);
    case "rm":
      return parseRm(args);
    case "pull":
      return parsePull(args);
    default:
      return fail(`unsupported docker command ${show(verb)}`);
  }
}

const CONTAINER_VERBS = ["run", "create", "start", "stop", "kill", "rm", "restart"];

/**
 * Resolves run's env entries against the unit's environment, as the docker CLI does against its
 * own: "KEY" alone becomes "KEY=value" when KEY is set and stays "KEY" otherwise.
 */
export function resolveDockerEnv(
  entries: readonly string[],
  env: Readonly<Record<string, string>>,
): string[] {
  return entries.map((entry) => {
    if (entry.includes("=") || !Object.hasOwn(env, entry)) return entry;
    return `${entry}=${env[entry]}`;
  });
}

/**
 * An --env-file's content by the docker CLI's rules: leading blanks dropped, blank lines and lines
 * starting with "#" skipped, "KEY=VALUE" kept verbatim (no quote processing, trailing blanks
 * kept), "KEY" alone inherits from `env` and is dropped when unset. A line with no name, or a name
 * containing blanks, fails the whole file (as docker does), naming the line.
 */
export function parseDockerEnvFile(
  text: string,
  env: Readonly<Record<string, string>>,
): { ok: true; env: string[] } | { ok: false; error: string } {
  const out: string[] = [];
  const lines = text.replace(/^\uFEFF/, "").split("\n");
  for (const [index, raw] of lines.entries()) {
    const line = raw.replace(/\r$/, "").replace(/^\s+/, "");
    if (line === "" || line.startsWith("#")) continue;
    const eq = line.indexOf("=");
    const name = eq === -1 ? line : line.slice(0, eq);
    if (name === "") return fail(`line ${index + 1}: no variable name in ${show(line)}`);
    if (/[ \t]/.test(name)) {
      return fail(`line ${index + 1}: variable name ${show(name)} contains blanks`);
    }
    if (eq !== -1) out.push(line);
    else if (Object.hasOwn(env, name)) out.push(`${name}=${env[name]}`);
  }
  return { ok: true, env: out };
}

// ---------------------------------------------------------------------------------------------
// Flag parsing, the pflag way.

interface FlagSpec<S> {
  long: string[];
  short?: string;
  takesValue: boolean;
  /** Records the value ("true"/"false" for a boolean flag); returns an error message or undefined. */
  apply?: (state: S, value: string, written: string) => string | undefined;
}

type Parsed = { ok: true; positional: string[] } | { ok: false; error: string };

// Go's strconv.ParseBool, which pflag uses for --flag=value on boolean flags.
function parseGoBool(value: string): boolean | undefined {
  if (["1", "t", "T", "TRUE", "true", "True"].includes(value)) return true;
  if (["0", "f", "F", "FALSE", "false", "False"].includes(value)) return false;
  return undefined;
}

function parseFlags<S>(
  args: readonly string[],
  specs: readonly FlagSpec<S>[],
  state: S,
  what: string,
  interspersed: boolean,
): Parsed {
  const positional: string[] = [];
  let i = 0;
  const apply = (spec: FlagSpec<S>, value: string, written: string): string | undefined =>
    spec.apply?.(state, value, written);
  const boolValue = (text: string, written: string): string | { error: string } => {
    const b = parseGoBool(text);
    if (b === undefined)
      return { error: `${what} ${written} takes true or false, not ${show(text)}` };
    return String(b);
  };
  while (i < args.length) {
    const arg = args[i] as string;
    if (arg === "--") {
      positional.push(...args.slice(i + 1));
      break;
    }
    if (arg.startsWith("--")) {
      const body = arg.slice(2);
      const eq = body.indexOf("=");
      const name = eq === -1 ? body : body.slice(0, eq);
      const written = `--${name}`;
      const spec = specs.find((s) => s.long.includes(name));
      if (spec === undefined) return fail(`unsupported ${what} ${show(written)}`);
      let value: string;
      if (!spec.takesValue) {
        const b = eq === -1 ? "true" : boolValue(body.slice(eq + 1), written);
        if (typeof b !== "string") return fail(b.error);
        value = b;
      } else if (eq !== -1) {
        value = body.slice(eq + 1);
      } else {
        const next = args[i + 1];
        if (next === undefined) return fail(`${what} ${written} needs a value`);
        value = next;
        i++;
      }
      const error = apply(spec, value, written);
      if (error !== undefined) return fail(error);
      i++;
      continue;
    }
    if (arg.startsWith("-") && arg.length > 1) {
      const chars = [...arg.slice(1)];
      for (let j = 0; j < chars.length; j++) {
        const char = chars[j] as string;
        const written = `-${char}`;
        const spec = specs.find((s) => s.short === char);
        if (spec === undefined) return fail(`unsupported ${what} ${show(written)}`);
        const rest = chars.slice(j + 1).join("");
        if (!spec.takesValue) {
          if (rest.startsWith("=")) {
            const b = boolValue(rest.slice(1), written);
            if (typeof b !== "string") return fail(b.error);
            const error = apply(spec, b, written);
            if (error !== undefined) return fail(error);
            break;
          }
          const error = apply(spec, "true", written);
          if (error !== undefined) return fail(error);
          continue;
        }
        let value: string;
        if (rest !== "") {
          value = rest.startsWith("=") ? rest.slice(1) : rest;
        } else {
          const next = args[i + 1];
          if (next === undefined) return fail(`${what} ${written} needs a value`);
          value = next;
          i++;
        }
        const error = apply(spec, value, written);
        if (error !== undefined) return fail(error);
        break;
      }
      i++;
      continue;
    }
    if (!interspersed) {
      positional.push(...args.slice(i));
      break;
    }
    positional.push(arg);
    i++;
  }
  return { ok: true, positional };
}

const LOG_LEVELS = ["debug", "info", "warn", "error", "fatal"];
const LOCAL_HOSTS = ["unix:///var/run/docker.sock", "unix:///run/docker.sock"];

const GLOBAL_FLAGS: FlagSpec<object>[] = [
  { long: ["debug"], short: "D", takesValue: false },
  {
    long: ["log-level"],
    short: "l",
    takesValue: true,
    apply: (_, v) =>
      LOG_LEVELS.includes(v)
        ? undefined
        : `invalid docker --log-level ${show(v)}: expected one of ${LOG_LEVELS.join(", ")}`,
  },
  {
    long: ["host"],
    short: "H",
    takesValue: true,
    apply: (_, v) =>
      LOCAL_HOSTS.includes(v)
        ? undefined
        : `unsupported docker --host ${show(v)}: Flotilla runs docker commands on the machine's own Docker Engine (only ${LOCAL_HOSTS.join(" or ")} is accepted)`,
  },
];

// ---------------------------------------------------------------------------------------------
// Verbs.

function parseRun(verb: "run" | "create", args: readonly string[]): DockerParse {
  const spec: DockerRunSpec = {
    image: "",
    command: [],
    detach: false,
    remove: false,
    publish: [],
    env: [],
    envFiles: [],
    volumes: [],
    labels: {},
    addHosts: [],
    interactive: false,
    tty: false,
  };
  const flags = RUN_FLAGS.filter((f) => verb === "run" || !f.long.includes("detach"));
  const parsed = parseFlags(args, flags, spec, `docker ${verb} flag`, false);
  if (!parsed.ok) return parsed;
  const [image, ...command] = parsed.positional;
  if (image === undefined) return fail(`docker ${verb} needs an image`);
  const imageError = imageReferenceError(image);
  if (imageError !== undefined) return fail(`docker ${verb}: ${imageError}`);
  spec.image = image;
  spec.command = command;
  if (spec.remove && spec.restart !== undefined && spec.restart !== "no") {
    return fail(`docker ${verb}: --restart ${spec.restart} conflicts with --rm`);
  }
  return { ok: true, command: { verb, run: spec } };
}

const CONTAINER_NAME = /^\/?[a-zA-Z0-9][a-zA-Z0-9_.-]+$/;
const CONTAINER_REF = /^\/?[a-zA-Z0-9][a-zA-Z0-9_.-]*$/;

const RUN_FLAGS: FlagSpec<DockerRunSpec>[] = [
  {
    long: ["name"],
    takesValue: true,
    apply: (s, v) => {
      if (!CONTAINER_NAME.test(v)) {
        return `invalid container name ${show(v)}: only [a-zA-Z0-9][a-zA-Z0-9_.-]+ is allowed`;
      }
      s.name = v;
      return undefined;
    },
  },
  {
    long: ["publish"],
    short: "p",
    takesValue: true,
    apply: (s, v) => {
      const ports = parsePublish(v);
      if (!ports.ok) return ports.error;
      s.publish.push(...ports.value);
      return undefined;
    },
  },
  {
    long: ["env"],
    short: "e",
    takesValue: true,
    apply: (s, v) => {
      const eq = v.indexOf("=");
      if ((eq === -1 ? v : v.slice(0, eq)) === "") return `invalid environment variable ${show(v)}`;
      s.env.push(v);
      return undefined;
    },
  },
  {
    long: ["env-file"],
    takesValue: true,
    apply: (s, v, w) => {
      if (v === "") return emptyValue(w);
      s.envFiles.push(v);
      return undefined;
    },
  },
  {
    long: ["volume"],
    short: "v",
    takesValue: true,
    apply: (s, v) => {
      const error = volumeError(v);
      if (error === undefined) s.volumes.push(v);
      return error;
    },
  },
  {
    long: ["rm"],
    takesValue: false,
    apply: (s, v) => {
      s.remove = v === "true";
      return undefined;
    },
  },
  {
    long: ["detach"],
    short: "d",
    takesValue: false,
    apply: (s, v) => {
      s.detach = v === "true";
      return undefined;
    },
  },
  {
    long: ["network", "net"],
    takesValue: true,
    apply: (s, v, w) => {
      if (v === "") return emptyValue(w);
      s.network = v;
      return undefined;
    },
  },
  {
    long: ["label"],
    short: "l",
    takesValue: true,
    apply: (s, v) => {
      const eq = v.indexOf("=");
      const key = (eq === -1 ? v : v.slice(0, eq)).trim();
      if (key === "") return `invalid label ${show(v)}: empty name`;
      Object.defineProperty(s.labels, key, {
        value: eq === -1 ? "" : v.slice(eq + 1),
        enumerable: true,
        writable: true,
        configurable: true,
      });
      return undefined;
    },
  },
  {
    long: ["workdir"],
    short: "w",
    takesValue: true,
    apply: (s, v) => {
      if (!v.startsWith("/")) return `invalid --workdir ${show(v)}: it must be an absolute path`;
      s.workdir = v;
      return undefined;
    },
  },
  {
    long: ["entrypoint"],
    takesValue: true,
    apply: (s, v) => {
      s.entrypoint = v;
      return undefined;
    },
  },
  {
    long: ["user"],
    short: "u",
    takesValue: true,
    apply: (s, v, w) => {
      if (v === "") return emptyValue(w);
      s.user = v;
      return undefined;
    },
  },
  {
    long: ["restart"],
    takesValue: true,
    apply: (s, v) => {
      const error = restartPolicyError(v);
      if (error !== undefined) return error;
      s.restart = v === "" ? undefined : v;
      return undefined;
    },
  },
  {
    long: ["memory"],
    short: "m",
    takesValue: true,
    apply: (s, v) => {
      const bytes = parseMemory(v);
      if (bytes === undefined) {
        return `invalid --memory ${show(v)}: expected a size such as 512m or 1.5g (suffix b, k, m, g, t or p)`;
      }
      s.memoryBytes = bytes;
      return undefined;
    },
  },
  {
    long: ["cpus"],
    takesValue: true,
    apply: (s, v) => {
      const nano = parseNanoCpus(v);
      if (typeof nano === "string") return nano;
      s.nanoCpus = nano;
      return undefined;
    },
  },
  {
    long: ["hostname"],
    short: "h",
    takesValue: true,
    apply: (s, v, w) => {
      if (v === "") return emptyValue(w);
      s.hostname = v;
      return undefined;
    },
  },
  {
    long: ["add-host"],
    takesValue: true,
    apply: (s, v) => {
      const host = parseExtraHost(v);
      if (!host.ok) return host.error;
      s.addHosts.push(host.value);
      return undefined;
    },
  },
  {
    long: ["interactive"],
    short: "i",
    takesValue: false,
    apply: (s, v) => {
      s.interactive = v === "true";
      return undefined;
    },
  },
  {
    long: ["tty"],
    short: "t",
    takesValue: false,
    apply: (s, v) => {
      s.tty = v === "true";
      return undefined;
    },
  },
];

function containers(verb: string, positional: string[]): string[] | { error: string } {
  if (positional.length === 0) return { error: `docker ${verb} needs at least one container` };
  for (const name of positional) {
    if (!CONTAINER_REF.test(name))
      return { error: `docker ${verb}: invalid container name ${show(name)}` };
  }
  return positional;
}

function parseStart(args: readonly string[]): DockerParse {
  const state = { attach: false };
  const parsed = parseFlags(
    args,
    [
      {
        long: ["attach"],
        short: "a",
        takesValue: false,
        apply: (s, v) => {
          s.attach = v === "true";
          return undefined;
        },
      },
      // Accepted and ignored: a unit's standard input is not a terminal anyway.
      { long: ["interactive"], short: "i", takesValue: false },
    ],
    state,
    "docker start flag",
    true,
  );
  if (!parsed.ok) return parsed;
  const names = containers("start", parsed.positional);
  if (!Array.isArray(names)) return fail(names.error);
  return { ok: true, command: { verb: "start", containers: names, attach: state.attach } };
}

function parseStopOrRestart(verb: "stop" | "restart", args: readonly string[]): DockerParse {
  const state: { timeoutSeconds?: number } = {};
  const parsed = parseFlags(
    args,
    [
      {
        long: ["time", "timeout"],
        short: "t",
        takesValue: true,
        apply: (s, v, w) => {
          if (!/^\d{1,9}$/.test(v))
            return `invalid docker ${verb} ${w} ${show(v)}: expected whole seconds`;
          s.timeoutSeconds = Number(v);
          return undefined;
        },
      },
    ],
    state,
    `docker ${verb} flag`,
    true,
  );
  if (!parsed.ok) return parsed;
  const names = containers(verb, parsed.positional);
  if (!Array.isArray(names)) return fail(names.error);
  const command: { verb: typeof verb; containers: string[]; timeoutSeconds?: number } = {
    verb,
    containers: names,
  };
  if (state.timeoutSeconds !== undefined) command.timeoutSeconds = state.timeoutSeconds;
  return { ok: true, command };
}

const SIGNAL = /^(?:\d{1,2}|(?:SIG)?[A-Z][A-Z0-9]*(?:[+-]\d{1,2})?)$/i;

function parseKill(args: readonly string[]): DockerParse {
  const state: { signal?: string } = {};
  const parsed = parseFlags(
    args,
    [
      {
        long: ["signal"],
        short: "s",
        takesValue: true,
        apply: (s, v) => {
          if (!SIGNAL.test(v)) return `invalid docker kill signal ${show(v)}`;
          s.signal = v;
          return undefined;
        },
      },
    ],
    state,
    "docker kill flag",
    true,
  );
  if (!parsed.ok) return parsed;
  const names = containers("kill", parsed.positional);
  if (!Array.isArray(names)) return fail(names.error);
  const command: { verb: "kill"; containers: string[]; signal?: string } = {
    verb: "kill",
    containers: names,
  };
  if (state.signal !== undefined) command.signal = state.signal;
  return { ok: true, command };
}

function parseRm(args: readonly string[]): DockerParse {
  const state = { force: false, volumes: false };
  const parsed = parseFlags(
    args,
    [
      {
        long: ["force"],
        short: "f",
        takesValue: false,
        apply: (s, v) => {
          s.force = v === "true";
          return undefined;
        },
      },
      {
        long: ["volumes"],
        short: "v",
        takesValue: false,
        apply: (s, v) => {
          s.volumes = v === "true";
          return undefined;
        },
      },
    ],
    state,
    "docker rm flag",
    true,
  );
  if (!parsed.ok) return parsed;
  const names = containers("rm", parsed.positional);
  if (!Array.isArray(names)) return fail(names.error);
  return { ok: true, command: { verb: "rm", containers: names, ...state } };
}

function parsePull(args: readonly string[]): DockerParse {
  const parsed = parseFlags(
    args,
    [
      // Accepted and ignored: they change only what the CLI prints or verifies locally.
      { long: ["quiet"], short: "q", takesValue: false },
      { long: ["disable-content-trust"], takesValue: false },
    ],
    {},
    "docker pull flag",
    true,
  );
  if (!parsed.ok) return parsed;
  const [image, ...extra] = parsed.positional;
  if (image === undefined) return fail("docker pull needs an image");
  if (extra.length > 0)
    return fail(`docker pull takes one image, not also ${show(extra[0] ?? "")}`);
  const error = imageReferenceError(image);
  if (error !== undefined) return fail(`docker pull: ${error}`);
  return { ok: true, command: { verb: "pull", image } };
}

// ---------------------------------------------------------------------------------------------
// Values.

type Value<T> = { ok: true; value: T } | { ok: false; error: string };

function parsePortRange(text: string): [number, number] | undefined {
  const match = /^(\d{1,5})(?:-(\d{1,5}))?$/.exec(text);
  if (match === null) return undefined;
  const start = Number(match[1]);
  const end = match[2] === undefined ? start : Number(match[2]);
  if (start > 65535 || end > 65535 || end < start) return undefined;
  return [start, end];
}

/** One -p value, by docker's rules (nat.ParsePortSpec); ranges are expanded. */
export function parsePublish(spec: string): Value<PortPublish[]> {
  const bad = (why: string): Value<PortPublish[]> => ({
    ok: false,
    error: `invalid --publish ${show(spec)}: ${why}`,
  });
  const parts = spec.split(":");
  const containerPart = parts[parts.length - 1] as string;
  let hostIp = parts.length >= 3 ? parts.slice(0, parts.length - 2).join(":") : "";
  const hostPart = parts.length >= 2 ? (parts[parts.length - 2] as string) : "";
  const slash = containerPart.indexOf("/");
  const portText = slash === -1 ? containerPart : containerPart.slice(0, slash);
  const protoText = slash === -1 ? "" : containerPart.slice(slash + 1).toLowerCase();
  const protocol = protoText === "" ? "tcp" : protoText;
  if (hostIp.startsWith("[") && hostIp.endsWith("]")) hostIp = hostIp.slice(1, -1);
  if (hostIp !== "" && isIP(hostIp) === 0) return bad(`${show(hostIp)} is not an IP address`);
  if (portText === "") return bad("no container port");
  const container = parsePortRange(portText);
  if (container === undefined || container[0] === 0) {
    return bad(`invalid container port ${show(portText)}`);
  }
  const host = hostPart === "" ? undefined : parsePortRange(hostPart);
  if (hostPart !== "" && host === undefined) return bad(`invalid host port ${show(hostPart)}`);
  if (protocol !== "tcp" && protocol !== "udp") {
    return bad(`unsupported protocol ${show(protoText)} (tcp or udp)`);
  }
  const count = container[1] - container[0];
  if (host !== undefined && host[1] - host[0] !== count && count !== 0) {
    return bad("the host and container port ranges differ in size");
  }
  const out: PortPublish[] = [];
  for (let k = 0; k <= count; k++) {
    const entry: PortPublish = { containerPort: String(container[0] + k), protocol };
    if (hostIp !== "") entry.hostIp = hostIp;
    if (host !== undefined) {
      entry.hostPort =
        count === 0 && host[0] !== host[1] ? `${host[0]}-${host[1]}` : String(host[0] + k);
    }
    out.push(entry);
  }
  return { ok: true, value: out };
}

const MEMORY = /^(\d+(?:\.\d+)?) ?([kmgtp])?i?b?$/i;
const MEMORY_UNITS: Readonly<Record<string, number>> = {
  k: 1024,
  m: 1024 ** 2,
  g: 1024 ** 3,
  t: 1024 ** 4,
  p: 1024 ** 5,
};

/** docker's RAMInBytes: a decimal number with an optional binary unit (b, k, m, g, t, p; "kb", "KiB" too). */
export function parseMemory(text: string): number | undefined {
  const match = MEMORY.exec(text);
  if (match === null) return undefined;
  const unit = match[2]?.toLowerCase();
  const multiplier = unit === undefined ? 1 : (MEMORY_UNITS[unit] ?? 1);
  const bytes = Math.trunc(Number(match[1]) * multiplier);
  return Number.isSafeInteger(bytes) ? bytes : undefined;
}

/** --cpus: a decimal number of CPUs, exact to 1e-9, as nanoCPUs. */
function parseNanoCpus(text: string): number | string {
  const match = /^(\d*)(?:\.(\d*))?$/.exec(text);
  if (match === null || text === "" || text === ".") {
    return `invalid --cpus ${show(text)}: expected a number of CPUs such as 1.5`;
  }
  const whole = match[1] === "" ? "0" : (match[1] ?? "0");
  const fraction = (match[2] ?? "").replace(/0+$/, "");
  if (fraction.length > 9) return `invalid --cpus ${show(text)}: more precise than 1e-9`;
  const nano = BigInt(whole) * 1_000_000_000n + BigInt(fraction.padEnd(9, "0"));
  if (nano > BigInt(Number.MAX_SAFE_INTEGER)) return `invalid --cpus ${show(text)}: too large`;
  return Number(nano);
}

function restartPolicyError(value: string): string | undefined {
  if (value === "") return undefined;
  const colon = value.indexOf(":");
  const name = colon === -1 ? value : value.slice(0, colon);
  const count = colon === -1 ? undefined : value.slice(colon + 1);
  if (!["no", "always", "unless-stopped", "on-failure"].includes(name)) {
    return `invalid --restart policy ${show(value)}: expected no, always, unless-stopped or on-failure[:N]`;
  }
  if (count === undefined) return undefined;
  if (name !== "on-failure") {
    return `invalid --restart policy ${show(value)}: only on-failure takes a retry count`;
  }
  return /^\d{1,9}$/.test(count) ? undefined : `invalid --restart retry count ${show(count)}`;
}

function parseExtraHost(value: string): Value<string> {
  const sep = value.includes("=") ? "=" : ":";
  const at = value.indexOf(sep);
  const host = at === -1 ? "" : value.slice(0, at);
  let ip = at === -1 ? "" : value.slice(at + 1);
  if (ip.startsWith("[") && ip.endsWith("]")) ip = ip.slice(1, -1);
  if (host === "" || ip === "") {
    return { ok: false, error: `invalid --add-host ${show(value)}: expected host:ip` };
  }
  if (ip !== "host-gateway" && isIP(ip) === 0) {
    return {
      ok: false,
      error: `invalid --add-host ${show(value)}: ${show(ip)} is not an IP address`,
    };
  }
  return { ok: true, value: `${host}:${ip}` };
}

const VOLUME_NAME = /^[a-zA-Z0-9][a-zA-Z0-9_.-]+$/;
const VOLUME_MODES = new Set([
  "ro",
  "rw",
  "z",
  "Z",
  "nocopy",
  "shared",
  "rshared",
  "slave",
  "rslave",
  "private",
  "rprivate",
  "consistent",
  "cached",
  "delegated",
]);

function volumeError(value: string): string | undefined {
  const bad = (why: string) => `invalid --volume ${show(value)}: ${why}`;
  const parts = value.split(":");
  if (parts.length > 3) return bad("expected [source:]destination[:mode]");
  const destination = (parts.length === 1 ? parts[0] : parts[1]) ?? "";
  if (!destination.startsWith("/")) return bad("the destination must be an absolute path");
  if (parts.length >= 2) {
    const source = parts[0] ?? "";
    if (!source.startsWith("/") && !VOLUME_NAME.test(source)) {
      return bad("the source must be an absolute path or a volume name");
    }
  }
  const mode = parts[2];
  if (mode !== undefined) {
    for (const option of mode.split(",")) {
      if (!VOLUME_MODES.has(option)) return bad(`unknown mode ${show(option)}`);
    }
  }
  return undefined;
}

// The distribution reference grammar: [domain[:port]/]path[:tag][@digest], path lowercase.
const DOMAIN_PART = "(?:[a-zA-Z0-9]|[a-zA-Z0-9][a-zA-Z0-9-]*[a-zA-Z0-9])";
const DOMAIN = `(?:${DOMAIN_PART}(?:\\.${DOMAIN_PART})*|\\[[0-9a-fA-F:.]+\\])(?::[0-9]+)?`;
const PATH_PART = "[a-z0-9]+(?:(?:[._]|__|-+)[a-z0-9]+)*";
const TAG = "[\\w][\\w.-]{0,127}";
const DIGEST = "[A-Za-z][A-Za-z0-9]*(?:[-_+.][A-Za-z][A-Za-z0-9]*)*:[0-9a-fA-F]{32,}";
const REFERENCE = new RegExp(
  `^(?:${DOMAIN}/)?${PATH_PART}(?:/${PATH_PART})*(?::${TAG})?(?:@${DIGEST})?$`,
);

/** Why `image` is not a valid image reference, or undefined when it is. */
export function imageReferenceError(image: string): string | undefined {
  if (image === "") return "the image name is empty";
  if (image.length > 512) return `invalid image reference ${show(image.slice(0, 40))}...: too long`;
  if (REFERENCE.test(image)) return undefined;
  const slash = image.indexOf("/");
  const lowerRest =
    slash === -1
      ? image.toLowerCase()
      : image.slice(0, slash + 1) + image.slice(slash + 1).toLowerCase();
  if (REFERENCE.test(lowerRest) || REFERENCE.test(image.toLowerCase())) {
    return `invalid image reference ${show(image)}: repository names must be lowercase`;
  }
  return `invalid image reference ${show(image)}`;
}

function emptyValue(written: string): string {
  return `${written} needs a non-empty value`;
}

function fail(error: string): { ok: false; error: string } {
  return { ok: false, error };
}

/** A word as written when it is plain printable ASCII, JSON-quoted otherwise. */
export function show(word: string): string {
  return /^[\x21-\x7e]+$/.test(word) && !word.includes('"') ? word : JSON.stringify(word);
}
