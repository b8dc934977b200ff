// fleet's list pages in process: 100 items a page, fleet's page tokens, empty pages as {},
// and fleet's messages for every token it refused, on /units, /state and /machines alike.
import assert from "node:assert/strict";
import { after, before, describe, test } from "node:test";
import { assertFleetError } from "../support/fleet-answers.ts";
import { fleetctl, fleetUrl } from "../support/fleet-client.ts";
import { type InjectApp, injectApp } from "../support/inject-app.ts";
import { assertRouteCoverage } from "../support/route-coverage.ts";

const LISTS = ["/units", "/state", "/machines"] as const;
const MACHINE = "4444444444444444444444444444444d";

/** Page tokens fleet refused, with its messages. */
const INVALID_PAGE_TOKENS: [string, string][] = [
  ["nextPageToken=ZAACAA%3D%3D&nextPageToken=ZAACAA%3D%3D", "too many values for page token"],
  ["nextPageToken=MgABAA%3D%3D", "token limit must be 100"],
  ["nextPageToken=ZAAAAA%3D%3D", "token page must be greater than zero"],
  ["nextPageToken=ZAAC", "unexpected EOF"],
  ["nextPageToken=ZA%3D%3D", "unexpected EOF"],
  ["nextPageToken=", "EOF"],
  ["nextPageToken=!!!!!!!!", "illegal base64 data at input byte 0"],
  ["nextPageToken=ZAAC%2BA%3D%3D", "illegal base64 data at input byte 4"],
  ["nextPageToken=ZAACAA", "illegal base64 data at input byte 4"],
];

const pageName = (i: number) => `page-${String(i).padStart(3, "0")}.service`;

describe("fleet's list pages", () => {
  let api: InjectApp;
  before(async () => {
    api = await injectApp();
  });
  after(() => api.close());

  /** fleetctl's walk over pages: pass nextPageToken back verbatim, URL-encoded. */
  const walk = async (path: string, key: string) => {
    const pages: any[] = [];
    let token: string | undefined;
    do {
      const query = token === undefined ? "" : `?nextPageToken=${encodeURIComponent(token)}`;
      const response = await fleetctl(api, "GET", `${path}${query}`);
      assert.equal(response.status, 200, response.text);
      pages.push(response.json);
      token = response.json.nextPageToken;
      assert.ok(pages.length < 10);
    } while (token);
    return { pages, items: pages.flatMap((page) => page[key] ?? []) };
  };

  test("empty lists are {}", async () => {
    for (const path of LISTS) {
      const response = await fleetctl(api, "GET", path);
      assert.equal(response.status, 200);
      assert.equal(response.headers["content-type"], "application/json");
      assert.equal(response.text, "{}", path);
    }
  });

  test("an exact multiple of 100 ends with an empty {} page", async () => {
    for (let i = 0; i < 200; i++) await api.submit(pageName(i), "[Service]\nExecStart=/bin/true\n");
    const { pages, items } = await walk("/units", "units");
    assert.equal(pages.length, 3);
    assert.equal(pages[0].units.length, 100);
    assert.equal(pages[0].nextPageToken, "ZAACAA==");
    assert.equal(pages[1].units.length, 100);
    assert.equal(pages[1].nextPageToken, "ZAADAA==");
    assert.deepEqual(pages[2], {});
    assert.equal(items.length, 200);
    assert.equal(items[0].name, pageName(0));
    assert.equal(items[199].name, pageName(199));
    const first = await fleetctl(api, "GET", "/units");
    assert.ok(first.text.startsWith('{"nextPageToken":"ZAACAA==","units":[{'));
  });

  test("more than 100: the last page is short and has no token", async () => {
    for (let i = 200; i < 250; i++)
      await api.submit(pageName(i), "[Service]\nExecStart=/bin/true\n");
    const { pages, items } = await walk("/units", "units");
    assert.equal(pages.length, 3);
    assert.equal(pages[2].units.length, 50);
    assert.equal(pages[2].nextPageToken, undefined);
    assert.deepEqual(
      items.map((unit: any) => unit.name),
      Array.from({ length: 250 }, (_, i) => pageName(i)),
    );
    // Tokens are taken with or without URL-encoding of "=".
    const raw = await api.request("GET", "/fleet/v1/units?alt=json&nextPageToken=ZAADAA==");
    assert.equal(raw.json.units.length, 50);
    assert.equal((await fleetctl(api, "GET", "/units?nextPageToken=ZAAEAA%3D%3D")).text, "{}");
    // Bytes beyond the fourth are ignored.
    const long = await fleetctl(api, "GET", "/units?nextPageToken=ZAACAAAA");
    assert.equal(long.status, 200, long.text);
    assert.equal(long.json.units.length, 100);
  });

  test("/state pages after filtering; /machines pages too", async () => {
    await api.announceMachine(MACHINE, { publicIP: "203.0.113.4" });
    for (let i = 0; i < 120; i++) await api.report(MACHINE, pageName(i));
    const { pages, items } = await walk("/state", "states");
    assert.equal(pages.length, 2);
    assert.equal(pages[0].nextPageToken, "ZAACAA==");
    assert.equal(items.length, 120);
    const filtered = await fleetctl(
      api,
      "GET",
      `/state?machineID=${MACHINE}&unitName=${pageName(7)}`,
    );
    assert.equal(filtered.json.states.length, 1);
    assert.equal(filtered.json.nextPageToken, undefined);
    const machines = await fleetctl(api, "GET", "/machines");
    assert.equal(
      machines.text,
      JSON.stringify({ machines: [{ id: MACHINE, primaryIP: "203.0.113.4" }] }),
    );
  });

  test("invalid page tokens: 400 with fleet's messages", async () => {
    for (const path of LISTS) {
      for (const [query, message] of INVALID_PAGE_TOKENS) {
        assertFleetError(await fleetctl(api, "GET", `${path}?${query}`), 400, message);
      }
    }
  });

  test("query parameters other than fleet's are ignored", async () => {
    const response = await api.request(
      "GET",
      `/fleet/v1/units/${pageName(1)}?alt=json&fields=name&prettyPrint=false`,
    );
    assert.equal(response.status, 200);
    assert.equal(response.json.name, pageName(1));
    const bare = await api.request("GET", `/fleet/v1/units/${pageName(1)}`);
    assert.equal(bare.text, response.text);
    assert.equal(
      (await api.request("GET", fleetUrl("/units?fields=units"))).json.units.length,
      100,
    );
  });
});

test("every operation and status route-coverage.ts gives this file was answered", () =>
  assertRouteCoverage("fleet-paging"));
