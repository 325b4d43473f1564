// Papers like this one: the paper panel lists the open paper's nearest papers (cosine
// similarity of their embeddings, topics.neighbours); a click opens one and brings it into
// view on the map, where the panel's arrow points at it.
"use strict";

const MapNeighbours = (() => {
  function install(map) {
    const { gd, data } = map;
    const { papers } = data;
    const panel = document.getElementById("paper");

    // The map's view moved, not zoomed, to hold paper i where it is out of view.
    async function bringIntoView(i) {
      const x = map.points.x[i];
      const y = map.points.y[i];
      const xr = gd.layout.xaxis.range;
      const yr = gd.layout.yaxis.range;
      const inside = (v, [a, b]) => v >= Math.min(a, b) && v <= Math.max(a, b);
      if (inside(x, xr) && inside(y, yr)) return;
      const half = (r) => Math.abs(r[1] - r[0]) / 2;
      await Plotly.relayout(gd, {
        "xaxis.range": [x - half(xr), x + half(xr)],
        "yaxis.range": [y - half(yr), y + half(yr)],
      });
    }

    map.goToPaper = async (i) => {
      map.showPaper(i);
      await bringIntoView(i);
    };

    function list(i) {
      const rows = papers.neighbours[i];
      const section = el("div", undefined, "neighbours");
      if (!rows.length) return section;
      section.appendChild(el("h3", "Papers like this one"));
      const items = el("ol");
      rows.forEach((j, rank) => {
        const entry = el("li");
        const button = el("button", papers.title[j], "result");
        button.type = "button";
        button.dataset.paper = String(j);
        button.addEventListener("click", () => map.goToPaper(j));
        entry.appendChild(button);
        const same = papers.topic[j] === papers.topic[i];
        entry.appendChild(el("span", " " + papers.similarity[i][rank].toFixed(2) +
          (same ? "" : " · " + data.topicName(j)), "muted"));
        items.appendChild(entry);
      });
      section.appendChild(items);
      section.appendChild(el("p", "By cosine similarity of the papers' embeddings; the topic " +
        "is named where it differs.", "muted"));
      return section;
    }

    // After the panel's own content: the paper, then where to go from it.
    const show = map.showPaper;
    map.showPaper = (i) => {
      show(i);
      if (panel.dataset.paper === String(i)) panel.appendChild(list(i));
    };
  }

  return { install };
})();
