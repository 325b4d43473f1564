// One paper: the side panel a click (or a listed title) opens, with its abstract and a
// link to read it, and the card shown while the pointer rests on a point.
"use strict";

const PaperPanel = (() => {
  const PREVIEW_CHARS = 220;

  // A paper's agreement (a share of the throws, 0 to 1) as a percentage.
  function agreementText(share) {
    return Math.round(100 * share) + "%";
  }

  function install(map) {
    const { gd, data, state, abstracts } = map;
    const { papers } = data;
    const panel = document.getElementById("paper");
    const card = document.getElementById("hovercard");

    function fillAbstract(node, i) {
      const text = abstracts.of(i);
      node.textContent = text === null ? "(loading the abstract…)" : text || "(no abstract)";
    }

    map.showPaper = (i) => {
      if (i < 0 || i >= data.count) return;
      panel.replaceChildren();
      panel.appendChild(el("h2", papers.title[i], "paper-title"));
      panel.appendChild(el("p", data.topicName(i), "paper-topic"));
      if (papers.added[i]) {
        panel.appendChild(el("p", "Added since the last fit: placed into the fitted topics and " +
          "map (update: incremental), not part of the fit.", "muted"));
      }
      if (papers.reassigned[i]) {
        panel.appendChild(el("p", "Reassigned: the clustering left this paper as an outlier " +
          "(its throws did not agree on it); outlier handling placed it in its nearest topic.",
          "muted"));
      }
      if (papers.agreement[i] !== null) {
        panel.appendChild(el("p", agreementText(papers.agreement[i]) + " of the throws (UMAP and " +
          "HDBSCAN under different seeds) put this paper with the bulk of its topic.",
          "paper-agreement"));
      }
      if (data.about(i)) panel.appendChild(el("p", data.about(i), "paper-meta"));
      panel.appendChild(el("p", "Sources: " + papers.sources[i].join("; "), "muted"));
      const text = el("p", undefined, "paper-abstract");
      fillAbstract(text, i);
      if (abstracts.of(i) === null) abstracts.load().then(() => fillAbstract(text, i));
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
      state.selectedPaper = i;
      map.renderNames();
    };

    function showCard(i, event) {
      card.replaceChildren();
      card.appendChild(el("b", papers.title[i]));
      card.appendChild(el("div", data.topicName(i) + (papers.reassigned[i] ? " (reassigned outlier)" : ""), "paper-topic"));
      if (papers.agreement[i] !== null) {
        card.appendChild(el("div", "agreement: " + agreementText(papers.agreement[i]) +
          " of the throws", "paper-agreement"));
      }
      if (papers.added[i]) card.appendChild(el("div", "added since the last fit", "added"));
      if (data.about(i)) card.appendChild(el("div", data.about(i), "muted"));
      const text = abstracts.of(i);
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

    gd.on("plotly_click", (ev) => { if (ev.points.length) map.showPaper(state.shown[ev.points[0].pointIndex]); });
    gd.on("plotly_hover", (ev) => { if (ev.points.length) showCard(state.shown[ev.points[0].pointIndex], ev.event); });
    gd.on("plotly_unhover", () => { card.hidden = true; });
  }

  return { install };
})();
