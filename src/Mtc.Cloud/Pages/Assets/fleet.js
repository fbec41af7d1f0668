// The fleet page: reads the tenant's machines (every page) and edges with the session cookie every 3 s and renders one
// tile per machine. Every 30 s it also reads the plant's today and current shift (/api/ext/plant) and the fleet summary
// per machine over each, for the tiles' parts, utilization and cycle times. All text goes in through textContent; nothing
// from the API is parsed as HTML.
"use strict";
(function () {
  const REFRESH_MS = 3000;
  const SUMMARY_MS = 30000;
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
  // The plant's current shift and today with each machine's numbers over them (by machine id); null until first read.
  let numbers = null;
  let summariesAt = 0;

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

  function percent(kpis) {
    return kpis && kpis.utilization !== null && kpis.utilization !== undefined ? Math.round(kpis.utilization * 100) + " %" : null;
  }

  function seconds(value) {
    return value === null || value === undefined ? null : Math.round(value * 10) / 10 + " s";
  }

  function byMachine(summary) {
    const map = new Map();
    for (const m of summary.byMachine || []) map.set(m.machineId, m);
    return map;
  }

  async function refreshSummaries() {
    const plant = await getJson("/api/ext/plant");
    const range = r => "/api/ext/fleet/summary?byMachine=true&from=" + encodeURIComponent(r.from) + "&to=" + encodeURIComponent(r.to);
    const [today, shift] = await Promise.all([
      getJson(range(plant.today)),
      plant.currentShift ? getJson(range(plant.currentShift)) : Promise.resolve(null),
    ]);
    numbers = { shift: plant.currentShift, today: byMachine(today), inShift: shift ? byMachine(shift) : new Map() };
  }

  function production(dl, m) {
    if (!numbers) return;
    const shift = numbers.shift ? numbers.inShift.get(m.id) : null;
    const today = numbers.today.get(m.id);
    const label = numbers.shift ? "Shift " + numbers.shift.name : "Shift";
    field(dl, label + " parts", numbers.shift ? (shift ? shift.parts : 0) : "no shift", "shift-parts");
    field(dl, label + " util.", numbers.shift ? percent(shift) : "no shift", "shift-utilization");
    field(dl, "Today parts", today ? today.parts : 0, "today-parts");
    field(dl, "Today util.", percent(today), "today-utilization");
    field(dl, "Last cycle", seconds(today && today.lastCycleSeconds), "last-cycle");
    field(dl, "Median cycle", seconds(today && today.medianCycleSeconds), "median-cycle");
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
    production(dl, m);
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
      if (Date.now() - summariesAt >= SUMMARY_MS) {
        // At most one summary read per 30 s, failed or not; a failure keeps the numbers shown until the next.
        summariesAt = Date.now();
        await refreshSummaries().catch(e => console.warn(e));
      }
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
