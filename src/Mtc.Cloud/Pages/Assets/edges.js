// The edges page: reads the tenant's edges with the session cookie every 4 s and lists each one's last contact (relative
// and absolute), records received, gaps, quarantined batches and streams; an edge without contact for more than 2 min is marked offline.
// All text goes in through textContent; nothing from the API is parsed as HTML.
"use strict";
(function () {
  const REFRESH_MS = 4000;
  const STALE_MS = 10000;
  const OFFLINE_MS = 120000;
  const tbody = document.querySelector("#edges tbody");
  const stale = document.getElementById("stale");
  const summary = document.getElementById("summary");
  const updated = document.getElementById("updated");
  let lastSuccess = Date.now();

  async function getJson(url) {
    const response = await fetch(url, { credentials: "same-origin", headers: { Accept: "application/json" } });
    if (response.status === 401) { window.location.assign("/sign-in"); throw new Error("signed out"); }
    if (!response.ok) throw new Error(url + " answered " + response.status);
    return response.json();
  }

  function relative(iso) {
    const seconds = Math.max(0, Math.round((Date.now() - Date.parse(iso)) / 1000));
    if (seconds < 60) return seconds + " s ago";
    if (seconds < 3600) return Math.floor(seconds / 60) + " min ago";
    if (seconds < 86400) return Math.floor(seconds / 3600) + " h ago";
    return Math.floor(seconds / 86400) + " d ago";
  }

  function cell(text, className) {
    const td = document.createElement("td");
    if (className) td.className = className;
    td.textContent = text === null || text === undefined ? "–" : String(text);
    return td;
  }

  function row(e, now) {
    const offline = !e.lastSeen || now - Date.parse(e.lastSeen) > OFFLINE_MS;
    const tr = document.createElement("tr");
    tr.dataset.edge = e.id;
    tr.className = offline ? "offline" : "online";
    const name = cell(e.name ? e.name + " (" + e.id + ")" : e.id, "edge");
    if (offline) {
      const badge = document.createElement("span");
      badge.className = "badge";
      badge.textContent = "offline";
      name.append(" ", badge);
    }
    const contact = cell(e.lastSeen ? relative(e.lastSeen) : "never", "last-contact");
    if (e.lastSeen) {
      const absolute = document.createElement("small");
      absolute.textContent = new Date(e.lastSeen).toISOString().replace("T", " ").slice(0, 19) + " UTC";
      contact.append(document.createElement("br"), absolute);
      contact.title = e.lastSeen;
    }
    const missed = e.streams.reduce((sum, s) => sum + s.missedKnown, 0);
    const streams = e.streams.map(s => s.streamId + ": hwm " + s.hwm + ", " + s.recordsReceived + " records, " + s.gaps + " gaps").join("; ");
    tr.append(name, contact, cell(e.recordsReceived, "records"), cell(e.gaps, "gaps"), cell(missed, "missed"),
      cell(e.refusedBatches, e.refusedBatches > 0 ? "quarantined warn" : "quarantined"), cell(streams || "none", "streams"));
    return tr;
  }

  async function refresh() {
    try {
      const edges = (await getJson("/api/ext/edges")).items;
      const now = Date.now();
      lastSuccess = now;
      tbody.replaceChildren(...edges.map(e => row(e, now)));
      const offline = edges.filter(e => !e.lastSeen || now - Date.parse(e.lastSeen) > OFFLINE_MS).length;
      summary.textContent = edges.length + " edges, " + offline + " offline (no contact for more than 2 min)";
      updated.textContent = "Updated " + new Date(lastSuccess).toLocaleTimeString();
    } catch (e) {
      console.warn(e);
    }
    stale.hidden = Date.now() - lastSuccess <= STALE_MS;
  }

  setInterval(() => { stale.hidden = Date.now() - lastSuccess <= STALE_MS; }, 1000);
  setInterval(refresh, REFRESH_MS);
  refresh();
})();
