"""One Markdown reading list per topic, papers ordered from the topic's heart outwards."""

import html
import re
import shutil
from pathlib import Path
from typing import Any

import pandas as pd

from topics.plotting.style import LIST_SEPARATOR
from topics.report.bibtex import bib_filename, bibtex_file, citation_keys

ABSTRACT_PREVIEW_CHARS = 400
# Papers of each topic in its theme's reading list.
THEME_LIST_PAPERS = 5
# A link Markdown shows as one: http(s), nothing that would end or break the <...> around it.
_LINK = re.compile(r"https?://[^\s<>]+")


def slugify(text: str, max_chars: int = 60) -> str:
    """File-name-safe form of a label: "masked image, mim" -> "masked-image-mim"."""
    slug = re.sub(r"[^a-z0-9]+", "-", text.lower()).strip("-")
    return slug[:max_chars].rstrip("-") or "topic"


def list_filename(topic_id: int, label: str) -> str:
    return f"{topic_id}-{slugify(label)}.md"


def authors_text(authors: list[tuple[str, int]]) -> str:
    """A topic's most frequent authors as one line: "Ada Lovelace (3); Alan Turing (2)"."""
    return LIST_SEPARATOR.join(f"{name} ({count})" for name, count in authors)


def _authors_line(authors: list[tuple[str, int]]) -> list[str]:
    return [f"Most frequent authors: {_text(authors_text(authors))}", ""] if authors else []


def _text(value: str) -> str:
    """Paper text as literal Markdown: angle brackets must not become HTML in a viewer."""
    return html.escape(" ".join(str(value).split()), quote=False)


def preview(abstract: str, max_chars: int = ABSTRACT_PREVIEW_CHARS) -> str:
    """The abstract's first sentences, cut at a word boundary."""
    text = " ".join(abstract.split())
    if len(text) <= max_chars:
        return text
    return text[:max_chars].rsplit(" ", 1)[0] + " …"


def paper_entry(rank: int, paper: dict, heading: str) -> list[str]:
    """One paper of a reading list: title, year · venue · authors, link, sources, abstract."""
    lines = [f"{heading} {rank}. {_text(paper['title'])}", ""]
    about = [
        str(paper["year"]) if not pd.isna(paper["year"]) else "",
        paper["venue"] or "",
        LIST_SEPARATOR.join(paper["authors"]),
    ]
    if any(about):
        lines += [_text(" · ".join(part for part in about if part)), ""]
    if paper["link"] and _LINK.fullmatch(paper["link"]):
        lines += [f"<{paper['link']}>", ""]
    return [
        *lines,
        f"Sources: {_text(LIST_SEPARATOR.join(paper['sources']))} · "
        f"closeness {paper['centrality']:.3f}"
        + (
            " · reassigned outlier (HDBSCAN left it out; placed in its nearest topic)"
            if paper["reassigned"]
            else ""
        )
        + (" · added since the last fit (placed into its topics)" if paper["added"] else ""),
        "",
        f"> {_text(preview(paper['abstract']))}" if paper["abstract"] else "> (no abstract)",
        "",
    ]


def ordered(members: pd.DataFrame, order: str) -> pd.DataFrame:
    """A topic's papers from its centre outwards ("centrality"), or newest first ("year";
    papers of one year, and those without one, last, from the centre outwards)."""
    if order == "year":
        return members.sort_values(["year", "centrality"], ascending=[False, False],
                                   na_position="last")  # fmt: skip
    return members.sort_values("centrality", ascending=False)


ORDER_NOTES = {
    "centrality": "Papers are ordered by closeness to the topic's centre (cosine similarity of "
    "the paper's embedding to the topic's mean embedding): read from the top for the core of "
    "the theme.",
    "year": "Papers are ordered newest first; within a year, by closeness to the topic's centre.",
}


def _bib_line(name: str) -> list[str]:
    return [f"These papers as BibTeX, for a reference manager: [{name}]({name})", ""]


def topic_note(topic_id: int, label: str, theme_label: Any) -> str:
    """The note of a paper's BibTeX entry: its topic and theme, as the map names them."""
    theme = f" (theme: {theme_label})" if isinstance(theme_label, str) else ""
    return f"Topic {topic_id}: {label}{theme}"


def reading_list(topic: pd.Series, members: pd.DataFrame, corpus_size: int, order: str) -> str:
    """The Markdown of one topic's reading list (rows of the report tables, topics.report.data)."""
    members = ordered(members, order)
    share = 100 * len(members) / max(corpus_size, 1)
    theme = (
        f"Theme: {_text(topic.theme_label)}."
        if isinstance(topic.theme_label, str)
        else "In no theme: papers no topic holds."
    )
    lines = [
        f"# Topic {topic.topic_id}: {_text(topic.label)}",
        "",
        f"{len(members)} papers ({share:.1f}% of the corpus). {theme}",
        "",
        (
            f"Keywords: {_text(LIST_SEPARATOR.join(topic.keywords))}"
            if len(topic.keywords)
            else "Keywords: none"
        ),
        "",
        *_authors_line(topic.top_authors),
        *_bib_line(bib_filename(list_filename(topic.topic_id, topic.label))),
        ORDER_NOTES[order],
        "",
    ]
    for rank, paper in enumerate(members.to_dict("records"), start=1):
        lines += paper_entry(rank, paper, "##")
    return "\n".join(lines)


def _empty(out_dir: str | Path) -> Path:
    """`out_dir`, emptied: lists of topics that no longer exist must not linger."""
    out = Path(out_dir)
    if out.exists():
        shutil.rmtree(out)
    out.mkdir(parents=True)
    return out


def write_reading_lists(
    papers: pd.DataFrame, topics: pd.DataFrame, out_dir: str | Path, order: str
) -> list[Path]:
    """One list per row of the report's `topics` table into `out_dir`, which is emptied
    first, each with its papers as BibTeX beside it (the same stem, .bib), in its order."""
    out = _empty(out_dir)
    keys = citation_keys(papers)
    written = []
    for topic in topics.itertuples():
        path = out / list_filename(topic.topic_id, topic.label)
        members = papers[papers["topic_id"] == topic.topic_id]
        path.write_text(reading_list(topic, members, len(papers), order), encoding="utf-8")
        note = topic_note(topic.topic_id, topic.label, topic.theme_label)
        rows = ordered(members, order).to_dict("records")
        bib = bibtex_file(rows, keys, [note] * len(rows))
        path.with_suffix(".bib").write_text(bib, encoding="utf-8")
        written.append(path)
    return written


def theme_reading_list(theme: Any, topics: pd.DataFrame, papers: pd.DataFrame, order: str) -> str:
    """The Markdown of one theme's reading list: its topics, largest first, each with its
    most central papers."""
    share = 100 * theme.size / max(len(papers), 1)
    lines = [
        f"# Theme {theme.theme_id}: {_text(theme.label)}",
        "",
        f"{theme.size} papers ({share:.1f}% of the corpus) in {len(theme.topics)} topics.",
        "",
        f"Keywords: {_text(LIST_SEPARATOR.join(theme.keywords))}",
        "",
        *_authors_line(theme.top_authors),
        *_bib_line(bib_filename(list_filename(theme.theme_id, theme.label))),
        f"Each topic's first {THEME_LIST_PAPERS} papers ("
        + ("closest to its centre" if order == "centrality" else "newest")
        + "); the topic's own list (../topics/) has them all.",
        "",
    ]
    by_id = topics.set_index("topic_id")
    for topic_id in theme.topics:
        topic = by_id.loc[topic_id]
        members = ordered(papers[papers["topic_id"] == topic_id], order)
        lines += [
            f"## Topic {topic_id}: {_text(topic['label'])} ({len(members)} papers)",
            "",
            f"[reading list](../topics/{list_filename(topic_id, topic['label'])}) · "
            f"[BibTeX](../topics/{bib_filename(list_filename(topic_id, topic['label']))})",
            "",
        ]
        for rank, paper in enumerate(members.head(THEME_LIST_PAPERS).to_dict("records"), 1):
            lines += paper_entry(rank, paper, "###")
    return "\n".join(lines)


def theme_papers(theme: Any, topics: pd.DataFrame, papers: pd.DataFrame, order: str):
    """Every paper of a theme in its reading list's order (its topics, largest first, each
    from its centre outwards or newest first) with its BibTeX note."""
    by_id = topics.set_index("topic_id")
    rows, notes = [], []
    for topic_id in theme.topics:
        members = ordered(papers[papers["topic_id"] == topic_id], order).to_dict("records")
        rows += members
        notes += [topic_note(topic_id, by_id.loc[topic_id, "label"], theme.label)] * len(members)
    return rows, notes


def write_theme_lists(report: Any, out_dir: str | Path, order: str) -> list[Path]:
    """One list per theme into `out_dir`, which is emptied first, each with all its papers
    as BibTeX beside it (the same stem, .bib)."""
    out = _empty(out_dir)
    keys = citation_keys(report.papers)
    written = []
    for theme in report.themes.itertuples():
        path = out / list_filename(theme.theme_id, theme.label)
        path.write_text(theme_reading_list(theme, report.topics, report.papers, order), "utf-8")
        rows, notes = theme_papers(theme, report.topics, report.papers, order)
        path.with_suffix(".bib").write_text(bibtex_file(rows, keys, notes), encoding="utf-8")
        written.append(path)
    return written
