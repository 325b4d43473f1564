// Search of titles and abstracts: every word must occur; matching papers stay bright on
// the map and are listed in the side panel.
"use strict";

const MapSearch = (() => {
  const MAX_RESULTS = 100;

  function install(map) {
    const { gd, data, state, abstracts } = map;
    const input = document.getElementById("search");
    const countOut = document.getElementById("match-count");
    const results = document.getElementById("results");
    let haystack = null;

    map.search = async () => {
      const terms = input.value.toLowerCase().split(/\s+/).filter(Boolean);
      results.replaceChildren();
      if (!terms.length) {
        state.hits = null;
        countOut.textContent = "";
        delete countOut.dataset.count;
        await Plotly.restyle(gd, { selectedpoints: [null] });
        return;
      }
      const texts = await abstracts.load();
      if (!haystack) {
        haystack = data.papers.title.map((t, i) => (t + " " + (texts[i] || "")).toLowerCase());
      }
      state.hits = haystack.map((text) => terms.every((t) => text.includes(t)));
      await Plotly.restyle(gd, { selectedpoints: [map.highlighted()] });
      const found = [];
      state.hits.forEach((hit, i) => { if (hit) found.push(i); });
      countOut.dataset.count = String(found.length);
      countOut.textContent = found.length + " of " + data.count + " papers match";
      fillPaperList(results, found, {
        title: (i) => data.papers.title[i], open: map.showPaper, note: data.topicName, most: MAX_RESULTS,
      });
    };

    let timer = null;
    input.addEventListener("input", () => { clearTimeout(timer); timer = setTimeout(map.search, 150); });
    input.addEventListener("keydown", (e) => { if (e.key === "Enter") { clearTimeout(timer); map.search(); } });
    document.getElementById("clear").addEventListener("click", () => { input.value = ""; map.search(); });
  }

  return { install, MAX_RESULTS };
})();
