// The map's data as Python packed it (topics.report.map_data): decoded once and checked
// against the written contract (map_data.schema.json, inlined in the page as #map-contract),
// with the names and facts every component shows. Abstracts, the bulk of the text, come
// from a script file beside the page, loaded once the map is drawn.
"use strict";

const MapData = (() => {
  // JSON, gzip'd and base64'd (the contract's "packed" encoding).
  async function unpack(text) {
    const bytes = Uint8Array.from(atob(text), (c) => c.charCodeAt(0));
    const stream = new Blob([bytes]).stream().pipeThrough(new DecompressionStream("gzip"));
    return JSON.parse(await new Response(stream).text());
  }

  // Every column the contract requires, one value per paper.
  function check(papers, count, contract) {
    for (const name of contract.$defs.papers.required) {
      if (!Array.isArray(papers[name]) || papers[name].length !== count) {
        throw new Error("map data: column " + name + " is not one value per paper (" + count + ")");
      }
    }
  }

  async function decode(raw, contract) {
    const papers = await unpack(raw.papers);
    check(papers, raw.count, contract);
    const topicById = new Map(raw.topics.map((t) => [t.id, t]));
    const themeById = new Map(raw.themes.map((t) => [t.id, t]));
    const years = papers.year.map((y) => (y ? Number(y) : null));
    const known = years.filter((y) => y !== null);
    const columns = Object.keys(contract.$defs.papers.properties);
    return {
      ...raw,
      papers,
      topicById,
      themeById,
      years,
      yearRange: known.length ? [Math.min(...known), Math.max(...known)] : null,
      // One paper as the contract describes it: {column: value}.
      paper: (i) => Object.fromEntries(columns.map((name) => [name, papers[name][i]])),
      // "theme › topic", or the outliers' name.
      topicName(i) {
        const topic = topicById.get(papers.topic[i]);
        if (!topic) return raw.outliers ? raw.outliers.label : "";
        const theme = themeById.get(topic.theme);
        return theme ? theme.label + " › " + topic.label : topic.label;
      },
      // Year, venue and authors, those known.
      about(i) {
        return [papers.year[i], papers.venue[i], papers.authors[i].join("; ")].filter(Boolean).join(" · ");
      },
    };
  }

  // The abstracts, in the papers' order: a promise, started once.
  function abstractLoader() {
    let loading = null;
    const loader = {
      texts: null,
      load() {
        if (!loading) {
          loading = new Promise((resolve) => {
            const script = document.createElement("script");
            script.src = document.querySelector(".map-layout").dataset.abstracts;
            script.onload = async () => {
              loader.texts = await unpack(window.topicsAbstracts);
              document.body.dataset.abstracts = "loaded";
              resolve(loader.texts);
            };
            script.onerror = () => {
              document.body.dataset.abstracts = "missing";
              loader.texts = [];
              resolve(loader.texts);
            };
            document.head.appendChild(script);
          });
        }
        return loading;
      },
      // A paper's abstract; null while they load.
      of(i) {
        return loader.texts && loader.texts[i] !== undefined ? loader.texts[i] : null;
      },
    };
    return loader;
  }

  return { unpack, decode, abstractLoader };
})();
