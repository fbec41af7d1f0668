// The machine page: one machine's day (?day=YYYY-MM-DD, default today) read with the session cookie: the status timeline,
// the cycle times with their median, parts per hour, alarms, setups and the current values. While the day is today it
// refreshes every 4 s. All text goes in through textContent or setAttribute; nothing from the API is parsed as HTML.
"use strict";
(function () {
  const REFRESH_MS = 4000;
  const STALE_MS = 10000;
  const SVG = "http://www.w3.org/2000/svg";
  const root = document.getElementById("machine");
  const id = root.dataset.machine;
  const base = "/api/ext/machines/" + encodeURIComponent(id);
  const dayInput = document.getElementById("day");
  const stale = document.getElementById("stale");
  const live = document.getElementById("live");
  const updated = document.getElementById("updated");
  const zoneLabel = document.getElementById("zone");
  let lastSuccess = Date.now();
  let generation = 0;

  // What "a day" is: the plant's calendar day (the tenant's time zone, 23 h or 25 h on daylight-saving days), as the
  // cloud computes it (/api/ext/plant/days/{date}); the plant's today is read again every minute.
  const days = new Map();
  let plantToday = null;
  let zone = "UTC";

  async function dayRange(dateString) {
    if (!days.has(dateString)) {
      const day = await getJson("/api/ext/plant/days/" + encodeURIComponent(dateString));
      days.set(dateString, { from: day.from, to: day.to });
    }
    return days.get(dateString);
  }

  async function readToday() {
    try {
      const [plant, day] = await Promise.all([getJson("/api/ext/plant"), getJson("/api/ext/plant/days/today")]);
      zone = plant.timeZone;
      plantToday = day.date;
      days.set(day.date, { from: day.from, to: day.to });
      zoneLabel.textContent = "Times in " + zone;
    } catch (e) {
      console.warn(e);
    }
  }

  function today() {
    return plantToday || new Date().toISOString().slice(0, 10);
  }

  function isDay(text) {
    return /^\d{4}-\d{2}-\d{2}$/.test(text || "") && !isNaN(Date.parse(text + "T00:00:00Z"));
  }

  async function getJson(url) {
    const response = await fetch(url, { credentials: "same-origin", headers: { Accept: "application/json" } });
    if (response.status === 401) { window.location.assign("/sign-in"); throw new Error("signed out"); }
    if (!response.ok) throw new Error(url + " answered " + response.status);
    return response.json();
  }

  async function allPages(url) {
    const items = [];
    let cursor = null;
    let last = null;
    do {
      last = await getJson(url + "&limit=1000" + (cursor ? "&cursor=" + encodeURIComponent(cursor) : ""));
      items.push(...last.items);
      cursor = last.nextCursor;
    } while (cursor);
    return { items: items, last: last };
  }

  function el(tag, className, text) {
    const node = document.createElement(tag);
    if (className) node.className = className;
    if (text !== undefined && text !== null) node.textContent = String(text);
    return node;
  }

  function svg(tag, attributes) {
    const node = document.createElementNS(SVG, tag);
    for (const [k, v] of Object.entries(attributes || {})) node.setAttribute(k, String(v));
    return node;
  }

  function titled(node, text) {
    const title = document.createElementNS(SVG, "title");
    title.textContent = text;
    node.append(title);
    return node;
  }

  function time(iso) {
    if (!iso) return "–";
    try {
      return new Intl.DateTimeFormat("en-GB", { timeZone: zone, hour: "2-digit", minute: "2-digit", second: "2-digit", hourCycle: "h23" })
        .format(new Date(iso));
    } catch (e) {
      return new Date(iso).toISOString().slice(11, 19);
    }
  }

  // Every 6 hours of elapsed time from the day's start (a 23 h or 25 h day too), labelled in plant time; the day's end last.
  function ticks(from, span) {
    const list = [];
    for (let ms = 0; ms < span - 3600000; ms += 6 * 3600000) list.push({ at: ms / span, label: time(new Date(from + ms).toISOString()).slice(0, 5) });
    list.push({ at: 1, label: "24:00" });
    return list;
  }

  function statusClass(status) {
    return "s-" + String(status || "UNKNOWN").replace(/[^A-Z_]/g, "");
  }

  function rows(tbody, list, cells) {
    tbody.replaceChildren(...list.map(item => {
      const tr = el("tr");
      for (const value of cells(item)) tr.append(el("td", null, value === null || value === undefined ? "–" : value));
      return tr;
    }));
  }

  function showNow(m) {
    const dl = document.getElementById("now");
    const fields = [
      ["Status", m.status || "UNKNOWN", "status"], ["Since", m.statusSince ? new Date(m.statusSince).toLocaleString() : "–", "since"],
      ["Program", m.program, "program"], ["Parts", m.partCount, "parts"],
      ["Alarm", m.alarm ? (m.alarm.message || m.alarm.code || "alarm") : "none", m.alarm ? "alarm" : "alarm-none"],
      ["Last seen", m.lastSeen ? new Date(m.lastSeen).toLocaleString() : "never", "last-seen"],
    ];
    dl.replaceChildren(...fields.flatMap(([name, value, cls]) => [el("dt", null, name), el("dd", cls, value === null || value === undefined ? "–" : value)]));
    rows(document.querySelector("#values tbody"), m.values || [], v => [v.name || v.dataItemId, v.type, v.value, time(v.timestamp)]);
  }

  function showTimeline(segments, range) {
    const from = Date.parse(range.from);
    const span = Date.parse(range.to) - from;
    const bar = document.getElementById("timeline");
    bar.replaceChildren(...segments.map(s => {
      const start = Date.parse(s.start);
      const end = Date.parse(s.end);
      const label = s.status + " " + time(s.start) + "–" + time(s.end) + (s.open ? " (running)" : "");
      const node = el("div", "segment " + statusClass(s.status), s.status);
      node.setAttribute("role", "listitem");
      node.setAttribute("title", label);
      node.setAttribute("aria-label", label);
      node.dataset.status = s.status;
      node.dataset.start = s.start;
      node.dataset.end = s.end;
      node.style.left = (100 * (start - from) / span) + "%";
      node.style.width = (100 * (end - start) / span) + "%";
      return node;
    }));
    const axis = document.getElementById("timeline-axis");
    axis.replaceChildren(...ticks(from, span).map(t => {
      const tick = el("span", null, t.label);
      tick.style.left = (100 * t.at) + "%";
      return tick;
    }));
  }

  function showCycles(cycles, summary, range) {
    const box = document.getElementById("cycles");
    document.getElementById("cycle-summary").textContent = summary.count === 0 ? "No cycles this day." :
      summary.count + " cycles; median " + summary.median.toFixed(1) + " s, mean " + summary.mean.toFixed(1) + " s, min " +
      summary.min.toFixed(1) + " s, max " + summary.max.toFixed(1) + " s";
    const width = 720, height = 200, pad = 36;
    const chart = svg("svg", { id: "cycle-chart", viewBox: "0 0 " + width + " " + height, role: "img", "aria-label": "Cycle time per cycle" });
    const from = Date.parse(range.from);
    const span = Date.parse(range.to) - from;
    const top = Math.max(1, ...cycles.map(c => c.durationSeconds)) * 1.1;
    const x = t => pad + (width - 2 * pad) * (Date.parse(t) - from) / span;
    const y = s => height - pad - (height - 2 * pad) * s / top;
    chart.append(svg("line", { x1: pad, y1: height - pad, x2: width - pad, y2: height - pad, class: "axis-line" }),
      svg("line", { x1: pad, y1: pad, x2: pad, y2: height - pad, class: "axis-line" }));
    for (const t of ticks(from, span)) {
      const tick = svg("text", { x: pad + (width - 2 * pad) * t.at, y: height - pad + 14, "text-anchor": "middle", class: "tick" });
      tick.textContent = t.label;
      chart.append(tick);
    }
    const yMax = svg("text", { x: pad - 4, y: pad + 4, "text-anchor": "end", class: "tick" });
    yMax.textContent = Math.round(top) + " s";
    chart.append(yMax);
    for (const c of cycles) {
      const point = svg("circle", { cx: x(c.start), cy: y(c.durationSeconds), r: 4, class: "cycle" });
      point.dataset.id = c.id;
      point.dataset.seconds = String(c.durationSeconds);
      point.dataset.start = c.start;
      chart.append(titled(point, time(c.start) + ": " + c.durationSeconds.toFixed(1) + " s" + (c.program ? " (" + c.program + ")" : "")));
    }
    if (summary.median !== null && summary.median !== undefined) {
      const line = svg("line", { id: "median", x1: pad, x2: width - pad, y1: y(summary.median), y2: y(summary.median), class: "median" });
      line.dataset.seconds = String(summary.median);
      chart.append(titled(line, "median " + summary.median.toFixed(1) + " s"));
      const label = svg("text", { x: width - pad, y: y(summary.median) - 4, "text-anchor": "end", class: "tick" });
      label.textContent = "median " + summary.median.toFixed(1) + " s";
      chart.append(label);
    }
    box.replaceChildren(chart);
  }

  function showParts(buckets) {
    const width = 720, height = 140, pad = 24;
    const chart = svg("svg", { id: "parts-chart", viewBox: "0 0 " + width + " " + height, role: "img", "aria-label": "Parts per hour" });
    const top = Math.max(1, ...buckets.map(b => b.parts));
    const slot = (width - 2 * pad) / Math.max(1, buckets.length);
    buckets.forEach((b, i) => {
      const h = (height - 2 * pad) * b.parts / top;
      const bar = svg("rect", { x: pad + i * slot + 1, y: height - pad - h, width: Math.max(1, slot - 2), height: h, class: "bar" });
      bar.dataset.from = b.from;
      bar.dataset.parts = String(b.parts);
      chart.append(titled(bar, time(b.from) + "–" + time(b.to) + ": " + b.parts + " parts"));
      if (b.parts > 0) {
        const label = svg("text", { x: pad + i * slot + slot / 2, y: height - pad - h - 2, "text-anchor": "middle", class: "tick" });
        label.textContent = String(b.parts);
        chart.append(label);
      }
      if (i % 3 === 0) {
        const tick = svg("text", { x: pad + i * slot, y: height - 6, class: "tick" });
        tick.textContent = time(b.from).slice(0, 5);
        chart.append(tick);
      }
    });
    document.getElementById("parts").replaceChildren(chart);
  }

  function showAlarms(events) {
    rows(document.querySelector("#alarms tbody"), events, e => {
      const d = e.data || {};
      return [time(e.start), e.end ? time(e.end) : "open", d.level, d.nativeCode, d.message];
    });
  }

  function showSetups(setups) {
    rows(document.querySelector("#setups tbody"), setups, s => [time(s.start), s.end ? time(s.end) : "open",
      s.durationSeconds === null || s.durationSeconds === undefined ? null : (s.durationSeconds / 60).toFixed(1), s.program, s.source]);
  }

  async function refresh() {
    const mine = generation;
    const day = dayInput.value;
    let range;
    try {
      range = await dayRange(day);
    } catch (e) {
      console.warn(e);
      showStale();
      return;
    }
    if (mine !== generation) return;
    const q = "from=" + encodeURIComponent(range.from) + "&to=" + encodeURIComponent(range.to);
    try {
      const [machine, timeline, cycles, summary, alarms, setups] = await Promise.all([
        getJson(base), getJson(base + "/timeline?" + q), allPages(base + "/cycle-time?" + q + "&order=asc"),
        getJson(base + "/summary?" + q + "&bucket=hour"), allPages(base + "/events?" + q + "&type=alarm"), getJson(base + "/setups?" + q),
      ]);
      if (mine !== generation) return;
      lastSuccess = Date.now();
      showNow(machine);
      showTimeline(timeline.items, range);
      showCycles(cycles.items, cycles.last.summary, range);
      showParts(summary.buckets || []);
      showAlarms(alarms.items);
      showSetups(setups.items);
      root.dataset.day = day;
      updated.textContent = "Updated " + new Date(lastSuccess).toLocaleTimeString();
    } catch (e) {
      console.warn(e);
    }
    showStale();
  }

  function showStale() {
    stale.hidden = dayInput.value !== today() || Date.now() - lastSuccess <= STALE_MS;
  }

  function isLive() {
    return dayInput.value === today();
  }

  function choose(day, push) {
    dayInput.value = day;
    generation++;
    lastSuccess = Date.now();
    live.textContent = isLive() ? "Live: refreshes every " + REFRESH_MS / 1000 + " s" : "";
    if (push) {
      const url = new URL(window.location.href);
      url.searchParams.set("day", day);
      window.history.pushState({ day: day }, "", url);
    }
    refresh();
  }

  const asked = new URLSearchParams(window.location.search).get("day");
  dayInput.addEventListener("change", () => { if (isDay(dayInput.value)) choose(dayInput.value, true); });
  window.addEventListener("popstate", () => {
    const d = new URLSearchParams(window.location.search).get("day");
    choose(isDay(d) ? d : today(), false);
  });
  setInterval(() => { if (isLive()) refresh(); }, REFRESH_MS);
  setInterval(showStale, 1000);
  setInterval(readToday, 60000);
  readToday().then(() => choose(isDay(asked) ? asked : today(), false));
})();
