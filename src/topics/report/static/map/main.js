// The topic map's page, put together from its components (one file each, in this folder):
// the data, which papers are drawn, colours, names, legend, paper panel, search,
// selection, filters, address and the paper's nearest papers. Each component's install() adds its part to `map`:
//   gd, data (data.js), points (the trace's x, y and sizes, by paper row), abstracts;
//   state: hidden (topic ids), shown (point index -> paper row), hits (search), colourBy,
//   yearFilter, selected (box or lasso rows), selectedPaper (the panel's);
//   the components' functions: redraw, highlighted, allTopics, toggle, isolate, colours,
//   inYears, drawKey, renderNames, syncLegend, showPaper, goToPaper, search, showSelection,
//   isolateFromAddress.
"use strict";

(async function () {
  const gd = document.getElementById("topic-map");
  const contract = JSON.parse(document.getElementById("map-contract").textContent);
  const data = await MapData.decode(JSON.parse(document.getElementById("map-data").textContent), contract);
  const map = {
    gd,
    data,
    points: PlotlyPrivate.points(gd),
    abstracts: MapData.abstractLoader(),
    state: { hits: null, selected: null, selectedPaper: null },
  };
  for (const part of [MapDrawn, MapColours, MapNames, MapFilters, PaperPanel, MapNeighbours,
    MapSearch, MapSelection, MapAddress, MapLegend]) {
    part.install(map);
  }
  // The figure as drawn shows every paper in its theme's colours: only a #theme= or
  // #topic= in the address changes that before the names go on.
  await (map.isolateFromAddress() || map.renderNames());
  // For the page's own tests and the curious: the paper rows drawn, in point order.
  window.topicMap = {
    showPaper: map.showPaper, goToPaper: map.goToPaper, search: map.search, isolate: map.isolate, toggle: map.toggle,
    shown: () => map.state.shown.slice(),
    selected: () => (map.state.selected ? map.state.selected.slice() : null),
    paper: data.paper,
    ready: true,
  };
  document.body.dataset.ready = "true";
  map.abstracts.load();
})();
