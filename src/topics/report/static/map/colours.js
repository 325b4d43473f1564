// Colours of the points: by theme and topic (each topic's own shade of its theme's hue,
// from the data), or by a field (venue, input file, year) with its key; papers outside the
// years chosen are faded.
"use strict";

const MapColours = (() => {
  const CATEGORICAL = ["#0072B2", "#E69F00", "#009E73", "#CC79A7", "#56B4E9", "#D55E00",
    "#F0E442", "#332288", "#117733", "#882255", "#44AA99", "#999933", "#AA4499", "#6699CC",
    "#DDCC77", "#661100"];
  const OTHER = "#9a9a9a";
  const UNKNOWN = "#d0d0d0";
  // Viridis, light to dark reversed so that recent papers stand out.
  const SEQUENTIAL = ["#440154", "#3b528b", "#21918c", "#5ec962", "#fde725"];
  const FADED = 0.07;

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

  function install(map) {
    const { data, state } = map;
    const { papers } = data;
    const topicColour = new Map(data.topics.map((t) => [t.id, t.colour]));

    function fieldValue(i, field) {
      if (field === "year") return papers.year[i] || null;
      if (field === "venue") return papers.venue[i] || null;
      return papers.sources[i].length ? papers.sources[i][0] : null; // the first input file
    }

    // The key of a colouring: [value, colour] pairs, most frequent values first.
    function colourKey(field) {
      if (field === "theme") return data.themes.map((t) => [t.label, t.colour]);
      if (field === "year") {
        const range = data.yearRange;
        if (!range) return [];
        const span = Math.max(1, range[1] - range[0]);
        const key = [];
        for (let y = range[0]; y <= range[1]; y++) key.push([String(y), sequential((y - range[0]) / span)]);
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
      if (state.colourBy === "theme") return topicColour.get(papers.topic[i]) || UNKNOWN;
      const value = fieldValue(i, state.colourBy);
      if (value === null) return UNKNOWN;
      return key.get(value) || key.get("other") || OTHER;
    }

    // Whether a paper lies in the years chosen (every paper when the whole range is).
    map.inYears = (i) => {
      const chosen = state.yearFilter;
      const range = data.yearRange;
      if (!chosen || (chosen[0] === range[0] && chosen[1] === range[1])) return true;
      return data.years[i] !== null && data.years[i] >= chosen[0] && data.years[i] <= chosen[1];
    };

    // The drawn points' colours, in point order.
    map.colours = () => {
      const key = new Map(colourKey(state.colourBy));
      return state.shown.map((i) => {
        const colour = pointColour(i, key);
        if (map.inYears(i)) return colour;
        const [r, g, b] = hexToRgb(colour);
        return "rgba(" + r + "," + g + "," + b + "," + FADED + ")";
      });
    };

    map.drawKey = () => {
      const box = document.getElementById("colour-key");
      box.replaceChildren();
      box.hidden = state.colourBy === "theme";
      if (box.hidden) return;
      for (const [value, colour] of colourKey(state.colourBy)) {
        const entry = el("li");
        entry.appendChild(swatch(colour));
        entry.appendChild(el("span", value));
        box.appendChild(entry);
      }
    };
  }

  return { install, UNKNOWN };
})();
