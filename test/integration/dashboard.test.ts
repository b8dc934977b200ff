import assert from "node:assert/strict";
import { mkdtemp, rm } from "node:fs/promises";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { after, before, describe, test } from "node:test";
import { type BrowserContext, chromium, type Page } from "playwright-core";
import { TestCluster } from "../support/cluster.ts";

/** Debian's Chromium (scripts/lib/ensure.sh: ensure_chromium), driven headless. */
const CHROMIUM = process.env.FLOTILLA_CHROMIUM ?? "/usr/bin/chromium";
const CHROMIUM_ARGS = [
  "--headless",
  "--no-sandbox",
  "--disable-gpu",
  "--disable-background-networking",
  "--disable-component-update",
  "--no-first-run",
  "--disable-sync",
];
/** Bounds Playwright's waits so that a hung test fails; no assertion is about speed. */
const WAIT_MS = 60_000;
const SCREENSHOT = "/tmp/flotilla-dashboard.png";
const UNIT = "dashboard-sleeper.service";
/** Announces a key the way fleet's sidekicks did. */
const BEACON = "dashboard-beacon.service";
/** Asks for metadata no machine has: it stays unplaced, with a reason. */
const NOWHERE = "dashboard-nowhere.service";
const KEY = `/flotilla-test-dashboard/${process.pid}-${Date.now()}/web`;

describe("the dashboard, in headless Chromium", () => {
  const cluster = new TestCluster({ ips: ["127.0.0.61", "127.0.0.62"] });
  let profile: string;
  let browser: BrowserContext | undefined;
  let page: Page;

  before(async () => {
    await cluster.start();
    profile = await mkdtemp(join(tmpdir(), "flotilla-chromium-"));
    browser = await chromium.launchPersistentContext(profile, {
      executablePath: CHROMIUM,
      headless: true,
      args: CHROMIUM_ARGS,
      viewport: { width: 1280, height: 720 },
    });
    page = browser.pages()[0] ?? (await browser.newPage());
    page.setDefaultTimeout(WAIT_MS);
  });

  after(async () => {
    await browser?.close();
    if (profile) await rm(profile, { recursive: true, force: true });
    for (const name of [UNIT, BEACON, NOWHERE]) await cluster.destroy(name).catch(() => {});
    await cluster.stop();
  });

  function unitCell(column: string) {
    return page.locator(`#units tr[data-unit="${UNIT}"] td.${column}`);
  }

  /** Waits, without reloading, until the unit's row shows `text` in `column`. */
  async function rowShows(column: string, text: string): Promise<void> {
    await unitCell(column)
      .filter({ hasText: new RegExp(`^${text}$`) })
      .waitFor();
  }

  test("shows a unit launched through the API, then its stop, without a reload", async () => {
    await cluster.submit(UNIT, "[Service]\nExecStart=/bin/sleep 100000\n");
    await cluster.submit(
      BEACON,
      `[Service]\nExecStart=/bin/sh -c "while true; do etcdctl set ${KEY} up --ttl 30; sleep 10; done"\n`,
    );
    await cluster.submit(
      NOWHERE,
      "[Service]\nExecStart=/bin/sleep 100000\n[X-Fleet]\nMachineMetadata=role=nowhere\n",
    );
    for (const name of [UNIT, BEACON, NOWHERE]) await cluster.setState(name, "launched");
    const launched = await cluster.launched(UNIT);
    await cluster.launched(BEACON);
    const machine = cluster.agents.find((agent) => agent.machineId === launched.machineId);
    assert.ok(machine, `the unit runs on an unknown machine ${launched.machineId}`);

    const problems: string[] = [];
    page.on("pageerror", (error) => problems.push(`page error: ${error.message}`));
    page.on("console", (message) => {
      if (message.type() === "error") problems.push(`console error: ${message.text()}`);
    });
    let navigations = 0;
    page.on("framenavigated", (frame) => {
      if (frame === page.mainFrame()) navigations++;
    });

    await page.goto(`${cluster.url}/`);
    assert.equal(await page.title(), "Flotilla");
    await page.locator("#status", { hasText: /^Live$/ }).waitFor();

    // Both machines, as fleetctl showed them: the first 8 characters of the id, then the IP.
    for (const agent of cluster.agents) {
      const label = `${agent.machineId.slice(0, 8)}.../${agent.ip}`;
      await page.locator("#machines tbody th", { hasText: label }).waitFor();
    }
    assert.equal(await page.locator("#machines tbody tr").count(), 2);

    await rowShows("desired", "launched");
    await rowShows("current", "launched");
    await rowShows("active", "active");
    await rowShows("sub", "running");
    assert.equal(
      await unitCell("machine").textContent(),
      `${machine.machineId.slice(0, 8)}.../${machine.ip}`,
    );
    // Unplaced: no machine, and why.
    await page
      .locator(`#units tr[data-unit="${NOWHERE}"] td.reason`, { hasText: /role/ })
      .waitFor();
    assert.equal(
      await page.locator(`#units tr[data-unit="${NOWHERE}"] td.machine`).textContent(),
      "—",
    );
    // Announced keys are polled: the beacon's key appears with its unit and TTL.
    const announced = page.locator(`#announcements tr[data-key="${KEY}"]`);
    await announced.locator("td.unit", { hasText: BEACON }).waitFor();
    assert.match(String(await announced.locator("td.ttl").textContent()), /^\d+ s of 30 s$/);
    const row = page.getByRole("row", { name: new RegExp(UNIT.replaceAll(".", "\\.")) });
    assert.equal(await row.count(), 1, "the unit's row is reachable by its accessible name");
    await page.screenshot({ path: SCREENSHOT, fullPage: true });

    await cluster.setState(UNIT, "loaded");
    await rowShows("active", "inactive");
    await rowShows("desired", "loaded");
    assert.equal(navigations, 1, "the page updated in place, without a reload");
    assert.deepEqual(problems, []);
  });
});
