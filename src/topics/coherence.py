"""Topic coherence, c_npmi and c_v, as gensim defines them, counted with numpy.

gensim's CoherenceModel slides a window over every text and counts, one window at a time
in Python, which of the topics' words each window holds, which takes minutes on large
corpora (benchmarks/RESULTS.md). Those counts are sums over windows, so they vectorise.
This module takes the same counts and applies gensim's formulas:

- c_npmi: windows of 10 tokens; the mean NPMI of every ordered pair of a topic's words.
- c_v: windows of 110 tokens; the mean cosine between each word's NPMI vector (against the
  topic's words) and the whole topic's, summed over its words.

Each topic's score is averaged over the topics. The tests check both measures against
gensim on the seeds and on texts made to hit the edge cases.

gensim does not quite count "windows that hold the word". When its window slides on by
one token, it marks the token that left as absent, even when another copy of that token
is still inside. This module counts the same way, so that its figures stay comparable
with gensim's and with the targets measured with it; `_presence` spells the rule out.
"""

from collections.abc import Sequence

import numpy as np
from scipy import sparse

EPSILON = 1e-12  # gensim's, added to each joint probability before taking its log
WINDOW = {"c_npmi": 10, "c_v": 110}  # gensim's sliding-window size per measure
# Texts per block of the window x word matrix: a block of 2,000 texts holds at most a few
# million present words, so memory stays flat at any corpus size.
TEXTS_PER_BLOCK = 2000


def _presence(
    positions: np.ndarray, words: np.ndarray, n_tokens: int, window: int
) -> tuple[np.ndarray, np.ndarray]:
    """(window number, word) for every word gensim counts as present in a window of one text.

    positions are the token positions of the counted words in the text, words their ids.
    gensim's window k covers tokens k .. k+window-1 (a text shorter than the window is a
    single window). Sliding from window k-1 to k, gensim marks token k-1 absent, then
    token k+window-1 present. So a word is present in window k when its last occurrence
    j up to k+window-1 entered after its last exit: its last occurrence i before k is at
    most j-window, or there is none.
    """
    n_windows = max(n_tokens - window + 1, 1)
    ids, local = np.unique(words, return_inverse=True)
    stride = n_tokens + window + 1  # more than any position a query below can name
    keys = np.sort(local.astype(np.int64) * stride + positions)
    base = np.arange(len(ids), dtype=np.int64)[:, None] * stride
    k = np.arange(n_windows, dtype=np.int64)[None, :]

    def last_at_or_before(position: np.ndarray) -> tuple[np.ndarray, np.ndarray]:
        """The word's last position <= `position`, and whether it has one."""
        found = np.searchsorted(keys, base + position, side="right") - 1
        key = keys[np.maximum(found, 0)]
        return key - base, (found >= 0) & (key >= base)

    last_in, has_in = last_at_or_before(k + window - 1)
    last_before, has_before = last_at_or_before(k - 1)
    present = has_in & (~has_before | (last_before <= last_in - window))
    word_rows, window_numbers = np.nonzero(present)
    return window_numbers, ids[word_rows]


def window_counts(
    tokens: Sequence[Sequence[str]], vocabulary: Sequence[str], window: int
) -> tuple[np.ndarray, int]:
    """Windows holding each pair of vocabulary words (the diagonal: each word), and windows.

    Every text contributes max(len - window + 1, 1) windows, as in gensim, even a text
    without any vocabulary word.
    """
    index = {word: i for i, word in enumerate(vocabulary)}
    together = np.zeros((len(vocabulary), len(vocabulary)), dtype=np.int64)
    n_windows = 0
    rows: list[np.ndarray] = []
    cols: list[np.ndarray] = []

    def add_block() -> None:
        if rows:
            r, c = np.concatenate(rows), np.concatenate(cols)
            present = sparse.csr_matrix(
                (np.ones(len(r), dtype=np.int64), (r, c)), shape=(int(r.max()) + 1, len(vocabulary))
            )
            together[:] += (present.T @ present).toarray()
        rows.clear()
        cols.clear()

    block_start = 0
    for number, text in enumerate(tokens):
        if number % TEXTS_PER_BLOCK == 0:
            add_block()
            block_start = n_windows
        positions = [position for position, token in enumerate(text) if token in index]
        if positions:
            words = np.array([index[text[position]] for position in positions], dtype=np.int64)
            window_numbers, ids = _presence(
                np.array(positions, dtype=np.int64), words, len(text), window
            )
            rows.append(window_numbers + (n_windows - block_start))
            cols.append(ids)
        n_windows += max(len(text) - window + 1, 1)
    add_block()
    return together, n_windows


def npmi(together: np.ndarray, n_windows: int) -> np.ndarray:
    """Normalised PMI of every pair of words from window counts, with gensim's epsilon."""
    p_word = np.diag(together) / n_windows
    p_pair = together / n_windows + EPSILON
    with np.errstate(divide="ignore", invalid="ignore"):
        return np.log(p_pair / np.outer(p_word, p_word)) / -np.log(p_pair)


def topic_coherence(
    topic_words: Sequence[Sequence[str]], tokens: Sequence[Sequence[str]], measure: str = "c_npmi"
) -> float:
    """gensim's c_npmi or c_v of the topics (each a list of at least two corpus words)."""
    if measure not in WINDOW:
        raise ValueError(f"coherence measure must be one of {', '.join(WINDOW)}, not {measure!r}")
    vocabulary = sorted({word for words in topic_words for word in words})
    index = {word: i for i, word in enumerate(vocabulary)}
    scores = npmi(*window_counts(tokens, vocabulary, WINDOW[measure]))
    per_topic = []
    for words in topic_words:
        ids = [index[word] for word in words]
        pairs = scores[np.ix_(ids, ids)]
        if measure == "c_npmi":
            per_topic.append(np.mean(pairs[~np.eye(len(ids), dtype=bool)]))
        else:
            whole = pairs.sum(axis=0)
            cosines = pairs @ whole / (np.linalg.norm(pairs, axis=1) * np.linalg.norm(whole))
            per_topic.append(np.mean(cosines))
    return float(np.mean(per_topic))
