import assert from "node:assert/strict";
import { describe, test } from "node:test";
import fc from "fast-check";
import {
  type AnnounceLoop,
  analyseAnnounceLoop,
  recogniseAnnounceLoop,
} from "../../src/unit/announce-loop.ts";

const TUTORIAL =
  "while true; do etcdctl set /announce/services/apache80 127.0.0.11:80 --ttl 60; sleep 45; done";

const TUTORIAL_LOOP: AnnounceLoop = {
  key: "/announce/services/apache80",
  value: "127.0.0.11:80",
  ttlSeconds: 60,
  periodSeconds: 45,
  verb: "set",
  sleepFirst: false,
};

function loop(script: string, shell = "/bin/sh"): AnnounceLoop {
  const found = recogniseAnnounceLoop([shell, "-c", script]);
  assert.ok(found !== undefined, `not recognised: ${JSON.stringify(script)}`);
  return found;
}

function notLoop(script: string, shell = "/bin/sh"): void {
  assert.equal(
    recogniseAnnounceLoop([shell, "-c", script]),
    undefined,
    `recognised: ${JSON.stringify(script)}`,
  );
}

describe("recogniseAnnounceLoop: the tutorial's sidekick", () => {
  test("is an announce loop with ttl 60 and period 45", () => {
    assert.deepEqual(recogniseAnnounceLoop(["/bin/sh", "-c", TUTORIAL]), TUTORIAL_LOOP);
  });
});

describe("recogniseAnnounceLoop: accepted variations", () => {
  test("sh, bash or dash at any path", () => {
    for (const shell of ["sh", "/bin/sh", "/usr/bin/bash", "bash", "/bin/dash"]) {
      assert.deepEqual(loop(TUTORIAL, shell), TUTORIAL_LOOP);
    }
  });

  test("while true, while :, while [ 1 ]", () => {
    for (const condition of ["true", ":", "[ 1 ]", "[ true ]", '"true"']) {
      assert.deepEqual(
        loop(`while ${condition}; do etcdctl set /k v --ttl 10; sleep 5; done`).periodSeconds,
        5,
      );
    }
  });

  test("etcdctl at any path, with global options, flags anywhere etcdctl accepts them", () => {
    assert.deepEqual(
      loop(
        "while true; do /usr/bin/etcdctl --peers http://x:4001 set --ttl 10 /k v; sleep 5; done",
      ),
      { key: "/k", value: "v", ttlSeconds: 10, periodSeconds: 5, verb: "set", sleepFirst: false },
    );
  });

  test("mk and update are recognised and recorded", () => {
    assert.equal(loop("while true; do etcdctl mk /k v --ttl 10; sleep 5; done").verb, "mk");
    assert.equal(loop("while true; do etcdctl update /k v --ttl 10; sleep 5; done").verb, "update");
  });

  test("sleep first", () => {
    assert.deepEqual(loop("while true; do sleep 45; etcdctl set /k v --ttl 60; done"), {
      key: "/k",
      value: "v",
      ttlSeconds: 60,
      periodSeconds: 45,
      verb: "set",
      sleepFirst: true,
    });
  });

  test("trailing ';', newlines, extra blanks, line continuations", () => {
    const expected = loop(TUTORIAL);
    for (const script of [
      `${TUTORIAL};`,
      `${TUTORIAL} ;\n`,
      `  while   true ;  do   etcdctl set /announce/services/apache80 127.0.0.11:80 --ttl 60 ;   sleep 45 ;   done  `,
      "\nwhile true\ndo\n  etcdctl set /announce/services/apache80 127.0.0.11:80 --ttl 60\n  sleep 45\ndone\n",
      "while true; do\n\tetcdctl set /announce/services/apache80 127.0.0.11:80 --ttl 60;\n\n\tsleep 45;\ndone",
      "while\ntrue; do etcdctl set /announce/services/apache80 \\\n 127.0.0.11:80 --ttl 60; sleep 45; done",
    ]) {
      assert.deepEqual(loop(script), expected, JSON.stringify(script));
    }
  });

  test("quoted key and value", () => {
    assert.deepEqual(
      loop(`while true; do etcdctl set "/announce/a b" '{"host":"x"}' --ttl 60; sleep 45; done`),
      {
        ...TUTORIAL_LOOP,
        key: "/announce/a b",
        value: '{"host":"x"}',
      },
    );
    assert.equal(
      loop(String.raw`while true; do etcdctl set /k "a\"b\\c\d" --ttl 1; sleep 1; done`).value,
      String.raw`a"b\c\d`,
    );
    assert.equal(
      loop(String.raw`while true; do etcdctl set /k a\ b --ttl 1; sleep 1; done`).value,
      "a b",
    );
  });

  test("sleep durations: decimals and s/m/h/d suffixes; no TTL is 0", () => {
    assert.equal(loop("while true; do etcdctl set /k v; sleep 1.5; done").periodSeconds, 1.5);
    assert.equal(loop("while true; do etcdctl set /k v; sleep 2m; done").periodSeconds, 120);
    assert.equal(loop("while true; do etcdctl set /k v; /bin/sleep 1h; done").periodSeconds, 3600);
    assert.equal(loop("while true; do etcdctl set /k v; sleep 30s; done").ttlSeconds, 0);
  });
});

describe("recogniseAnnounceLoop: anything else is not recognised", () => {
  test("other argv shapes", () => {
    assert.equal(recogniseAnnounceLoop([]), undefined);
    assert.equal(recogniseAnnounceLoop(["/bin/sh", TUTORIAL]), undefined);
    assert.equal(recogniseAnnounceLoop(["/bin/sh", "-ec", TUTORIAL]), undefined);
    assert.equal(recogniseAnnounceLoop(["/bin/sh", "-c", TUTORIAL, "name"]), undefined);
    assert.equal(recogniseAnnounceLoop(["/bin/zsh", "-c", TUTORIAL]), undefined);
    assert.equal(recogniseAnnounceLoop(["/usr/bin/python", "-c", TUTORIAL]), undefined);
  });

  test("other loop shapes", () => {
    for (const script of [
      "",
      "etcdctl set /k v --ttl 60",
      "while false; do etcdctl set /k v --ttl 60; sleep 45; done",
      "while [ ]; do etcdctl set /k v --ttl 60; sleep 45; done",
      "while [ 1 ] extra; do etcdctl set /k v --ttl 60; sleep 45; done",
      "until false; do etcdctl set /k v --ttl 60; sleep 45; done",
      "while true do etcdctl set /k v --ttl 60; sleep 45; done",
      "while true; do etcdctl set /k v --ttl 60; sleep 45 done",
      "while true; do etcdctl set /k v --ttl 60; sleep 45; done; echo bye",
      "while true; do etcdctl set /k v --ttl 60; sleep 45; done extra",
      "while true; do etcdctl set /k v --ttl 60; sleep 45; done;;",
      "while true; do etcdctl set /k v --ttl 60; sleep 45;; done",
      "while true; do etcdctl set /k v --ttl 60;; sleep 45; done",
      "while true; do ; etcdctl set /k v --ttl 60; sleep 45; done",
      "while true; do etcdctl set /k v --ttl 60; done",
      "while true; do sleep 45; done",
      "while true; do sleep 1; sleep 2; done",
      "while true; do etcdctl set /k v; etcdctl set /k v; done",
      "while true; do etcdctl set /k v --ttl 60; sleep 45; echo hi; done",
      "while true; do etcdctl get /k; sleep 45; done",
      "while true; do etcdctl set /k v --ttl 60; sleep 0; done",
      "while true; do etcdctl set /k v --ttl 60; sleep; done",
      "while true; do etcdctl set /k v --ttl 60; sleep 1 2; done",
      "while true; do etcdctl set /k v --ttl 60; sleep 1w; done",
      "while true; do etcdctl set /k v --ttl 60; sleep -1; done",
      "while true; do done",
      "while true; do etcdctl set /k v && sleep 45; done",
      "while true; do etcdctl set /k v || true; sleep 45; done",
      "while true; do etcdctl set /k v > /dev/null; sleep 45; done",
      "while true; do etcdctl set /k v | cat; sleep 45; done",
      "while true; do etcdctl set /k v & sleep 45; done",
      "while true; do etcdctl set /k $HOST --ttl 60; sleep 45; done",
      'while true; do etcdctl set /k "$HOST" --ttl 60; sleep 45; done',
      "while true; do etcdctl set /k `hostname` --ttl 60; sleep 45; done",
      'while true; do etcdctl set /k "`hostname`" --ttl 60; sleep 45; done',
      "while true; do etcdctl set /k/* v --ttl 60; sleep 45; done",
      "while true; do etcdctl set /k? v --ttl 60; sleep 45; done",
      "while true; do etcdctl set /k[1] v --ttl 60; sleep 45; done",
      "while true; do etcdctl set ~/k v --ttl 60; sleep 45; done",
      "while true; do etcdctl set /k {a,b} --ttl 60; sleep 45; done",
      "while true; do etcdctl set /k v --ttl 60; sleep 45; done # comment",
      "while true; do FOO=1 etcdctl set /k v --ttl 60; sleep 45; done",
      "while true; do (etcdctl set /k v --ttl 60); sleep 45; done",
      "while true; do { etcdctl set /k v --ttl 60; }; sleep 45; done",
      "while true; do ! etcdctl set /k v --ttl 60; sleep 45; done",
      "while true; do etcdctl set /k 'open; sleep 45; done",
      'while true; do etcdctl set /k "open; sleep 45; done',
      "while true; do etcdctl set /k v\\",
      "while true; do etcdctl set /k v --ttl 60\r\nsleep 45; done",
      '"while" true; do etcdctl set /k v --ttl 60; sleep 45; done',
      'while true; "do" etcdctl set /k v --ttl 60; sleep 45; done',
      "while true; do while true; do etcdctl set /k v --ttl 60; sleep 45; done; done",
    ]) {
      notLoop(script);
    }
  });

  test("a loop whose etcdctl line is invalid is an error from analyseAnnounceLoop", () => {
    assert.deepEqual(
      analyseAnnounceLoop([
        "/bin/sh",
        "-c",
        "while true; do etcdctl sett /k v --ttl 60; sleep 45; done",
      ]),
      { ok: false, error: "unknown etcdctl command sett (did you mean set?)" },
    );
    assert.deepEqual(
      analyseAnnounceLoop([
        "/bin/sh",
        "-c",
        "while true; do etcdctl set /k --ttl 60; sleep 45; done",
      ])?.ok,
      false,
    );
    assert.equal(
      recogniseAnnounceLoop(["/bin/sh", "-c", "while true; do etcdctl sett /k v; sleep 45; done"]),
      undefined,
    );
    assert.equal(analyseAnnounceLoop(["/bin/sh", "-c", "echo hi"]), undefined);
  });
});

describe("recogniseAnnounceLoop: properties", () => {
  test("never throws on arbitrary scripts", () => {
    const soup = fc.string({
      unit: fc.constantFrom(
        "while",
        "true",
        "do",
        "done",
        "etcdctl",
        "set",
        "sleep",
        "/k",
        "v",
        "--ttl",
        "60",
        " ",
        ";",
        "\n",
        "'",
        '"',
        "\\",
        "[",
        "]",
        "$",
        "x",
      ),
      maxLength: 40,
    });
    fc.assert(
      fc.property(soup, (script) => {
        const analysis = analyseAnnounceLoop(["/bin/sh", "-c", script]);
        if (analysis?.ok) assert.ok(analysis.loop.periodSeconds > 0);
        if (analysis !== undefined && !analysis.ok) assert.ok(analysis.error.length > 0);
      }),
      { numRuns: 3000 },
    );
  });

  test("recognises every generated loop with its key, value, ttl and period", () => {
    const safe = fc.stringMatching(/^\/[a-z0-9_-][a-z0-9_.:-]{0,11}$/);
    fc.assert(
      fc.property(
        safe,
        fc.stringMatching(/^[a-z0-9.:]{1,12}$/),
        fc.integer({ min: 1, max: 3600 }),
        fc.integer({ min: 1, max: 3600 }),
        fc.boolean(),
        fc.constantFrom(";", "\n", " ;\n "),
        (key, value, ttl, period, sleepFirst, sep) => {
          const set = `etcdctl set ${key} ${value} --ttl ${ttl}`;
          const sleep = `sleep ${period}`;
          const body = sleepFirst ? `${sleep}${sep}${set}` : `${set}${sep}${sleep}`;
          const script = `while true${sep}do ${body}${sep}done`;
          const found = recogniseAnnounceLoop(["/bin/sh", "-c", script]);
          assert.deepEqual(found, {
            key,
            value,
            ttlSeconds: ttl,
            periodSeconds: period,
            verb: "set",
            sleepFirst,
          });
        },
      ),
      { numRuns: 300 },
    );
  });
});
