// The fleet page: reads the tenant's machines (every page) and edges with the session cookie every 3 s and renders one
// tile per machine. All text goes in through textContent; nothing from the API is parsed as HTML.
"use strict";
(function () {
  const REFRESH_MS = 3000;
  const STALE_MS = 10000;
  const EDGE_OFFLINE_MS = 120000;
  const STATUS_ORDER = ["ALARM", "OFFLINE", "SETUP", "IDLE", "ACTIVE"];
  const tiles = document.getElementById("tiles");
  const filter = document.getElementById("filter");
  const sort = document.getElementById("sort");
  const stale = document.getElementById("stale");
  const edgesOffline = document.getElementById("edges-offline");
  const updated = document.getElementById("updated");
  let machines = [];
  let lastSuccess = Date.now();

  async function getJson(url) {
    const response = await fetch(url, { credentials: "same-origin", headers: { Accept: "application/json" } });
    if (response.status === 401) { window.location.assign("/sign-in"); throw new Error("signed out"); }
    if (!response.ok) throw new Error(url + " answered " + response.status);
    return response.json();
  }

  async function allMachines() {
    const all = [];
    let cursor = null;
    do {
      const page = await getJson("/api/ext/machines?limit=500" + (cursor ? "&cursor=" + encodeURIComponent(cursor) : ""));
      all.push(...page.items);
      cursor = page.nextCursor;
    } while (cursor);
    return all;
  }

  function relative(iso) {
    if (!iso) return "";
    const seconds = Math.max(0, Math.round((Date.now() - Date.parse(iso)) / 1000));
    if (seconds < 60) return seconds + " s ago";
    if (seconds < 3600) return Math.floor(seconds / 60) + " min ago";
    if (seconds < 86400) return Math.floor(seconds / 3600) + " h ago";
    return Math.floor(seconds / 86400) + " d ago";
  }

  function el(tag, className, text) {
    const node = document.createElement(tag);
    if (className) node.className = className;
    if (text !== undefined && text !== null) node.textContent = String(text);
    return node;
  }

  function field(dl, name, value, className) {
    dl.append(el("dt", null, name), el("dd", className || null, value === null || value === undefined ? "–" : value));
  }

  function tile(m) {
    const status = m.status || "UNKNOWN";
    const article = el("article", "tile s-" + status.replace(/[^A-Z_]/g, ""));
    article.dataset.machine = m.id;
    const title = el("h2");
    const link = el("a", null, m.name ? m.name + " (" + m.id + ")" : m.id);
    link.setAttribute("href", "/machines/" + encodeURIComponent(m.id));
    title.append(link);
    article.append(title);
    const dl = el("dl");
    field(dl, "Status", status, "status");
    field(dl, "Since", relative(m.statusSince), "since");
    field(dl, "Program", m.program, "program");
    field(dl, "Parts", m.partCount, "parts");
    field(dl, "Alarm", m.alarm ? (m.alarm.message || m.alarm.code || "alarm") : "none", m.alarm ? "alarm" : "alarm-none");
    article.append(dl);
    return article;
  }

  function render() {
    const text = filter.value.trim().toLowerCase();
    const shown = machines.filter(m => !text || [m.id, m.name, m.status, m.program]
      .some(v => v && String(v).toLowerCase().includes(text)));
    shown.sort(sort.value === "status"
      ? (a, b) => rank(a.status) - rank(b.status) || a.id.localeCompare(b.id)
      : (a, b) => a.id.localeCompare(b.id));
    tiles.replaceChildren(...shown.map(tile));
  }

  function rank(status) {
    const i = STATUS_ORDER.indexOf(status);
    return i < 0 ? STATUS_ORDER.length : i;
  }

  function showEdges(edges) {
    const now = Date.now();
    const offline = edges.filter(e => !e.lastSeen || now - Date.parse(e.lastSeen) > EDGE_OFFLINE_MS);
    edgesOffline.hidden = offline.length === 0;
    edgesOffline.textContent = offline.length === 0 ? "" : "Edges offline (no contact for more than 2 min): " +
      offline.map(e => (e.name || e.id) + (e.lastSeen ? " (last seen " + relative(e.lastSeen) + ")" : " (never seen)")).join(", ");
  }

  async function refresh() {
    try {
      const [list, edges] = await Promise.all([allMachines(), getJson("/api/ext/edges")]);
      machines = list;
      lastSuccess = Date.now();
      showEdges(edges.items);
      render();
      updated.textContent = "Updated " + new Date(lastSuccess).toLocaleTimeString();
    } catch (e) {
      console.warn(e);
    }
    stale.hidden = Date.now() - lastSuccess <= STALE_MS;
  }

  filter.addEventListener("input", render);
  sort.addEventListener("change", render);
  setInterval(() => { stale.hidden = Date.now() - lastSuccess <= STALE_MS; }, 1000);
  setInterval(refresh, REFRESH_MS);
  refresh();
})();
