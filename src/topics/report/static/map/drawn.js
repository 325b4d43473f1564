// Which papers are drawn: every paper of the topics not hidden (the legend and the
// address hide and show them), in point order; search hits stay highlighted among them.
"use strict";

const MapDrawn = (() => {
  function install(map) {
    const { gd, data, state } = map;
    state.hidden = new Set(); // topic ids not drawn
    state.shown = Array.from({ length: data.count }, (_, i) => i); // point index -> paper row

    // The points matching the search, or null when there is no search.
    map.highlighted = () => {
      if (state.hits === null) return null;
      const points = [];
      state.shown.forEach((paper, k) => { if (state.hits[paper]) points.push(k); });
      return points;
    };

    map.redraw = async () => {
      state.shown = [];
      for (let i = 0; i < data.count; i++) if (!state.hidden.has(data.papers.topic[i])) state.shown.push(i);
      const n = state.shown.length;
      const xs = new Float32Array(n);
      const ys = new Float32Array(n);
      const sizes = new Float32Array(n);
      state.shown.forEach((paper, k) => {
        xs[k] = map.points.x[paper];
        ys[k] = map.points.y[paper];
        sizes[k] = map.points.size[paper];
      });
      await Plotly.restyle(gd, { x: [xs], y: [ys], "marker.color": [map.colours()], "marker.size": [sizes],
                                 selectedpoints: [map.highlighted()] });
      map.syncLegend();
      await map.renderNames();
    };

    map.allTopics = () => {
      const ids = data.topics.map((t) => t.id);
      if (data.outliers) ids.push(-1);
      return ids;
    };

    // Hides `ids`, or shows them when all are hidden.
    map.toggle = async (ids) => {
      const show = ids.every((id) => state.hidden.has(id));
      ids.forEach((id) => (show ? state.hidden.delete(id) : state.hidden.add(id)));
      await map.redraw();
    };

    // Shows only `ids`; isolating what is already alone shows everything again.
    map.isolate = async (ids) => {
      const wanted = new Set(ids);
      const alone = map.allTopics().every((id) => wanted.has(id) !== state.hidden.has(id));
      state.hidden.clear();
      if (!alone) map.allTopics().forEach((id) => { if (!wanted.has(id)) state.hidden.add(id); });
      await map.redraw();
    };
  }

  return { install };
})();
