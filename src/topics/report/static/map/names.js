// Names on the map: themes at the full view, topics once zoomed in (or when one theme is
// shown), largest first, each kept only where it lies inside the plot and clear of every
// name kept before it. A theme's name that does not fit at its papers' centre moves a
// little or shrinks until it does, so every theme is named where there is room; a topic's
// gives way to larger ones. The paper open in the panel is marked with an arrow.
"use strict";

const MapNames = (() => {
  // Zoomed in this far (full extent / visible extent), the map names topics, not themes.
  const TOPIC_ZOOM = 1.5;
  const THEME_FONT = 15;
  const TOPIC_FONT = 12;
  // Where a theme's name may go when its centre is taken: font sizes, largest first, and
  // shifts from the centre in name widths and heights, nearest first.
  const THEME_FONTS = [THEME_FONT, 13, 11];
  const THEME_SHIFTS = [[0, 0], [0, -0.6], [0, 0.6], [-0.35, 0], [0.35, 0], [0, -1.1], [0, 1.1],
    [-0.35, -0.6], [0.35, -0.6], [-0.35, 0.6], [0.35, 0.6], [-0.7, 0], [0.7, 0], [0, -1.6], [0, 1.6]];
  // Room kept between a moved name and its neighbours, in pixels: the canvas measures text a
  // hair differently from the SVG Plotly draws.
  const GAP = 2;

  function overlap(a, b) {
    return a[0] < b[2] && b[0] < a[2] && a[1] < b[3] && b[1] < a[3];
  }

  function install(map) {
    const { gd, data, state } = map;
    const measure = document.createElement("canvas").getContext("2d");
    // The full view's x range, as first drawn.
    const extent = gd.layout.xaxis.range.slice();

    function boxSize(lines, size) {
      measure.font = "bold " + size + "px " + PlotlyPrivate.fontFamily(gd);
      const width = Math.max(...lines.map((line) => measure.measureText(line).width));
      return [width + 12, lines.length * size * 1.3 + 8];
    }

    function visibleThemes() {
      const visible = new Set();
      for (const topic of data.topics) {
        if (!state.hidden.has(topic.id)) visible.add(topic.theme);
      }
      return visible;
    }

    function zoomRatio() {
      const range = gd.layout.xaxis.range;
      return Math.abs(extent[1] - extent[0]) / Math.abs(range[1] - range[0]);
    }

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
        .filter((t) => !state.hidden.has(t.id))
        .map((t) => ({ item: t, kind: "topic", size: TOPIC_FONT }));
    }

    // Where a name may go, in order: at its centre in its own size, and for a theme the
    // shifts and smaller sizes after.
    function places(name) {
      if (name.kind !== "theme") return [{ size: name.size, shift: [0, 0], gap: 0 }];
      return THEME_FONTS.flatMap((size) => THEME_SHIFTS.map((shift) => ({ size, shift, gap: GAP })));
    }

    function placeNames() {
      const area = PlotlyPrivate.plotArea(gd);
      const kept = [];
      const chosen = candidates().sort((a, b) => b.item.size - a.item.size);
      for (const name of chosen) {
        const [px, py] = area.pixel(name.item.x, name.item.y);
        for (const { size, shift, gap } of places(name)) {
          const [w, h] = boxSize(name.item.lines, size);
          const [dx, dy] = [shift[0] * w, shift[1] * h];
          const box = [px + dx - w / 2, py + dy - h / 2, px + dx + w / 2, py + dy + h / 2];
          if (box[0] < area.left || box[2] > area.right || box[1] < area.top || box[3] > area.bottom) continue;
          const room = [box[0] - gap, box[1] - gap, box[2] + gap, box[3] + gap];
          if (kept.some((k) => overlap(room, k.box))) continue;
          kept.push({ ...name, size, shift: [dx, dy], box });
          break;
        }
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
        xshift: name.shift[0],
        yshift: -name.shift[1], // Plotly shifts up, the page's pixels count down
        bgcolor: "rgba(255,255,255,0.78)",
        bordercolor: name.item.colour,
        borderwidth: bold ? 2 : 1,
        borderpad: 3,
        captureevents: false,
      };
    }

    function paperArrow() {
      const i = state.selectedPaper;
      if (i === null) return [];
      return [{
        name: "selected-paper", x: map.points.x[i], y: map.points.y[i], xref: "x",
        yref: "y", text: "", showarrow: true, ax: 0, ay: -36, arrowhead: 2, arrowsize: 1.2,
        arrowwidth: 2.5, arrowcolor: "#c0392b",
      }];
    }

    function drawnBoxes() {
      return Array.from(gd.querySelectorAll(".annotation")).map((node) => {
        const rect = node.querySelector("rect.bg");
        const b = (rect || node).getBoundingClientRect();
        return [b.left, b.top, b.right, b.bottom];
      });
    }

    map.placing = false;
    map.renderNames = async () => {
      map.placing = true;
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
              if (!drop.has(j) && overlap(a, b)) drop.add(i);
            });
          });
          if (!drop.size) break;
          names = names.filter((_, i) => !drop.has(i));
          await Plotly.relayout(gd, { annotations: [...names.map(annotation), ...paperArrow()] });
        }
        gd.dataset.level = level();
      } finally {
        map.placing = false;
      }
    };

    // Pan, zoom and resize move the names.
    gd.on("plotly_relayout", (event) => {
      if (map.placing) return;
      if (Object.keys(event).some((key) => key.startsWith("xaxis") || key.startsWith("yaxis") || key === "autosize")) {
        map.renderNames();
      }
    });
  }

  return { install };
})();
