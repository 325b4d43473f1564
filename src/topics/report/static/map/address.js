// The page's address: topic_map.html#theme=<id> or #topic=<id> (the index links so) shows
// that theme or topic alone, on opening and whenever the address changes.
"use strict";

const MapAddress = (() => {
  function install(map) {
    const { data } = map;

    // The isolation's promise, or null when the address names nothing on the map.
    map.isolateFromAddress = () => {
      const params = new URLSearchParams(location.hash.slice(1) || location.search.slice(1));
      const theme = params.get("theme");
      const topic = params.get("topic");
      if (theme !== null && data.themeById.has(Number(theme))) return map.isolate(data.themeById.get(Number(theme)).topics);
      if (topic !== null && (data.topicById.has(Number(topic)) || (topic === "-1" && data.outliers))) {
        return map.isolate([Number(topic)]);
      }
      return null;
    };
    window.addEventListener("hashchange", map.isolateFromAddress);
  }

  return { install };
})();
