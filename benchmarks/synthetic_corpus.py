"""Deterministic synthetic corpora for benchmarks: pseudo-papers and clustered embeddings.

Pseudo-abstracts are built from a real corpus's vocabulary: each synthetic topic draws
most of its words from its own slice of that vocabulary, so c-TF-IDF finds distinct
keywords, and the embeddings are points scattered around one centre per topic, so UMAP
and HDBSCAN find structure. The same seed always gives the same corpus.
"""

import re
from collections import Counter
from collections.abc import Iterable, Sequence

import numpy as np
import pandas as pd

from topics.parse import PAPER_COLUMNS, paper_id

_WORD = re.compile(r"[A-Za-z][a-z]{3,}")
# Words too common to name a topic; keeps pseudo-titles from all starting alike.
_FILLER = frozenset(
    [
        "this",
        "that",
        "with",
        "from",
        "their",
        "these",
        "have",
        "which",
        "been",
        "were",
        "also",
        "into",
        "such",
        "than",
        "they",
        "more",
        "while",
        "both",
        "only",
        "over",
        "when",
        "where",
        "other",
        "show",
        "shows",
        "using",
        "used",
        "based",
        "results",
        "propose",
        "proposed",
        "approach",
        "method",
        "methods",
        "paper",
        "model",
        "models",
        "however",
        "further",
        "different",
    ]
)


def corpus_vocabulary(texts: Iterable[str], max_words: int = 4000) -> list[str]:
    """The corpus's most frequent content words (lower case, 4+ letters), most frequent first."""
    counts = Counter(word.lower() for text in texts for word in _WORD.findall(text))
    return [word for word, _ in counts.most_common() if word not in _FILLER][:max_words]


def _sentences(
    rng: np.random.Generator,
    words: Sequence[str],
    cumulative: np.ndarray,
    general: Sequence[str],
    lengths: Sequence[int],
) -> list[str]:
    """Sentences of the given lengths: 70% topic words (Zipf-weighted), 30% any word."""
    total = int(sum(lengths))
    own = np.searchsorted(cumulative, rng.random(total) * cumulative[-1])
    other = rng.integers(len(general), size=total)
    from_general = rng.random(total) < 0.3
    picked = [
        general[o] if g else words[w] for w, o, g in zip(own, other, from_general, strict=True)
    ]
    out, start = [], 0
    for length in lengths:
        out.append(" ".join(picked[start : start + length]).capitalize() + ".")
        start += length
    return out


def pseudo_papers(
    n_papers: int, vocabulary: Sequence[str], n_topics: int = 50, seed: int = 0, id_prefix: str = ""
) -> pd.DataFrame:
    """`n_papers` pseudo-papers in the papers-table layout, plus a `true_topic` column.

    Topic sizes vary (Zipf-like), titles are 5-9 words, abstracts 6-9 sentences: about
    the length of a real abstract, so text processing costs what it would on real data.
    """
    if len(vocabulary) < 2 * n_topics:
        raise ValueError(f"need at least {2 * n_topics} vocabulary words, got {len(vocabulary)}")
    rng = np.random.default_rng(seed)
    vocab = list(vocabulary)
    slices = [
        [vocab[i] for i in part] for part in np.array_split(rng.permutation(len(vocab)), n_topics)
    ]
    cumulative = [np.cumsum(1.0 / np.arange(1, len(part) + 1)) for part in slices]
    sizes = 1.0 / np.arange(1, n_topics + 1) ** 0.7
    topic_of = rng.choice(n_topics, size=n_papers, p=sizes / sizes.sum())
    titles, abstracts = [], []
    for number, topic in enumerate(topic_of):
        lengths = [int(rng.integers(5, 10))] + [
            int(n) for n in rng.integers(14, 24, rng.integers(6, 10))
        ]
        title, *body = _sentences(rng, slices[topic], cumulative[topic], vocab, lengths)
        titles.append(f"{title[:-1].title()} {id_prefix}{number}")
        abstracts.append(" ".join(body))
    table = pd.DataFrame(
        {
            "paper_id": [paper_id(t) for t in titles],
            "title": titles,
            "abstract": abstracts,
            "sources": [["synthetic"]] * n_papers,
        },
        columns=PAPER_COLUMNS,
    )
    table = with_empty_metadata(table)
    table["true_topic"] = topic_of
    return table


def recombined_papers(papers: pd.DataFrame, n_papers: int, seed: int = 0) -> pd.DataFrame:
    """New, plausible papers made of a real corpus's sentences (for "add 10 papers" runs).

    Each takes its title's head and tail from two real titles and its abstract from five
    sentences of real abstracts; none equals a paper of `papers`.
    """
    rng = np.random.default_rng(seed)
    sentences = [
        s for text in papers["abstract"] for s in re.split(r"(?<=\.) ", text) if len(s.split()) >= 8
    ]
    titles = papers["title"].tolist()
    rows = []
    for number in range(n_papers):
        head = titles[rng.integers(len(titles))].split(":")[0]
        tail = " ".join(titles[rng.integers(len(titles))].split()[-4:])
        abstract = " ".join(sentences[i] for i in rng.choice(len(sentences), 5, replace=False))
        title = f"{head}: revisiting {tail} ({number + 1})"
        rows.append(
            {
                "paper_id": paper_id(title),
                "title": title,
                "abstract": abstract,
                "sources": ["synthetic"],
            }
        )
    return with_empty_metadata(pd.DataFrame(rows, columns=PAPER_COLUMNS))


def clustered_embeddings(
    topic_of: np.ndarray, dim: int = 384, spread: float = 0.6, seed: int = 0
) -> np.ndarray:
    """L2-normalised float32 rows scattered around one random centre per topic."""
    rng = np.random.default_rng(seed)
    n_topics = int(topic_of.max()) + 1
    centres = rng.normal(size=(n_topics, dim)).astype(np.float32)
    centres /= np.linalg.norm(centres, axis=1, keepdims=True)
    noise = rng.normal(scale=spread / np.sqrt(dim), size=(len(topic_of), dim)).astype(np.float32)
    vectors = centres[topic_of] + noise
    return vectors / np.linalg.norm(vectors, axis=1, keepdims=True)


def listing_text(papers: pd.DataFrame) -> str:
    """Papers as a listing file of seeds/: a title line, then its abstract line."""
    return "".join(f"{row.title}\n{row.abstract}\n" for row in papers.itertuples())


def with_empty_metadata(table: pd.DataFrame) -> pd.DataFrame:
    """A papers table made elsewhere (synthetic corpora) with every metadata column present and
    empty as the parser leaves a field no file gives: None, or an empty list."""
    for name in ("year", "date", "venue", "doi", "arxiv_id", "url"):
        table[name] = pd.Series(
            [None] * len(table), index=table.index, dtype="Int64" if name == "year" else object
        )
    for name in ("authors", "keywords"):
        table[name] = [[] for _ in range(len(table))]
    return table
