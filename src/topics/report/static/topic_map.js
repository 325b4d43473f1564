// The topic map's controls: search, the paper panel, topic isolation from the URL.
// Paper text only ever reaches the page through textContent, never as HTML.
(function () {
  "use strict";
  const gd = document.getElementById("topic-map");
  const papers = JSON.parse(document.getElementById("paper-data").textContent);
  const haystack = papers.map((p) => (p.title + " " + p.abstract).toLowerCase());
  const input = document.getElementById("search");
  const countOut = document.getElementById("match-count");
  const results = document.getElementById("results");
  const panel = document.getElementById("paper");
  const MAX_RESULTS = 100;
  // The plot was drawn while the page was still parsing, before the side panel existed.
  Plotly.Plots.resize(gd);

  function el(tag, text, cls) {
    const node = document.createElement(tag);
    if (text !== undefined) node.textContent = text;
    if (cls) node.className = cls;
    return node;
  }

  function showPaper(index) {
    const p = papers[index];
    if (!p) return;
    panel.replaceChildren();
    panel.appendChild(el("h2", p.title, "paper-title"));
    panel.appendChild(el("p", p.topic, "paper-topic"));
    if (p.reassigned) {
      panel.appendChild(el("p", "Reassigned: HDBSCAN left this paper as an outlier; outlier " +
        "handling placed it in its nearest topic.", "muted"));
    }
    const about = [p.year, p.venue, p.authors].filter(Boolean).join(" · ");
    if (about) panel.appendChild(el("p", about, "paper-meta"));
    panel.appendChild(el("p", "Sources: " + p.sources, "muted"));
    panel.appendChild(el("p", p.abstract || "(no abstract)", "paper-abstract"));
    // The paper's own page where its export gave a DOI, arXiv id or URL; else a search.
    const link = el("a", p.link ? "Open the paper" : "Look it up on arXiv (title search)");
    link.href = p.link ||
      "https://arxiv.org/search/?searchtype=title&query=" + encodeURIComponent(p.title);
    link.target = "_blank";
    link.rel = "noopener noreferrer";
    panel.appendChild(link);
    markPaper(p);
    panel.hidden = false;
    document.getElementById("hint").hidden = true;
    panel.dataset.paper = String(index);
  }

  // An arrow on the map pointing at the paper shown in the panel.
  function markPaper(p) {
    const notes = (gd.layout.annotations || []).filter((a) => a.name !== "selected-paper");
    notes.push({ name: "selected-paper", x: p.x, y: p.y, text: "", showarrow: true, ax: 0,
                 ay: -36, arrowhead: 2, arrowsize: 1.2, arrowwidth: 2.5, arrowcolor: "#c0392b" });
    Plotly.relayout(gd, { annotations: notes });
  }

  function matches(query) {
    const terms = query.toLowerCase().split(/\s+/).filter(Boolean);
    if (!terms.length) return null;
    return haystack.map((text) => terms.every((t) => text.includes(t)));
  }

  function search() {
    const hits = matches(input.value);
    results.replaceChildren();
    if (hits === null) {
      Plotly.restyle(gd, "selectedpoints", null);
      countOut.textContent = "";
      delete countOut.dataset.count;
      return;
    }
    const selected = gd.data.map((trace) => {
      const points = [];
      (trace.customdata || []).forEach((paper, i) => { if (hits[paper]) points.push(i); });
      return points;
    });
    Plotly.restyle(gd, { selectedpoints: selected });
    const found = [];
    hits.forEach((hit, i) => { if (hit) found.push(i); });
    countOut.dataset.count = String(found.length);
    countOut.textContent = found.length + " of " + papers.length + " papers match";
    found.slice(0, MAX_RESULTS).forEach((i) => {
      const item = el("li");
      const button = el("button", papers[i].title, "result");
      button.type = "button";
      button.addEventListener("click", () => showPaper(i));
      item.appendChild(button);
      item.appendChild(el("span", " " + papers[i].topic, "muted"));
      results.appendChild(item);
    });
    if (found.length > MAX_RESULTS) {
      results.appendChild(el("li", "… and " + (found.length - MAX_RESULTS) + " more", "muted"));
    }
  }

  // Topic names follow their topics: hidden with them, shown with them.
  function syncLabels() {
    const shown = {};
    gd.data.forEach((t) => { shown[t.legendgroup] = t.visible === undefined || t.visible === true; });
    const update = {};
    (gd.layout.annotations || []).forEach((a, i) => {
      const visible = shown[a.name] !== false;
      if (a.visible !== visible) update["annotations[" + i + "].visible"] = visible;
    });
    if (Object.keys(update).length) Plotly.relayout(gd, update);
  }

  function isolateFromUrl() {
    const params = new URLSearchParams(location.hash.slice(1) || location.search.slice(1));
    const topic = params.get("topic");
    if (topic === null) return;
    if (!gd.data.some((t) => t.legendgroup === topic)) return;
    Plotly.restyle(gd, { visible: gd.data.map((t) => (t.legendgroup === topic ? true : "legendonly")) });
    syncLabels();
  }

  let timer = null;
  input.addEventListener("input", () => { clearTimeout(timer); timer = setTimeout(search, 150); });
  input.addEventListener("keydown", (e) => { if (e.key === "Enter") { clearTimeout(timer); search(); } });
  document.getElementById("clear").addEventListener("click", () => { input.value = ""; search(); });
  gd.on("plotly_click", (ev) => { if (ev.points.length) showPaper(ev.points[0].customdata); });
  gd.on("plotly_restyle", syncLabels);
  window.addEventListener("hashchange", isolateFromUrl);
  isolateFromUrl();
  window.topicMap = { showPaper, search, ready: true };
  document.body.dataset.ready = "true";
})();
