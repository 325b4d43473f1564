// Small DOM helpers every component uses. Paper text reaches the page only through
// textContent, never as HTML; names drawn by Plotly are escaped first.
"use strict";

function el(tag, text, cls) {
  const node = document.createElement(tag);
  if (text !== undefined) node.textContent = text;
  if (cls) node.className = cls;
  return node;
}

// Plotly reads a few HTML tags in annotation text: names are escaped before drawing.
function escapeHtml(text) {
  return String(text).replace(/&/g, "&amp;").replace(/</g, "&lt;").replace(/>/g, "&gt;");
}

function swatch(colour) {
  const node = el("span", undefined, "swatch");
  node.style.background = colour;
  return node;
}

// Papers listed in the side panel (search results, a selection): the first `most` rows
// as buttons that open the paper, each with its topic's name when `note` gives one,
// then "… and N more". The one place such a list is built.
function fillPaperList(list, rows, { title, open, note, most }) {
  rows.slice(0, most).forEach((i) => {
    const entry = el("li");
    const button = el("button", title(i), "result");
    button.type = "button";
    button.addEventListener("click", () => open(i));
    entry.appendChild(button);
    if (note) entry.appendChild(el("span", " " + note(i), "muted"));
    list.appendChild(entry);
  });
  if (rows.length > most) list.appendChild(el("li", "… and " + (rows.length - most) + " more", "muted"));
}
