// Flotilla's dashboard: plain DOM, no framework, no build step. It lists the cluster from
// the REST API, then applies /v1/events as they come (re-listing on `reset`). Announced
// keys have TTLs that change without events, so they are polled.

const ANNOUNCEMENT_POLL_MS = 3000;
const RETRY_MS = 2000;
/** When the API requires a token, open the dashboard as `/?access_token=...`. */
const TOKEN = new URLSearchParams(location.search).get("access_token");

const state = {
  machines: new Map(),
  units: new Map(),
  unitFiles: new Map(),
  announcements: [],
};

/** @type {EventSource | undefined} */
let source;
/** Events that arrive while the lists are fetched; applied in order once they are in. */
let pending;
let relistAgain = false;
let listError;

function byId(id) {
  const element = document.getElementById(id);
  if (!element) throw new Error(`the page has no #${id}`);
  return element;
}

function element(tag, text, className) {
  const node = document.createElement(tag);
  if (text !== undefined) node.textContent = text;
  if (className) node.className = className;
  return node;
}

/** A table cell holding a state such as `launched` or `running`, coloured by its value. */
function stateCell(value, column) {
  const td = element("td", undefined, column);
  if (value) td.append(element("span", value, `state state-${value}`));
  return td;
}

/** The health status; hovering shows the check that gave it. */
function healthCell(health) {
  const td = stateCell(health?.status, "health");
  if (health?.lastCheckAt) td.title = `${health.lastCheckAt}: ${health.lastOutput ?? ""}`;
  return td;
}

function plural(count, noun) {
  return `${count} ${noun}${count === 1 ? "" : "s"}`;
}

function sleep(ms) {
  return new Promise((resolve) => setTimeout(resolve, ms));
}

async function getJson(path) {
  const headers = { accept: "application/json" };
  if (TOKEN) headers.authorization = `Bearer ${TOKEN}`;
  const response = await fetch(path, { headers });
  const body = await response.json().catch(() => undefined);
  if (!response.ok) {
    const detail = body?.detail ?? `${response.status} ${response.statusText}`;
    throw new Error(`${path}: ${detail}`);
  }
  return body;
}

// ---- rendering

function byName(a, b) {
  if (a < b) return -1;
  return a > b ? 1 : 0;
}

/** A machine as fleetctl showed it: `148a18ff.../10.10.1.1`. */
function machineLabel(id) {
  const machine = state.machines.get(id);
  const short = `${id.slice(0, 8)}...`;
  return machine ? `${short}/${machine.publicIP}` : short;
}

function unitsOn(id) {
  let count = 0;
  for (const unit of state.units.values()) {
    if (unit.machineId === id || unit.machineIds?.includes(id)) count++;
  }
  return count;
}

function fillBody(table, rows, columns, emptyText) {
  const tbody = byId(table).tBodies[0];
  if (rows.length === 0) {
    const tr = element("tr");
    const td = element("td", emptyText, "empty");
    td.colSpan = columns;
    tr.append(td);
    tbody.replaceChildren(tr);
  } else {
    tbody.replaceChildren(...rows);
  }
}

function renderMachines() {
  const machines = [...state.machines.values()].sort((a, b) => byName(a.id, b.id));
  const rows = machines.map((machine) => {
    const tr = element("tr");
    tr.dataset.machine = machine.id;
    const name = element("th", machineLabel(machine.id));
    name.scope = "row";
    name.title = machine.id;
    if (machine.drain) name.append(" ", drainBadge(machine.drain));
    const metadata = Object.entries(machine.metadata)
      .sort(([a], [b]) => byName(a, b))
      .map(([key, value]) => `${key}=${value}`)
      .join(", ");
    tr.append(
      name,
      element("td", metadata || "—", "mono metadata"),
      element("td", String(unitsOn(machine.id)), "number units"),
      element("td", machine.version, "version"),
    );
    return tr;
  });
  byId("machines-count").textContent = `(${machines.length})`;
  fillBody("machines", rows, 4, "No machine is present: start `flotilla agent` on one.");
}

/** `draining` while units are still to leave the machine, `drained` once none is. */
function drainBadge(drain) {
  const left = drain.remainingUnits.length;
  const badge = element("span", left > 0 ? "draining" : "drained", "state state-drain");
  const why = drain.reason ? ` (${drain.reason})` : "";
  badge.title = `since ${drain.since}${why}${left > 0 ? `; ${left} units to leave` : ""}`;
  return badge;
}

function renderUnits() {
  const units = [...state.units.values()].sort((a, b) => byName(a.name, b.name));
  const rows = units.map((unit) => {
    const tr = element("tr");
    tr.dataset.unit = unit.name;
    const name = element("th", unit.name);
    name.scope = "row";
    name.title = `hash ${unit.shortHash}`;
    const machines = unit.machineIds ?? (unit.machineId ? [unit.machineId] : []);
    tr.append(
      name,
      stateCell(unit.desiredState, "desired"),
      stateCell(unit.currentState, "current"),
      element("td", machines.map(machineLabel).join(", ") || "—", "mono machine"),
      stateCell(unit.activeState, "active"),
      stateCell(unit.subState, "sub"),
      healthCell(unit.health),
      element("td", unit.reason ?? "", "reason"),
    );
    return tr;
  });
  byId("units-count").textContent = `(${units.length})`;
  fillBody("units", rows, 8, "No units. Submit a unit file, then set its desired state.");
  const templates = [...state.unitFiles.values()].filter((file) => file.kind === "template");
  byId("unit-files-note").textContent =
    `${plural(state.unitFiles.size, "unit file")} submitted, ${templates.length} of them templates` +
    (templates.length > 0 ? `: ${templates.map((file) => file.name).join(", ")}.` : ".");
}

function renderAnnouncements() {
  const rows = state.announcements.map((announcement) => {
    const tr = element("tr");
    tr.dataset.key = announcement.key;
    const key = element("th", announcement.key);
    key.scope = "row";
    tr.append(
      key,
      element("td", announcement.value, "mono value"),
      element("td", announcement.unit, "unit"),
      element("td", machineLabel(announcement.machineId), "mono machine"),
      element(
        "td",
        `${announcement.remainingSeconds} s of ${announcement.ttlSeconds} s`,
        "number ttl",
      ),
    );
    return tr;
  });
  byId("announcements-count").textContent = `(${state.announcements.length})`;
  fillBody("announcements", rows, 5, "No unit announces a key.");
}

function renderAll() {
  renderMachines();
  renderUnits();
  renderAnnouncements();
}

function renderStatus() {
  const status = byId("status");
  let text = "Connecting…";
  let kind = "connecting";
  if (listError) {
    text = `Cannot list the cluster (${listError}); retrying`;
    kind = "error";
  } else if (source?.readyState === EventSource.OPEN) {
    text = pending ? "Listing the cluster…" : "Live";
    kind = pending ? "connecting" : "live";
  } else if (source?.readyState === EventSource.CONNECTING) {
    text = "Connection lost; reconnecting…";
  } else if (source) {
    text = "Cannot reach the event stream; retrying";
    kind = "error";
  }
  // Only a change is written, so that screen readers announce changes and nothing else.
  if (status.textContent !== text) status.textContent = text;
  status.dataset.state = kind;
}

// ---- state

function apply(event) {
  switch (event.type) {
    case "unit.updated":
      state.units.set(event.name, event.data);
      break;
    case "unit.deleted":
      state.units.delete(event.name);
      break;
    case "unit-file.updated":
      state.unitFiles.set(event.name, event.data);
      break;
    case "unit-file.deleted":
      state.unitFiles.delete(event.name);
      break;
    case "machine.updated":
      state.machines.set(event.name, event.data);
      break;
    case "machine.deleted":
      state.machines.delete(event.name);
      break;
  }
}

function onClusterEvent(message) {
  const event = JSON.parse(message.data);
  if (pending) {
    pending.push(event);
    return;
  }
  apply(event);
  if (event.type.startsWith("machine.")) {
    renderMachines();
    renderUnits();
    renderAnnouncements();
  } else if (event.type.startsWith("unit")) {
    renderUnits();
    renderMachines();
  }
}

/**
 * Replaces the state with fresh lists. The event stream is already subscribed, so every
 * change after the lists were taken arrives meanwhile; applied afterwards, in order, they
 * bring the lists up to date (an event carries the whole resource).
 */
async function relist() {
  if (pending) {
    relistAgain = true;
    return;
  }
  pending = [];
  renderStatus();
  do {
    relistAgain = false;
    try {
      const [machines, units, unitFiles] = await Promise.all([
        getJson("/v1/machines"),
        getJson("/v1/units"),
        getJson("/v1/unit-files"),
      ]);
      state.machines = new Map(machines.machines.map((machine) => [machine.id, machine]));
      state.units = new Map(units.units.map((unit) => [unit.name, unit]));
      state.unitFiles = new Map(unitFiles.unitFiles.map((file) => [file.name, file]));
      listError = undefined;
    } catch (error) {
      listError = error instanceof Error ? error.message : String(error);
      renderStatus();
      relistAgain = true;
      await sleep(RETRY_MS);
    }
  } while (relistAgain);
  const events = pending;
  pending = undefined;
  for (const event of events) apply(event);
  renderAll();
  renderStatus();
  refreshAnnouncements();
}

function connect() {
  // EventSource cannot send headers: the token goes in the query, as the API allows.
  const query = TOKEN ? `?access_token=${encodeURIComponent(TOKEN)}` : "";
  const stream = new EventSource(`/v1/events${query}`);
  source = stream;
  let opened = false;
  stream.addEventListener("open", () => {
    // EventSource resumes from the last event id by itself; the server says `reset` when
    // it cannot. Only a new stream needs new lists.
    if (!opened) {
      opened = true;
      relist();
    }
    renderStatus();
  });
  stream.addEventListener("error", () => {
    renderStatus();
    if (stream.readyState === EventSource.CLOSED) {
      // A refused stream (say, 503 while the server syncs) is not retried by the browser.
      setTimeout(() => {
        if (source === stream) connect();
      }, RETRY_MS);
    }
  });
  stream.addEventListener("reset", () => relist());
  for (const type of [
    "unit.updated",
    "unit.deleted",
    "unit-file.updated",
    "unit-file.deleted",
    "machine.updated",
    "machine.deleted",
  ]) {
    stream.addEventListener(type, onClusterEvent);
  }
}

let announcementsInFlight = false;
async function refreshAnnouncements() {
  if (announcementsInFlight) return;
  announcementsInFlight = true;
  const note = byId("announcements-note");
  try {
    const list = await getJson("/v1/announcements");
    state.announcements = list.announcements;
    note.textContent = `Refreshed every few seconds; last at ${new Date().toLocaleTimeString()}.`;
    renderAnnouncements();
  } catch (error) {
    note.textContent = `Cannot list announced keys: ${error instanceof Error ? error.message : error}`;
  } finally {
    announcementsInFlight = false;
  }
}

renderAll();
renderStatus();
connect();
setInterval(refreshAnnouncements, ANNOUNCEMENT_POLL_MS);
