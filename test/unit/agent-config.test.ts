import assert from "node:assert/strict";
import { describe, test } from "node:test";
import { agentConfig } from "../../src/agent/config.ts";
import { ConfigError } from "../../src/config/parse.ts";

/** Every test names the machine, so that none reads /etc/machine-id or writes a state directory. */
const base = ["--machine-id", "m1", "--state-dir", "/nonexistent/flotilla-agent-config"];

describe("flotilla agent --advertise-url", () => {
  test("absent: the machine is announced at the listen address", () => {
    assert.equal(agentConfig([...base, "--listen", "10.0.0.1:7601"], {}).advertiseURL, undefined);
  });

  test("the flag wins over FLOTILLA_ADVERTISE_URL, which is read without it", () => {
    const env = { FLOTILLA_ADVERTISE_URL: "http://proxy.example:9000" };
    assert.equal(agentConfig(base, env).advertiseURL, "http://proxy.example:9000");
    assert.equal(
      agentConfig([...base, "--advertise-url", "https://10.0.0.9:8443"], env).advertiseURL,
      "https://10.0.0.9:8443",
    );
  });

  test("a trailing slash is dropped; the port may be the scheme's own", () => {
    assert.equal(
      agentConfig([...base, "--advertise-url", "http://127.0.9.11:41234/"], {}).advertiseURL,
      "http://127.0.9.11:41234",
    );
    assert.equal(
      agentConfig([...base, "--advertise-url", "http://agent.example"], {}).advertiseURL,
      "http://agent.example",
    );
  });

  for (const wrong of [
    "127.0.9.11:7601",
    "ftp://10.0.0.1:21",
    "http://10.0.0.1:7601/agent",
    "http://10.0.0.1:7601/?x=1",
    "http://user:secret@10.0.0.1:7601",
    "",
  ]) {
    test(`refused as a usage error: ${JSON.stringify(wrong)}`, () => {
      assert.throws(
        () => agentConfig([...base, "--advertise-url", wrong], {}),
        (error: unknown) => error instanceof ConfigError && /--advertise-url/.test(error.message),
      );
    });
  }
});
