// The legend: themes with their topics folded inside, the outliers, and the papers added
// since the last fit. A click hides an item (or shows it again), a double click shows it
// alone; the details' marker folds a theme.
"use strict";

const MapLegend = (() => {
  function item(label, count, colour, attrs) {
    const button = el("button", undefined, "item");
    button.type = "button";
    Object.entries(attrs).forEach(([k, v]) => { button.dataset[k] = String(v); });
    button.appendChild(swatch(colour));
    button.appendChild(el("span", label, "item-label"));
    button.appendChild(el("span", " " + count, "count"));
    return button;
  }

  function install(map) {
    const { data, state } = map;
    const legend = document.getElementById("legend-tree");

    function build() {
      for (const theme of data.themes) {
        const li = el("li", undefined, "theme");
        const details = el("details");
        const summary = el("summary");
        summary.appendChild(item(theme.label, theme.size, theme.colour, { theme: theme.id }));
        details.appendChild(summary);
        const list = el("ul");
        for (const id of theme.topics) {
          const topic = data.topicById.get(id);
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
        li.appendChild(item(data.outliers.label, data.outliers.size, MapColours.UNKNOWN, { topic: -1 }));
        legend.appendChild(li);
      }
      if (data.added) {
        legend.appendChild(el("li", "\u25CB " + data.added + " added since the last fit " +
          "(outlined; placed into its topics)", "theme added"));
      }
    }

    function topicsOf(button) {
      if (button.dataset.theme !== undefined) return data.themeById.get(Number(button.dataset.theme)).topics;
      return [Number(button.dataset.topic)];
    }

    // Each item pressed unless all its topics are hidden.
    map.syncLegend = () => {
      legend.querySelectorAll("button.item").forEach((button) => {
        const off = topicsOf(button).every((id) => state.hidden.has(id));
        button.classList.toggle("off", off);
        button.setAttribute("aria-pressed", String(!off));
      });
    };

    let clickTimer = null;
    legend.addEventListener("click", (event) => {
      const button = event.target.closest("button.item");
      if (!button) return;
      event.preventDefault(); // a click names an item; the details' marker folds it
      clearTimeout(clickTimer);
      clickTimer = setTimeout(() => map.toggle(topicsOf(button)), 250);
    });
    legend.addEventListener("dblclick", (event) => {
      const button = event.target.closest("button.item");
      if (!button) return;
      event.preventDefault();
      clearTimeout(clickTimer);
      map.isolate(topicsOf(button));
    });

    build();
    map.syncLegend();
  }

  return { install };
})();
