// The controls above the map: what the points are coloured by, and the range of years
// shown in full colour (papers outside it are faded and cannot be selected).
"use strict";

const MapFilters = (() => {
  const FIELD_NAMES = { venue: "venue", sources: "input file", year: "year" };

  function install(map) {
    const { gd, data, state } = map;
    state.colourBy = "theme";
    state.yearFilter = data.yearRange ? data.yearRange.slice() : null;

    const colourSelect = document.getElementById("colour-by");
    for (const field of data.colour_by) {
      const option = el("option", FIELD_NAMES[field]);
      option.value = field;
      colourSelect.appendChild(option);
    }
    colourSelect.addEventListener("change", async () => {
      state.colourBy = colourSelect.value;
      map.drawKey();
      await Plotly.restyle(gd, { "marker.color": [map.colours()] });
    });

    if (!data.yearRange) {
      document.getElementById("year-filter").hidden = true;
      return;
    }
    const from = document.getElementById("year-from");
    const to = document.getElementById("year-to");
    const label = document.getElementById("year-range");
    for (const input of [from, to]) {
      input.min = String(data.yearRange[0]);
      input.max = String(data.yearRange[1]);
    }
    from.value = String(data.yearRange[0]);
    to.value = String(data.yearRange[1]);
    const update = async () => {
      const a = Number(from.value);
      const b = Number(to.value);
      state.yearFilter = [Math.min(a, b), Math.max(a, b)];
      label.textContent = state.yearFilter[0] + "–" + state.yearFilter[1];
      label.dataset.range = state.yearFilter.join("-");
      await Plotly.restyle(gd, { "marker.color": [map.colours()] });
      if (state.selected) map.showSelection(state.selected.filter(map.inYears));
    };
    from.addEventListener("input", update);
    to.addEventListener("input", update);
    label.textContent = data.yearRange[0] + "–" + data.yearRange[1];
  }

  return { install };
})();
