// Box and lasso selection: the papers picked (those faded out by the year range are not),
// counted per theme, listed, and exported as CSV or BibTeX.
"use strict";

const MapSelection = (() => {
  const CSV_HEADER = ["title", "year", "venue", "authors", "doi", "arxiv_id", "link", "theme",
    "topic", "abstract"];

  function csvCell(value) {
    const text = String(value === null || value === undefined ? "" : value);
    return /[",\n\r]/.test(text) ? '"' + text.replace(/"/g, '""') + '"' : text;
  }

  // LaTeX's specials as topics.report.bibtex.LATEX_SPECIALS writes them (the topics' .bib
  // files), in one pass; whitespace one space. BibTeX counts braces whatever precedes them,
  // so a brace becomes a command with balanced braces of its own.
  const LATEX_SPECIALS = {
    "\\": "\\textbackslash{}", "{": "\\textbraceleft{}", "}": "\\textbraceright{}",
    "$": "\\$", "&": "\\&", "%": "\\%", "#": "\\#", "_": "\\_",
    "^": "\\textasciicircum{}", "~": "\\textasciitilde{}",
  };
  function bibText(text) {
    return String(text).split(/\s+/).filter(Boolean).join(" ")
      .replace(/[\\{}$&%#_^~]/g, (c) => LATEX_SPECIALS[c]);
  }

  function download(name, text, type) {
    const link = document.createElement("a");
    link.href = URL.createObjectURL(new Blob([text], { type }));
    link.download = name;
    document.body.appendChild(link);
    link.click();
    link.remove();
  }

  function install(map) {
    const { gd, data, state, abstracts } = map;
    const { papers } = data;
    const picked = document.getElementById("selection");

    function csv(rows) {
      const lines = [CSV_HEADER.join(",")];
      for (const i of rows) {
        const topic = data.topicById.get(papers.topic[i]);
        const theme = topic ? data.themeById.get(topic.theme) : null;
        lines.push([papers.title[i], papers.year[i], papers.venue[i], papers.authors[i].join("; "),
          papers.doi[i], papers.arxiv_id[i], papers.link[i], theme ? theme.label : "",
          topic ? topic.label : (data.outliers ? data.outliers.label : ""), abstracts.of(i) || ""]
          .map(csvCell).join(","));
      }
      return lines.join("\r\n") + "\r\n";
    }

    // The entries topics.report.bibtex.bibtex_entry writes, with the same keys (the map's
    // data carries them), less the keywords and the topic's note.
    function bibtex(rows) {
      return rows.map((i) => {
        const fields = [["title", papers.title[i]], ["author", papers.authors[i].join(" and ")],
          ["year", papers.year[i]], ["journal", papers.venue[i]], ["doi", papers.doi[i]],
          ["eprint", papers.arxiv_id[i]], ["archiveprefix", papers.arxiv_id[i] ? "arXiv" : ""],
          ["url", papers.link[i]], ["abstract", abstracts.of(i) || ""]];
        const body = fields.filter(([, v]) => v).map(([k, v]) => "  " + k + " = {" + bibText(v) + "}");
        return "@article{" + papers.key[i] + ",\n" + body.join(",\n") + "\n}\n";
      }).join("\n");
    }

    function exportButton(id, text, name, type, write) {
      const button = el("button", text);
      button.type = "button";
      button.id = id;
      button.addEventListener("click", async () => {
        await abstracts.load();
        download(name, write(state.selected), type);
      });
      return button;
    }

    // Lists `rows` (paper rows, or null for no selection).
    map.showSelection = (rows) => {
      state.selected = rows;
      picked.replaceChildren();
      picked.hidden = rows === null;
      if (rows === null) return;
      picked.appendChild(el("h2", rows.length + " papers selected"));
      const perTheme = new Map();
      for (const i of rows) {
        const topic = data.topicById.get(papers.topic[i]);
        const key = topic ? topic.theme : -1;
        perTheme.set(key, (perTheme.get(key) || 0) + 1);
      }
      const list = el("ul", undefined, "per-theme");
      for (const [theme, n] of [...perTheme.entries()].sort((a, b) => b[1] - a[1])) {
        const entry = el("li");
        const t = data.themeById.get(theme);
        entry.appendChild(swatch(t ? t.colour : MapColours.UNKNOWN));
        entry.appendChild(el("span", (t ? t.label : "outliers") + ": " + n));
        list.appendChild(entry);
      }
      picked.appendChild(list);
      picked.appendChild(exportButton("export-csv", "Download CSV", "selected-papers.csv", "text/csv", csv));
      picked.appendChild(exportButton("export-bibtex", "Download BibTeX", "selected-papers.bib",
        "application/x-bibtex", bibtex));
      const titles = el("ol");
      fillPaperList(titles, rows, { title: (i) => papers.title[i], open: map.showPaper, most: MapSearch.MAX_RESULTS });
      picked.appendChild(titles);
    };

    gd.on("plotly_selected", (event) => {
      if (!event || !event.points) return;
      map.showSelection(event.points.map((p) => state.shown[p.pointIndex]).filter(map.inYears).sort((a, b) => a - b));
    });
    gd.on("plotly_deselect", () => map.showSelection(null));
  }

  return { install };
})();
