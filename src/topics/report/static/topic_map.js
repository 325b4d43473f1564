// The topic map's page: names placed as the reader zooms, the legend tree of themes and
// topics, hover cards, search and the paper panel. Paper text reaches the page only
// through textContent, never as HTML; names drawn by Plotly are escaped first.
(async function () {
  "use strict";
  const gd = document.getElementById("topic-map");
  const data = JSON.parse(document.getElementById("map-data").textContent);
  // Zoomed in this far (full extent / visible extent), the map names topics, not themes.
  const TOPIC_ZOOM = 1.5;
  const THEME_FONT = 15;
  const TOPIC_FONT = 12;
  const MAX_RESULTS = 100;
  const PREVIEW_CHARS = 220;

  async function unpack(text) {
    const bytes = Uint8Array.from(atob(text), (c) => c.charCodeAt(0));
    const stream = new Blob([bytes]).stream().pipeThrough(new DecompressionStream("gzip"));
    return JSON.parse(await new Response(stream).text());
  }

  function el(tag, text, cls) {
    const node = document.createElement(tag);
    if (text !== undefined) node.textContent = text;
    if (cls) node.className = cls;
    return node;
  }

  // Plotly reads a few HTML tags in annotation text: names are escaped before drawing.
  function escapeHtml(text) {
    return String(text).replace(/&/g, "&amp;").replace(/</g, "&lt;").replace(/>/g, "&gt;");
  }

  const papers = await unpack(data.papers);
  const topics = new Map(data.topics.map((t) => [t.id, t]));
  const themes = new Map(data.themes.map((t) => [t.id, t]));
  const full = gd._fullData[0];
  const allX = Float32Array.from(full.x);
  const allY = Float32Array.from(full.y);
  const topicColour = new Map(data.topics.map((t) => [t.id, t.colour]));
  const allSize = Float32Array.from(full.marker.size);
  const extent = {
    x: gd._fullLayout.xaxis.range.slice(),
    y: gd._fullLayout.yaxis.range.slice(),
  };
  const hidden = new Set(); // topic ids not drawn
  let shown = Array.from({ length: data.count }, (_, i) => i); // point index -> paper row
  let abstracts = null;
  let haystack = null;
  let selectedPaper = null;
  let hits = null; // paper row -> matches the search, or null when there is no search
  let colourBy = "theme";
  let selected = null; // paper rows picked with the box or lasso, or null
  const years = papers.year.map((y) => (y ? Number(y) : null));
  const knownYears = years.filter((y) => y !== null);
  const yearRange = knownYears.length
    ? [Math.min(...knownYears), Math.max(...knownYears)] : null;
  let yearFilter = yearRange ? yearRange.slice() : null;

  const input = document.getElementById("search");
  const countOut = document.getElementById("match-count");
  const results = document.getElementById("results");
  const panel = document.getElementById("paper");
  const card = document.getElementById("hovercard");
  const legend = document.getElementById("legend-tree");

  // ---- abstracts: a script file beside the page, loaded once the map is drawn ----
  let abstractsLoading = null;
  function loadAbstracts() {
    if (!abstractsLoading) {
      abstractsLoading = new Promise((resolve) => {
        const script = document.createElement("script");
        script.src = document.querySelector(".map-layout").dataset.abstracts;
        script.onload = async () => {
          abstracts = await unpack(window.topicsAbstracts);
          document.body.dataset.abstracts = "loaded";
          resolve(abstracts);
        };
        script.onerror = () => {
          document.body.dataset.abstracts = "missing";
          abstracts = [];
          resolve(abstracts);
        };
        document.head.appendChild(script);
      });
    }
    return abstractsLoading;
  }

  function abstractOf(i) {
    return abstracts && abstracts[i] !== undefined ? abstracts[i] : null;
  }

  function topicName(i) {
    const topic = topics.get(papers.topic[i]);
    if (!topic) return data.outliers ? data.outliers.label : "";
    const theme = themes.get(topic.theme);
    return theme ? theme.label + " › " + topic.label : topic.label;
  }

  // ---- names on the map ----
  const measure = document.createElement("canvas").getContext("2d");
  function boxSize(lines, size) {
    measure.font = "bold " + size + "px " + gd._fullLayout.font.family;
    const width = Math.max(...lines.map((line) => measure.measureText(line).width));
    return [width + 12, lines.length * size * 1.3 + 8];
  }

  function visibleThemes() {
    const visible = new Set();
    for (const topic of topics.values()) {
      if (!hidden.has(topic.id)) visible.add(topic.theme);
    }
    return visible;
  }

  function zoomRatio() {
    const range = gd._fullLayout.xaxis.range;
    return Math.abs(extent.x[1] - extent.x[0]) / Math.abs(range[1] - range[0]);
  }

  // Which level is named: themes at the full view, topics once zoomed in (or when only
  // one theme is shown).
  function level() {
    return zoomRatio() >= TOPIC_ZOOM || visibleThemes().size <= 1 ? "topics" : "themes";
  }

  function candidates() {
    if (level() === "themes") {
      const visible = visibleThemes();
      return data.themes
        .filter((t) => visible.has(t.id))
        .map((t) => ({ item: t, kind: "theme", size: THEME_FONT }));
    }
    return data.topics
      .filter((t) => !hidden.has(t.id))
      .map((t) => ({ item: t, kind: "topic", size: TOPIC_FONT }));
  }

  // Largest first; a name is kept when it lies inside the plot and clear of every name
  // kept before it: smaller topics give way rather than overlap.
  function placeNames() {
    const xa = gd._fullLayout.xaxis;
    const ya = gd._fullLayout.yaxis;
    const left = xa._offset;
    const right = xa._offset + xa._length;
    const top = ya._offset;
    const bottom = ya._offset + ya._length;
    const kept = [];
    const chosen = candidates().sort((a, b) => b.item.size - a.item.size);
    for (const name of chosen) {
      const px = xa._offset + xa.l2p(name.item.x);
      const py = ya._offset + ya.l2p(name.item.y);
      const [w, h] = boxSize(name.item.lines, name.size);
      const box = [px - w / 2, py - h / 2, px + w / 2, py + h / 2];
      if (box[0] < left || box[2] > right || box[1] < top || box[3] > bottom) continue;
      if (kept.some((k) => box[0] < k.box[2] && k.box[0] < box[2] && box[1] < k.box[3] && k.box[1] < box[3])) continue;
      kept.push({ ...name, box });
    }
    return kept;
  }

  function annotation(name) {
    const bold = name.kind === "theme";
    return {
      name: name.kind + "-" + name.item.id,
      x: name.item.x,
      y: name.item.y,
      xref: "x",
      yref: "y",
      showarrow: false,
      text: name.item.lines.map((l) => (bold ? "<b>" + escapeHtml(l) + "</b>" : escapeHtml(l))).join("<br>"),
      font: { size: name.size, color: "#111" },
      bgcolor: "rgba(255,255,255,0.78)",
      bordercolor: name.item.colour,
      borderwidth: bold ? 2 : 1,
      borderpad: 3,
      captureevents: false,
    };
  }

  function paperArrow() {
    if (selectedPaper === null) return [];
    return [{
      name: "selected-paper", x: allX[selectedPaper], y: allY[selectedPaper], xref: "x",
      yref: "y", text: "", showarrow: true, ax: 0, ay: -36, arrowhead: 2, arrowsize: 1.2,
      arrowwidth: 2.5, arrowcolor: "#c0392b",
    }];
  }

  function drawnBoxes() {
    return Array.from(gd.querySelectorAll(".annotation")).map((node) => {
      const rect = node.querySelector("rect.bg");
      const b = (rect || node).getBoundingClientRect();
      return { node, box: [b.left, b.top, b.right, b.bottom] };
    });
  }

  let placing = false;
  async function renderNames() {
    placing = true;
    try {
      let names = placeNames();
      await Plotly.relayout(gd, { annotations: [...names.map(annotation), ...paperArrow()] });
      // The canvas measures text a hair differently from the SVG Plotly draws: check the
      // drawn boxes and drop any smaller name that still touches a larger one.
      for (let round = 0; round < 3; round++) {
        const drawn = drawnBoxes().slice(0, names.length);
        const drop = new Set();
        drawn.forEach((a, i) => {
          drawn.slice(0, i).forEach((b, j) => {
            if (drop.has(j)) return;
            if (a.box[0] < b.box[2] && b.box[0] < a.box[2] && a.box[1] < b.box[3] && b.box[1] < a.box[3]) drop.add(i);
          });
        });
        if (!drop.size) break;
        names = names.filter((_, i) => !drop.has(i));
        await Plotly.relayout(gd, { annotations: [...names.map(annotation), ...paperArrow()] });
      }
      gd.dataset.level = level();
    } finally {
      placing = false;
    }
  }

  // ---- which papers are drawn ----
  // ---- colours: by theme and topic, or by a field; faded outside the years chosen ----
  const CATEGORICAL = ["#0072B2", "#E69F00", "#009E73", "#CC79A7", "#56B4E9", "#D55E00",
    "#F0E442", "#332288", "#117733", "#882255", "#44AA99", "#999933", "#AA4499", "#6699CC",
    "#DDCC77", "#661100"];
  const OTHER = "#9a9a9a";
  const UNKNOWN = "#d0d0d0";
  // Viridis, light to dark reversed so that recent papers stand out.
  const SEQUENTIAL = ["#440154", "#3b528b", "#21918c", "#5ec962", "#fde725"];

  function hexToRgb(hex) {
    const n = parseInt(hex.slice(1), 16);
    return [(n >> 16) & 255, (n >> 8) & 255, n & 255];
  }

  function sequential(t) {
    const scaled = Math.max(0, Math.min(1, t)) * (SEQUENTIAL.length - 1);
    const k = Math.min(Math.floor(scaled), SEQUENTIAL.length - 2);
    const a = hexToRgb(SEQUENTIAL[k]);
    const b = hexToRgb(SEQUENTIAL[k + 1]);
    const f = scaled - k;
    return "#" + a.map((c, j) => Math.round(c + (b[j] - c) * f).toString(16).padStart(2, "0")).join("");
  }

  function fieldValue(i, field) {
    if (field === "year") return papers.year[i] || null;
    if (field === "venue") return papers.venue[i] || null;
    return papers.sources[i].length ? papers.sources[i][0] : null; // the first input file
  }

  // The key of a colouring: [value, colour] pairs, most frequent values first.
  function colourKey(field) {
    if (field === "theme") return data.themes.map((t) => [t.label, t.colour]);
    if (field === "year") {
      if (!yearRange) return [];
      const span = Math.max(1, yearRange[1] - yearRange[0]);
      const key = [];
      for (let y = yearRange[0]; y <= yearRange[1]; y++) key.push([String(y), sequential((y - yearRange[0]) / span)]);
      return key;
    }
    const counts = new Map();
    for (let i = 0; i < data.count; i++) {
      const value = fieldValue(i, field);
      if (value !== null) counts.set(value, (counts.get(value) || 0) + 1);
    }
    const top = [...counts.entries()].sort((a, b) => b[1] - a[1]).slice(0, data.top_values);
    const key = top.map(([value], k) => [value, CATEGORICAL[k % CATEGORICAL.length]]);
    if (counts.size > top.length) key.push(["other", OTHER]);
    return key;
  }

  function pointColour(i, key) {
    if (colourBy === "theme") return topicColour.get(papers.topic[i]) || UNKNOWN;
    const value = fieldValue(i, colourBy);
    if (value === null) return UNKNOWN;
    return key.get(value) || key.get("other") || OTHER;
  }

  function inYears(i) {
    if (!yearFilter || (yearFilter[0] === yearRange[0] && yearFilter[1] === yearRange[1])) return true;
    return years[i] !== null && years[i] >= yearFilter[0] && years[i] <= yearFilter[1];
  }

  function colours() {
    const key = new Map(colourKey(colourBy));
    return shown.map((i) => {
      const colour = pointColour(i, key);
      if (inYears(i)) return colour;
      const [r, g, b] = hexToRgb(colour);
      return "rgba(" + r + "," + g + "," + b + ",0.07)";
    });
  }

  function drawKey() {
    const box = document.getElementById("colour-key");
    box.replaceChildren();
    box.hidden = colourBy === "theme";
    if (box.hidden) return;
    for (const [value, colour] of colourKey(colourBy)) {
      const entry = el("li");
      entry.appendChild(swatch(colour));
      entry.appendChild(el("span", value));
      box.appendChild(entry);
    }
  }

  async function applyVisibility() {
    shown = [];
    for (let i = 0; i < data.count; i++) if (!hidden.has(papers.topic[i])) shown.push(i);
    const xs = new Float32Array(shown.length);
    const ys = new Float32Array(shown.length);
    const sizes = new Float32Array(shown.length);
    shown.forEach((paper, k) => {
      xs[k] = allX[paper];
      ys[k] = allY[paper];
      sizes[k] = allSize[paper];
    });
    await Plotly.restyle(gd, { x: [xs], y: [ys], "marker.color": [colours()], "marker.size": [sizes],
                               selectedpoints: [selection()] });
    syncLegend();
    await renderNames();
  }

  function selection() {
    if (hits === null) return null;
    const points = [];
    shown.forEach((paper, k) => { if (hits[paper]) points.push(k); });
    return points;
  }

  // ---- legend: themes with their topics folded inside ----
  function swatch(colour) {
    const node = el("span", undefined, "swatch");
    node.style.background = colour;
    return node;
  }

  function item(label, count, colour, attrs) {
    const button = el("button", undefined, "item");
    button.type = "button";
    Object.entries(attrs).forEach(([k, v]) => { button.dataset[k] = String(v); });
    button.appendChild(swatch(colour));
    button.appendChild(el("span", label, "item-label"));
    button.appendChild(el("span", " " + count, "count"));
    return button;
  }

  function buildLegend() {
    for (const theme of data.themes) {
      const li = el("li", undefined, "theme");
      const details = el("details");
      const summary = el("summary");
      summary.appendChild(item(theme.label, theme.size, theme.colour, { theme: theme.id }));
      details.appendChild(summary);
      const list = el("ul");
      for (const id of theme.topics) {
        const topic = topics.get(id);
        if (!topic) continue;
        const entry = el("li");
        entry.appendChild(item(topic.label, topic.size, topic.colour, { topic: topic.id }));
        list.appendChild(entry);
      }
      details.appendChild(list);
      li.appendChild(details);
      legend.appendChild(li);
    }
    if (data.outliers) {
      const li = el("li", undefined, "theme");
      li.appendChild(item(data.outliers.label, data.outliers.size, "#d0d0d0", { topic: -1 }));
      legend.appendChild(li);
    }
    if (data.added) {
      legend.appendChild(el("li", "\u25CB " + data.added + " added since the last fit " +
        "(outlined; placed into its topics)", "theme added"));
    }
  }

  function topicsOf(button) {
    if (button.dataset.theme !== undefined) return themes.get(Number(button.dataset.theme)).topics;
    return [Number(button.dataset.topic)];
  }

  function allTopics() {
    const ids = data.topics.map((t) => t.id);
    if (data.outliers) ids.push(-1);
    return ids;
  }

  function syncLegend() {
    legend.querySelectorAll("button.item").forEach((button) => {
      const off = topicsOf(button).every((id) => hidden.has(id));
      button.classList.toggle("off", off);
      button.setAttribute("aria-pressed", String(!off));
    });
  }

  async function toggle(ids) {
    const show = ids.every((id) => hidden.has(id));
    ids.forEach((id) => (show ? hidden.delete(id) : hidden.add(id)));
    await applyVisibility();
  }

  // Shows only `ids`; isolating what is already alone shows everything again.
  async function isolate(ids) {
    const wanted = new Set(ids);
    const alone = allTopics().every((id) => wanted.has(id) !== hidden.has(id));
    hidden.clear();
    if (!alone) allTopics().forEach((id) => { if (!wanted.has(id)) hidden.add(id); });
    await applyVisibility();
  }

  let clickTimer = null;
  legend.addEventListener("click", (event) => {
    const button = event.target.closest("button.item");
    if (!button) return;
    event.preventDefault(); // a click names an item; the details' marker folds it
    clearTimeout(clickTimer);
    clickTimer = setTimeout(() => toggle(topicsOf(button)), 250);
  });
  legend.addEventListener("dblclick", (event) => {
    const button = event.target.closest("button.item");
    if (!button) return;
    event.preventDefault();
    clearTimeout(clickTimer);
    isolate(topicsOf(button));
  });

  // ---- the paper panel, hover cards and search ----
  function about(i) {
    return [papers.year[i], papers.venue[i], papers.authors[i].join("; ")].filter(Boolean).join(" · ");
  }

  function fillAbstract(node, i) {
    const text = abstractOf(i);
    node.textContent = text === null ? "(loading the abstract…)" : text || "(no abstract)";
  }

  function showPaper(i) {
    if (i < 0 || i >= data.count) return;
    panel.replaceChildren();
    panel.appendChild(el("h2", papers.title[i], "paper-title"));
    panel.appendChild(el("p", topicName(i), "paper-topic"));
    if (papers.added[i]) {
      panel.appendChild(el("p", "Added since the last fit: placed into the fitted topics and " +
        "map (update: incremental), not part of the fit.", "muted"));
    }
    if (papers.reassigned[i]) {
      panel.appendChild(el("p", "Reassigned: HDBSCAN left this paper as an outlier; outlier " +
        "handling placed it in its nearest topic.", "muted"));
    }
    if (about(i)) panel.appendChild(el("p", about(i), "paper-meta"));
    panel.appendChild(el("p", "Sources: " + papers.sources[i].join("; "), "muted"));
    const text = el("p", undefined, "paper-abstract");
    fillAbstract(text, i);
    if (abstractOf(i) === null) loadAbstracts().then(() => fillAbstract(text, i));
    panel.appendChild(text);
    // The paper's own page where its export gave a DOI, arXiv id or URL; else a search.
    const link = el("a", papers.link[i] ? "Open the paper" : "Look it up on arXiv (title search)");
    link.href = papers.link[i] ||
      "https://arxiv.org/search/?searchtype=title&query=" + encodeURIComponent(papers.title[i]);
    link.target = "_blank";
    link.rel = "noopener noreferrer";
    panel.appendChild(link);
    panel.hidden = false;
    panel.dataset.paper = String(i);
    document.getElementById("hint").hidden = true;
    selectedPaper = i;
    renderNames();
  }

  function showCard(i, event) {
    card.replaceChildren();
    card.appendChild(el("b", papers.title[i]));
    card.appendChild(el("div", topicName(i) + (papers.reassigned[i] ? " (reassigned outlier)" : ""), "paper-topic"));
    if (papers.added[i]) card.appendChild(el("div", "added since the last fit", "added"));
    if (about(i)) card.appendChild(el("div", about(i), "muted"));
    const text = abstractOf(i);
    if (text) {
      card.appendChild(el("div", text.length > PREVIEW_CHARS
        ? text.slice(0, PREVIEW_CHARS).replace(/\s+\S*$/, "") + " …" : text, "card-abstract"));
    }
    const box = gd.getBoundingClientRect();
    const x = event.clientX - box.left;
    const y = event.clientY - box.top;
    card.style.left = Math.min(x + 14, box.width - 340) + "px";
    card.style.top = Math.min(y + 14, box.height - 160) + "px";
    card.hidden = false;
  }

  async function search() {
    const terms = input.value.toLowerCase().split(/\s+/).filter(Boolean);
    results.replaceChildren();
    if (!terms.length) {
      hits = null;
      countOut.textContent = "";
      delete countOut.dataset.count;
      await Plotly.restyle(gd, { selectedpoints: [null] });
      return;
    }
    await loadAbstracts();
    if (!haystack) {
      haystack = papers.title.map((t, i) => (t + " " + (abstracts[i] || "")).toLowerCase());
    }
    hits = haystack.map((text) => terms.every((t) => text.includes(t)));
    await Plotly.restyle(gd, { selectedpoints: [selection()] });
    const found = [];
    hits.forEach((hit, i) => { if (hit) found.push(i); });
    countOut.dataset.count = String(found.length);
    countOut.textContent = found.length + " of " + data.count + " papers match";
    found.slice(0, MAX_RESULTS).forEach((i) => {
      const entry = el("li");
      const button = el("button", papers.title[i], "result");
      button.type = "button";
      button.addEventListener("click", () => showPaper(i));
      entry.appendChild(button);
      entry.appendChild(el("span", " " + topicName(i), "muted"));
      results.appendChild(entry);
    });
    if (found.length > MAX_RESULTS) {
      results.appendChild(el("li", "… and " + (found.length - MAX_RESULTS) + " more", "muted"));
    }
  }

  function isolateFromUrl() {
    const params = new URLSearchParams(location.hash.slice(1) || location.search.slice(1));
    const theme = params.get("theme");
    const topic = params.get("topic");
    if (theme !== null && themes.has(Number(theme))) return isolate(themes.get(Number(theme)).topics);
    if (topic !== null && (topics.has(Number(topic)) || (topic === "-1" && data.outliers))) {
      return isolate([Number(topic)]);
    }
    return null;
  }

  let timer = null;
  input.addEventListener("input", () => { clearTimeout(timer); timer = setTimeout(search, 150); });
  input.addEventListener("keydown", (e) => { if (e.key === "Enter") { clearTimeout(timer); search(); } });
  document.getElementById("clear").addEventListener("click", () => { input.value = ""; search(); });
  gd.on("plotly_click", (ev) => { if (ev.points.length) showPaper(shown[ev.points[0].pointIndex]); });
  gd.on("plotly_hover", (ev) => { if (ev.points.length) showCard(shown[ev.points[0].pointIndex], ev.event); });
  gd.on("plotly_unhover", () => { card.hidden = true; });
  gd.on("plotly_relayout", (event) => {
    if (placing) return;
    if (Object.keys(event).some((key) => key.startsWith("xaxis") || key.startsWith("yaxis") || key === "autosize")) {
      renderNames();
    }
  });
  window.addEventListener("hashchange", isolateFromUrl);

  // ---- box and lasso selection: the papers listed, counted per theme, exported ----
  const picked = document.getElementById("selection");

  function csvCell(value) {
    const text = String(value === null || value === undefined ? "" : value);
    return /[",\n\r]/.test(text) ? '"' + text.replace(/"/g, '""') + '"' : text;
  }

  function selectionCsv(rows) {
    const header = ["title", "year", "venue", "authors", "doi", "arxiv_id", "link", "theme",
      "topic", "abstract"];
    const lines = [header.join(",")];
    for (const i of rows) {
      const topic = topics.get(papers.topic[i]);
      const theme = topic ? themes.get(topic.theme) : null;
      lines.push([papers.title[i], papers.year[i], papers.venue[i], papers.authors[i].join("; "),
        papers.doi[i], papers.arxiv_id[i], papers.link[i], theme ? theme.label : "",
        topic ? topic.label : (data.outliers ? data.outliers.label : ""), abstractOf(i) || ""]
        .map(csvCell).join(","));
    }
    return lines.join("\r\n") + "\r\n";
  }

  // BibTeX text in braces: braces and backslashes escaped, so every entry stays balanced.
  function bibText(text) {
    return String(text).replace(/\\/g, "\\textbackslash{}").replace(/([{}])/g, "\\$1");
  }

  function selectionBibtex(rows) {
    const used = new Map();
    return rows.map((i) => {
      const first = (papers.authors[i][0] || "anon").split(/[ ,]+/).filter(Boolean);
      const surname = (papers.authors[i][0] || "").includes(",") ? first[0] : first[first.length - 1] || "anon";
      const word = (papers.title[i].match(/[A-Za-z]{3,}/) || ["paper"])[0];
      let key = (surname + (papers.year[i] || "") + word).normalize("NFKD").replace(/[^A-Za-z0-9]/g, "").toLowerCase();
      const n = (used.get(key) || 0) + 1;
      used.set(key, n);
      if (n > 1) key += String.fromCharCode(96 + n);
      const fields = [["title", papers.title[i]], ["author", papers.authors[i].join(" and ")],
        ["year", papers.year[i]], ["journal", papers.venue[i]], ["doi", papers.doi[i]],
        ["eprint", papers.arxiv_id[i]], ["archiveprefix", papers.arxiv_id[i] ? "arXiv" : ""],
        ["url", papers.link[i]], ["abstract", abstractOf(i) || ""]];
      const body = fields.filter(([, v]) => v).map(([k, v]) => "  " + k + " = {" + bibText(v) + "}");
      return "@article{" + key + ",\n" + body.join(",\n") + "\n}\n";
    }).join("\n");
  }

  function download(name, text, type) {
    const link = document.createElement("a");
    link.href = URL.createObjectURL(new Blob([text], { type }));
    link.download = name;
    document.body.appendChild(link);
    link.click();
    link.remove();
  }

  function showSelection(rows) {
    selected = rows;
    picked.replaceChildren();
    picked.hidden = rows === null;
    if (rows === null) return;
    picked.appendChild(el("h2", rows.length + " papers selected"));
    const perTheme = new Map();
    for (const i of rows) {
      const topic = topics.get(papers.topic[i]);
      const key = topic ? topic.theme : -1;
      perTheme.set(key, (perTheme.get(key) || 0) + 1);
    }
    const list = el("ul", undefined, "per-theme");
    for (const [theme, n] of [...perTheme.entries()].sort((a, b) => b[1] - a[1])) {
      const entry = el("li");
      const t = themes.get(theme);
      entry.appendChild(swatch(t ? t.colour : UNKNOWN));
      entry.appendChild(el("span", (t ? t.label : "outliers") + ": " + n));
      list.appendChild(entry);
    }
    picked.appendChild(list);
    const csv = el("button", "Download CSV");
    csv.type = "button";
    csv.id = "export-csv";
    csv.addEventListener("click", async () => {
      await loadAbstracts();
      download("selected-papers.csv", selectionCsv(selected), "text/csv");
    });
    const bib = el("button", "Download BibTeX");
    bib.type = "button";
    bib.id = "export-bibtex";
    bib.addEventListener("click", async () => {
      await loadAbstracts();
      download("selected-papers.bib", selectionBibtex(selected), "application/x-bibtex");
    });
    picked.appendChild(csv);
    picked.appendChild(bib);
    const titles = el("ol");
    rows.slice(0, MAX_RESULTS).forEach((i) => {
      const entry = el("li");
      const button = el("button", papers.title[i], "result");
      button.type = "button";
      button.addEventListener("click", () => showPaper(i));
      entry.appendChild(button);
      titles.appendChild(entry);
    });
    if (rows.length > MAX_RESULTS) titles.appendChild(el("li", "… and " + (rows.length - MAX_RESULTS) + " more", "muted"));
    picked.appendChild(titles);
  }

  gd.on("plotly_selected", (event) => {
    if (!event || !event.points) return;
    // Papers faded out by the year range are not picked.
    showSelection(event.points.map((p) => shown[p.pointIndex]).filter(inYears).sort((a, b) => a - b));
  });
  gd.on("plotly_deselect", () => showSelection(null));

  // ---- controls: colour by, year range ----
  const colourSelect = document.getElementById("colour-by");
  for (const field of data.colour_by) {
    const option = el("option", { venue: "venue", sources: "input file", year: "year" }[field]);
    option.value = field;
    colourSelect.appendChild(option);
  }
  colourSelect.addEventListener("change", async () => {
    colourBy = colourSelect.value;
    drawKey();
    await Plotly.restyle(gd, { "marker.color": [colours()] });
  });
  const yearControls = document.getElementById("year-filter");
  if (yearRange) {
    const from = document.getElementById("year-from");
    const to = document.getElementById("year-to");
    const label = document.getElementById("year-range");
    for (const input of [from, to]) {
      input.min = String(yearRange[0]);
      input.max = String(yearRange[1]);
    }
    from.value = String(yearRange[0]);
    to.value = String(yearRange[1]);
    const update = async () => {
      const a = Number(from.value);
      const b = Number(to.value);
      yearFilter = [Math.min(a, b), Math.max(a, b)];
      label.textContent = yearFilter[0] + "–" + yearFilter[1];
      label.dataset.range = yearFilter.join("-");
      await Plotly.restyle(gd, { "marker.color": [colours()] });
      if (selected) showSelection(selected.filter(inYears));
    };
    from.addEventListener("input", update);
    to.addEventListener("input", update);
    label.textContent = yearRange[0] + "–" + yearRange[1];
  } else {
    yearControls.hidden = true;
  }

  buildLegend();
  syncLegend();
  // The figure as drawn shows every paper in its theme's colours: only a #theme= or
  // #topic= in the address changes that before the names go on.
  await (isolateFromUrl() || renderNames());
  // For the page's own tests and the curious: the paper rows drawn, in point order.
  window.topicMap = {
    showPaper, search, isolate, toggle, shown: () => shown.slice(),
    selected: () => (selected ? selected.slice() : null), ready: true,
  };
  document.body.dataset.ready = "true";
  loadAbstracts();
})();
