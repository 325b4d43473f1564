"""Issue 26: how much do topics and themes move with UMAP's seed, and what would not?

Reads a finished run (its embeddings, the 5-D reductions of the stability seeds and, for
extra seeds, reductions written by `--extra`), clusters each seed with the pipeline's
HDBSCAN settings and cuts themes several ways, then prints the tables of
benchmarks/RESULTS.md ("An atlas that does not depend on the dice").

    PYTHONPATH=src python benchmarks/stable_atlas.py \
        --results /work/scratch/base17k/results \
        --corpus /work/shared/corpora/conferences-17k.jsonl.gz \
        --extra /work/scratch/stable-umap   # seed45.npy ... (optional)

An extra seed's reduction, as the stability step fits it (the main run's neighbours):

    from topics.reduce import run_reduce
    run_reduce(f"{results}/intermediate/embeddings.npy", f"{extra}/seed{seed}.npy", None, None,
               f"{results}/intermediate/umap_neighbours.npz", n_neighbors=15, n_components=5,
               min_dist=0.0, metric="cosine", random_state=seed)

`--throw-sets 42,7,1234,49 --throws 1,3,5,7 --methods single,vote,vote:+1,concat,align
--theme-g --coherence` measures instead the seed sets the pipeline throws (s, s+1, ...,
s+n-1 for `umap.random_state` s; the reductions seed<N>.npy in --extra) and compares the
atlases of every two sets: `vote` is topics.consensus's edge vote, `concat` one HDBSCAN on
the stacked layouts, `align` each throw's topics renamed to a reference's and a majority
per paper; themes today's way (main layout) and, with --theme-g, on the stacked layouts.

`--consensus-only` skips the theme variants (the slow part: silhouettes of every cut).
Outlier reassignment is approximated by the `embeddings` strategy's rule (closest topic
centroid by cosine, threshold 0.5); on seed 42 it is checked against the run's own
assignments.
"""

import argparse
import gzip
import itertools
import json
import time
from pathlib import Path

import numpy as np
import pandas as pd
from sklearn.metrics import adjusted_rand_score as ari
from sklearn.metrics import normalized_mutual_info_score as nmi

from topics.centroids import topic_centroids
from topics.cluster import hdbscan_cluster
from topics.consensus import agreement_share, consensus_topics
from topics.embed import paper_texts
from topics.keywords import count_vectorizer, split_compounds
from topics.themes import Cut, cut, theme_range

HDBSCAN = dict(
    min_cluster_size=10,
    min_samples=None,
    cluster_selection_method="eom",
    cluster_selection_epsilon=0.0,
    metric="euclidean",
    max_share=0.1,
)
THEMES = dict(min_themes=8, max_themes=25, max_share=0.35)
THRESHOLD = 0.5


# ---- The Ward cut the pipeline's themes used before the neighbour-graph communities -----
# (topics.themes since issue 26), kept to measure against.
SILHOUETTE_PAPERS = 4000


def topic_centres(vectors: np.ndarray, topic_ids: np.ndarray, topics) -> np.ndarray:
    """Mean vector of each topic's papers, rows in the order of `topics`."""
    return np.stack([vectors[topic_ids == topic].mean(axis=0) for topic in topics])


def stacked_layouts(reductions) -> np.ndarray:
    """The throws' reductions side by side (papers x throws * dims)."""
    return np.hstack([np.asarray(r, dtype=np.float32) for r in reductions])


def score_cuts(reduced, topic_index, tree, n_topics, themes_range, random_state) -> list:
    """Every cut of the Ward tree within `themes_range`, scored by the silhouette of
    SILHOUETTE_PAPERS papers in `reduced` (Cut's `resolution` field holds the silhouette)."""
    from sklearn.metrics import silhouette_score

    low, high = themes_range
    clustered = np.flatnonzero(topic_index >= 0)
    sample = clustered
    if len(clustered) > SILHOUETTE_PAPERS:
        rng = np.random.default_rng(random_state)
        sample = np.sort(rng.choice(clustered, size=SILHOUETTE_PAPERS, replace=False))
    cuts = []
    for n_themes in range(max(low, 2) if high >= 2 else 1, high + 1):
        theme_of_topic = cut(tree, n_themes, n_topics)
        largest = np.bincount(theme_of_topic[topic_index[clustered]]).max() / len(topic_index)
        sampled = theme_of_topic[topic_index[sample]]
        score = (
            float(silhouette_score(reduced[sample], sampled))
            if 2 <= len(np.unique(sampled)) < len(sample)
            else float("nan")
        )
        cuts.append(Cut(len(np.unique(theme_of_topic)), score, float(largest), theme_of_topic))
    return cuts


def best_cut(cuts, max_share: float):
    """The cut with the best silhouette among those with no theme above `max_share`."""

    def silhouette(c) -> float:
        return -np.inf if np.isnan(c.resolution) else c.resolution

    allowed = [c for c in cuts if c.largest_share <= max_share]
    if allowed:
        return max(allowed, key=lambda c: (silhouette(c), -c.themes))
    return min(cuts, key=lambda c: (c.largest_share, -silhouette(c), c.themes))


def reassign(labels: np.ndarray, unit: np.ndarray) -> np.ndarray:
    """Outliers to the closest topic centroid (cosine) when at least THRESHOLD similar."""
    real = sorted(set(labels.tolist()) - {-1})
    centres = topic_centroids(unit, labels, real)
    out = labels.copy()
    lost = np.flatnonzero(labels == -1)
    if len(lost):
        sims = unit[lost] @ centres.T
        best = sims.argmax(axis=1)
        ok = sims[np.arange(len(lost)), best] >= THRESHOLD
        out[lost[ok]] = np.asarray(real)[best[ok]]
    return out


def ctfidf(doc_terms, topic_index: np.ndarray, n_topics: int) -> np.ndarray:
    """BERTopic's c-TF-IDF of each topic (rows unit length, dense)."""
    import scipy.sparse as sp

    rows = np.flatnonzero(topic_index >= 0)
    member = sp.csr_matrix(
        (np.ones(len(rows)), (topic_index[rows], rows)), shape=(n_topics, doc_terms.shape[0])
    )
    counts = (member @ doc_terms).toarray().astype(np.float64)
    tf = counts / np.maximum(counts.sum(axis=1, keepdims=True), 1)
    avg = counts.sum() / n_topics
    idf = np.log(1 + avg / np.maximum(counts.sum(axis=0), 1))
    m = tf * idf
    return m / np.maximum(np.linalg.norm(m, axis=1, keepdims=True), 1e-12)


def tree_of(unit_rows: np.ndarray, method: str) -> np.ndarray:
    """Linkage of unit-length rows: ward on their Euclidean distances (monotone in cosine),
    average on cosine distances."""
    from scipy.cluster.hierarchy import linkage
    from scipy.spatial.distance import pdist

    if method == "ward":
        return linkage(unit_rows, method="ward")
    return linkage(pdist(unit_rows, "cosine"), method="average")


def themes_of(tree, space, topic_index, n_topics, seed, fixed_k=None):
    """Theme per paper (-1 outliers) and the number of themes: themes.py's cut selection
    (silhouette of the papers in `space`), or `fixed_k` themes."""
    if fixed_k:
        theme_of_topic = cut(tree, fixed_k, n_topics)
    else:
        rng = theme_range(
            n_topics, min_themes=THEMES["min_themes"], max_themes=THEMES["max_themes"]
        )
        cuts = score_cuts(space, topic_index, tree, n_topics, rng, seed)
        theme_of_topic = best_cut(cuts, THEMES["max_share"]).theme_of_topic
    papers = np.where(topic_index >= 0, theme_of_topic[np.maximum(topic_index, 0)], -1)
    return papers, len(np.unique(theme_of_topic))


def mean_pairwise(runs: dict) -> float:
    return float(np.mean([ari(runs[a], runs[b]) for a, b in itertools.combinations(runs, 2)]))


def fields(results: Path, corpus: Path) -> np.ndarray:
    papers = pd.read_parquet(results / "intermediate/papers.parquet")
    by_title = {}
    with gzip.open(corpus, "rt") as lines:
        for line in lines:
            record = json.loads(line)
            by_title.setdefault(record["title"].strip().lower(), record.get("field"))
    return np.array([by_title.get(t.strip().lower()) for t in papers["title"]], dtype=object)


def consensus(runs: list[np.ndarray], knn: np.ndarray, need: int, min_size: int):
    """topics.consensus's topics and per-paper agreement share."""
    labels = consensus_topics(runs, knn, need=need, min_size=min_size)
    return labels, agreement_share(labels, runs)


def main() -> None:
    parser = argparse.ArgumentParser()
    parser.add_argument("--results", type=Path, required=True)
    parser.add_argument("--corpus", type=Path, required=True)
    parser.add_argument("--extra", type=Path)
    parser.add_argument("--consensus-only", action="store_true", help="skip the theme variants")
    parser.add_argument("--cache", type=Path, default=Path("/tmp/stable_atlas"))
    parser.add_argument(
        "--throw-sets",
        help="first seeds of the throw sets to compare, e.g. 42,7,1234: each set is s..s+n-1 "
        "(reductions seed<s>.npy in --extra); the first is compared with each other one",
    )
    parser.add_argument("--throws", default="1,3,5", help="set sizes n, e.g. 1,3,5,7")
    parser.add_argument(
        "--methods",
        default="single,vote",
        help="single | vote[:need] | align[:need] | concat (need: a count, +k/-k from a majority)",
    )
    parser.add_argument(
        "--theme-f", action="store_true", help="also cut themes on centres in all layouts"
    )
    parser.add_argument(
        "--theme-g", action="store_true", help="also cut themes in the concatenated layouts"
    )
    parser.add_argument("--coherence", action="store_true", help="add the coherence proxy")
    args = parser.parse_args()
    inter = args.results / "intermediate"
    args.cache.mkdir(parents=True, exist_ok=True)
    emb = np.load(inter / "embeddings.npy").astype(np.float64)
    unit = emb / np.linalg.norm(emb, axis=1, keepdims=True)
    truth = fields(args.results, args.corpus)
    known = np.array([t is not None for t in truth])
    print(f"{len(unit)} papers, field known for {known.sum()}")
    if args.throw_sets:
        knn = np.load(inter / "umap_neighbours.npz")["indices"]
        proxy = make_coherence_proxy(inter) if args.coherence else None
        throw_sets(args, unit, truth, known, knn, inter, proxy)
        return

    spaces = {42: inter / "umap_cluster.npy"}
    for seed in (43, 44):
        spaces[seed] = inter / f"stability/seed{seed}/umap_cluster.npy"
    if args.extra:
        for path in sorted(args.extra.glob("seed*.npy")):
            spaces[int(path.stem[4:])] = path
    reduced, core, final = {}, {}, {}
    for seed, path in spaces.items():
        reduced[seed] = np.load(path)
        cached = args.cache / f"labels{seed}.npy"
        if not cached.exists():
            started = time.perf_counter()
            np.save(cached, hdbscan_cluster(reduced[seed], **HDBSCAN).labels)
            print(f"seed {seed}: HDBSCAN {time.perf_counter() - started:.1f} s")
        core[seed] = np.load(cached)
        final[seed] = reassign(core[seed], unit)
    # Check the reassignment approximation against the run's own topics.
    run_topics = pd.read_parquet(inter / "assignments.parquet")["topic_id"].to_numpy()
    print(
        f"seed 42 approx vs run's topics ARI {ari(final[42], run_topics):.4f} (core vs "
        f"run's clusters {ari(core[42], np.load(inter / 'clusters.npz')['labels']):.4f})"
    )
    main3 = [s for s in (42, 43, 44)]
    print("\n## Topics")
    for seed in spaces:
        print(
            f"seed {seed}: {core[seed].max() + 1} topics, outliers {np.mean(core[seed] < 0):.3f}"
            f" -> {np.mean(final[seed] < 0):.3f}"
        )
    print(f"topic ARI 42-44, core incl. outliers: {mean_pairwise({s: core[s] for s in main3}):.3f}")
    print(
        f"topic ARI 42-44, reassigned:          {mean_pairwise({s: final[s] for s in main3}):.3f}"
    )
    for a, b in itertools.combinations(main3, 2):
        print(f"  {a}-{b}: core {ari(core[a], core[b]):.3f} final {ari(final[a], final[b]):.3f}")

    # Terms for c-TF-IDF: one vectorizer over all papers, as themes.term_weights does.
    texts = paper_texts(pd.read_parquet(inter / "papers.parquet"))
    vec = count_vectorizer({"stop_words": "english", "ngram_range": [1, 2]}, binary=True, min_df=5)
    doc_terms = vec.fit_transform([split_compounds(t) for t in texts]).tocsr()
    print(f"{doc_terms.shape[1]} terms")

    knn = np.load(inter / "umap_neighbours.npz")["indices"]

    def variants(topics_by_seed, label, only=None, layouts_for=None):
        layouts_for = layouts_for or (lambda seed: sorted({seed, *main3}))
        """Theme ARI across seeds and NMI vs field for every way of cutting themes."""
        rows = []
        reps = {}
        for seed, ids in topics_by_seed.items():
            real = np.array(sorted(set(ids.tolist()) - {-1}))
            index = np.where(ids >= 0, np.searchsorted(real, ids), -1)
            umap_c = np.stack([reduced[seed][ids == t].mean(axis=0) for t in real])
            emb_c = topic_centroids(unit, ids, list(real))
            tfidf = ctfidf(doc_terms, index, len(real))
            both = np.hstack([emb_c, tfidf]) / np.sqrt(2)
            graph = topic_graph_coordinates(knn, index, len(real), GRAPH_DIMS)
            # The topics' centres in every stability layout at once (each standardised).
            multi = np.hstack(
                [
                    standardise(np.stack([reduced[o][ids == t].mean(axis=0) for t in real]))
                    for o in layouts_for(seed)
                ]
            )
            reps[seed] = (index, len(real), umap_c, emb_c, tfidf, both, graph, multi)
        methods = {
            "(a) ward, UMAP centres (today)": lambda r: (tree_of_raw(r[2]), "umap"),
            "(b) ward, embedding centroids": lambda r: (tree_of(r[3], "ward"), "emb"),
            "(b) average, embedding centroids": lambda r: (tree_of(r[3], "average"), "emb"),
            "(c) ward, c-TF-IDF": lambda r: (tree_of(r[4], "ward"), "emb"),
            "(c) average, c-TF-IDF": lambda r: (tree_of(r[4], "average"), "emb"),
            "(d) ward, both": lambda r: (tree_of(r[5], "ward"), "emb"),
            "(d) average, both": lambda r: (tree_of(r[5], "average"), "emb"),
            "(e) ward, spectral coords of the topics' kNN graph": lambda r: (
                tree_of_raw(r[6]),
                "emb",
            ),
            "(f) ward, UMAP centres in all 3 stability layouts": lambda r: (
                tree_of_raw(r[7]),
                "emb",
            ),
        }
        if only:
            methods = {k: v for k, v in methods.items() if k[:3] in only}
        for name, make in methods.items():
            for fixed in (None, 10):
                themes, counts = {}, {}
                for seed, r in reps.items():
                    tree, space_name = make(r)
                    space = reduced[seed] if space_name == "umap" else unit
                    # today's silhouette sample is drawn with umap.random_state
                    sample_seed = seed if space_name == "umap" else 0
                    themes[seed], counts[seed] = themes_of(
                        tree, space, r[0], r[1], sample_seed, fixed
                    )
                rows.append(
                    {
                        "topics": label,
                        "method": name,
                        "k": "silhouette" if fixed is None else f"fixed {fixed}",
                        "themes per seed": "/".join(str(counts[s]) for s in themes),
                        "theme ARI": round(mean_pairwise(themes), 3),
                        "min pair": round(
                            min(
                                ari(themes[a], themes[b])
                                for a, b in itertools.combinations(themes, 2)
                            ),
                            3,
                        ),
                        "largest theme": round(
                            max(np.bincount(t[t >= 0]).max() / len(t) for t in themes.values()), 3
                        ),
                        "themes < 1%": "/".join(
                            str(int((np.bincount(t[t >= 0]) < 0.01 * len(t)).sum()))
                            for t in themes.values()
                        ),
                        "NMI field": round(
                            float(
                                np.mean(
                                    [
                                        nmi(truth[known].astype(str), themes[s][known])
                                        for s in themes
                                    ]
                                )
                            ),
                            3,
                        ),
                    }
                )
                print(rows[-1], flush=True)
        return rows

    table = []
    # Layout alone: seed 42's topics, themes cut in each seed's UMAP space.
    fixed_topics = {s: final[42] for s in main3}
    if not args.consensus_only:
        table += variants(fixed_topics, "seed 42's topics, each seed's layout", only=("(a)",))
        if len(spaces) >= 6:
            others = [s for s in sorted(spaces) if s not in main3][:3]
            table += variants(
                {42: final[42], others[0]: final[42]},
                "seed 42's topics, layouts 42-44 vs " + "-".join(map(str, others)),
                only=("(f)",),
                layouts_for=lambda seed: main3 if seed == 42 else others,
            )
        table += variants({s: final[s] for s in main3}, "each seed's topics")
        if 7 in spaces and 1234 in spaces:
            for pair in ((42, 7), (42, 1234)):
                print(
                    f"topic ARI {pair}: core {ari(core[pair[0]], core[pair[1]]):.3f} "
                    f"final {ari(final[pair[0]], final[pair[1]]):.3f}"
                )
                table += variants(
                    {s: final[s] for s in pair},
                    f"each seed's topics, seeds {pair[0]}-{pair[1]}",
                    only=("(a)", "(b)", "(d)", "(e)", "(f)"),
                )
        print("\n" + pd.DataFrame(table).to_markdown(index=False))

    # Consensus topics.
    print("\n## Consensus topics (kNN edges, components)")
    seeds_all = sorted(spaces)
    triples = [tuple(main3)]
    extra = [s for s in seeds_all if s not in main3]
    triples += [tuple(extra[i : i + 3]) for i in range(0, len(extra) - 2, 3)]
    results = {}
    for triple in triples:
        for vote, need in (("all", len(triple)), ("majority", len(triple) // 2 + 1)):
            for runs_name, runs in (
                ("core", [core[s] for s in triple]),
                ("final", [final[s] for s in triple]),
            ):
                labels, share = consensus(runs, knn, need, HDBSCAN["min_cluster_size"])
                final_c = reassign(labels, unit)
                results[(triple, vote, runs_name)] = final_c
                agreed = share[labels >= 0]
                print(
                    f"seeds {triple} {vote} agree, {runs_name} labels: {labels.max() + 1} topics, "
                    f"largest {np.bincount(labels[labels >= 0]).max() / len(labels):.3f}, "
                    f"outliers {np.mean(labels < 0):.3f} -> {np.mean(final_c < 0):.3f}; "
                    f"agreement share mean {np.nanmean(agreed):.3f}, "
                    f"all agree {np.mean(agreed == 1):.3f}; "
                    f"ARI vs each seed {[round(ari(final_c, final[s]), 3) for s in triple]}; "
                    f"NMI field {nmi(truth[known].astype(str), final_c[known]):.3f}",
                    flush=True,
                )
    if len(triples) >= 2:
        for vote in ("all", "majority"):
            for runs_name in ("core", "final"):
                found = [
                    round(ari(results[(a, vote, runs_name)], results[(b, vote, runs_name)]), 3)
                    for a, b in itertools.combinations(triples, 2)
                ]
                print(f"consensus {vote}/{runs_name}: ARI between disjoint triples {found}")
        # Themes of consensus topics (today's cut, in the first throw's layout; and in all
        # three layouts at once), compared between disjoint triples.
        for vote in ("majority",):
            cons = {t: results[(t, vote, "core")] for t in triples}
            for name, spaces_of in (
                ("(a) first throw's layout", lambda t: [t[0]]),
                ("(f) the triple's 3 layouts", lambda t: list(t)),
            ):
                themes = {}
                for t, ids in cons.items():
                    real = np.array(sorted(set(ids.tolist()) - {-1}))
                    index = np.where(ids >= 0, np.searchsorted(real, ids), -1)
                    centres = np.hstack(
                        [
                            standardise(np.stack([reduced[o][ids == x].mean(axis=0) for x in real]))
                            for o in spaces_of(t)
                        ]
                    )
                    space = reduced[t[0]] if len(spaces_of(t)) == 1 else unit
                    themes[t], k = themes_of(tree_of_raw(centres), space, index, len(real), t[0])
                    print(f"  consensus {t}: {len(real)} topics, {k} themes", flush=True)
                found = [
                    round(ari(themes[a], themes[b]), 3)
                    for a, b in itertools.combinations(triples, 2)
                ]
                field_nmi = np.mean(
                    [nmi(truth[known].astype(str), th[known]) for th in themes.values()]
                )
                print(
                    f"themes of consensus topics ({vote}), {name}: ARI between triples "
                    f"{found}, NMI field {field_nmi:.3f}"
                )
        # Five throws: two disjoint quintuples, 3 of 5 on core clusters.
        if len(seeds_all) >= 10:
            fives = [tuple(main3) + tuple(extra[:2]), tuple(extra[2:7])]
            five = [
                consensus([core[s] for s in q], knn, 3, HDBSCAN["min_cluster_size"]) for q in fives
            ]
            for q, (labels, share) in zip(fives, five, strict=False):
                print(
                    f"seeds {q} 3 of 5 agree: {labels.max() + 1} topics, "
                    f"outliers {np.mean(labels < 0):.3f}, agreement share mean "
                    f"{np.nanmean(share):.3f}, all agree {np.mean(share[labels >= 0] == 1):.3f}"
                )
            a, b = (reassign(labels, unit) for labels, _ in five)
            print(f"consensus 3 of 5: ARI between disjoint quintuples {ari(a, b):.3f}")
            five_themes = []
            for q, ids in zip(fives, (a, b), strict=True):
                real = np.array(sorted(set(ids.tolist()) - {-1}))
                index = np.where(ids >= 0, np.searchsorted(real, ids), -1)
                centres = np.stack([reduced[q[0]][ids == x].mean(axis=0) for x in real])
                themes, k = themes_of(tree_of_raw(centres), reduced[q[0]], index, len(real), q[0])
                five_themes.append(themes)
                field_nmi = nmi(truth[known].astype(str), themes[known])
                print(f"  consensus {q}: {k} themes (today's cut), NMI field {field_nmi:.3f}")
            print(f"themes of 3-of-5 consensus topics: ARI {ari(*five_themes):.3f}")

        # Random disjoint sets of throws, against every pair of single seeds.
        def themes_of_topics(ids, layout, seed):
            real = np.array(sorted(set(ids.tolist()) - {-1}))
            index = np.where(ids >= 0, np.searchsorted(real, ids), -1)
            tree = tree_of_raw(topic_centres(layout, ids, real))
            return themes_of(tree, layout, index, len(real), seed)[0]

        def consensus_and_themes(throws, need):
            ids = reassign(
                consensus_topics([core[s] for s in throws], knn, need=need, min_size=10), unit
            )
            return ids, themes_of_topics(ids, reduced[throws[0]], throws[0])

        single = {s: themes_of_topics(final[s], reduced[s], s) for s in seeds_all}
        single_topics = [ari(final[a], final[b]) for a, b in itertools.combinations(seeds_all, 2)]
        single_themes = [ari(single[a], single[b]) for a, b in itertools.combinations(seeds_all, 2)]
        print(
            f"single seeds, all pairs: topic ARI mean {np.mean(single_topics):.3f} "
            f"min {min(single_topics):.3f}; theme ARI mean {np.mean(single_themes):.3f} "
            f"min {min(single_themes):.3f}"
        )
        draw = np.random.default_rng(0)
        for size, need in ((3, 2), (5, 3)):
            if 2 * size > len(seeds_all):
                continue
            topic_ari, theme_ari = [], []
            for _ in range(5):
                order = [int(s) for s in draw.permutation(seeds_all)]
                (ta, ha), (tb, hb) = (
                    consensus_and_themes(order[:size], need),
                    consensus_and_themes(order[size : 2 * size], need),
                )
                topic_ari.append(ari(ta, tb))
                theme_ari.append(ari(ha, hb))
            print(
                f"{need} of {size}, 5 random disjoint pairs of throw sets: topic ARI mean "
                f"{np.mean(topic_ari):.3f} min {min(topic_ari):.3f}; theme ARI mean "
                f"{np.mean(theme_ari):.3f} min {min(theme_ari):.3f}",
                flush=True,
            )
        # Coherence of single seeds against their consensus (make_coherence_proxy).
        proxy = make_coherence_proxy(inter)

        print(
            "coherence proxy: seeds 42/43/44 {}; consensus 42-43-44 majority {:.4f}, "
            "all {:.4f}".format(
                [round(proxy(final[s]), 4) for s in main3],
                proxy(results[(tuple(main3), "majority", "core")]),
                proxy(results[(tuple(main3), "all", "core")]),
            )
        )
        print(
            "single seeds, mean pairwise ARI over all seeds: "
            f"core {mean_pairwise({s: core[s] for s in seeds_all}):.3f} "
            f"final {mean_pairwise({s: final[s] for s in seeds_all}):.3f}"
        )


GRAPH_DIMS = 10


def topic_graph_coordinates(knn: np.ndarray, index: np.ndarray, n_topics: int, dims: int):
    """Spectral coordinates of the topics' graph: kNN edges between papers counted per pair
    of topics, normalised (D^-1/2 W D^-1/2), its leading non-trivial eigenvectors scaled
    by their eigenvalues. The kNN graph is the embedding's, not a layout's."""
    rows = np.repeat(index, knn.shape[1])
    cols = index[knn.ravel()]
    ok = (rows >= 0) & (cols >= 0)
    w = np.zeros((n_topics, n_topics))
    np.add.at(w, (rows[ok], cols[ok]), 1.0)
    w = w + w.T
    d = 1 / np.sqrt(np.maximum(w.sum(axis=1), 1e-12))
    a = d[:, None] * w * d[None, :]
    values, vectors = np.linalg.eigh(a)
    order = np.argsort(-values)[1 : dims + 1]
    return vectors[:, order] * values[order] * d[:, None] / d.mean()


def standardise(x: np.ndarray) -> np.ndarray:
    return (x - x.mean(axis=0)) / x.std(axis=0).sum()


def tree_of_raw(centres: np.ndarray) -> np.ndarray:
    from scipy.cluster.hierarchy import linkage

    return linkage(centres, method="ward") if len(centres) > 1 else np.zeros((0, 4))


# ---- Issue 26, round 2: the pipeline's seed sets (s, s+1, ..., s+n-1) -------------------


def aligned_vote(runs: list[np.ndarray], need: int, rounds: int = 3) -> np.ndarray:
    """Each throw's topics renamed to the reference topic holding most of their papers, then
    each paper's majority (at least `need` throws, else -1). The reference is the first
    throw, then the vote itself (`rounds` times)."""
    import scipy.sparse as sp

    n = len(runs[0])
    ref = np.asarray(runs[0])
    for _ in range(rounds):
        aligned = []
        for labels in runs:
            both = (labels >= 0) & (ref >= 0)
            m = sp.csr_matrix(
                (np.ones(both.sum()), (labels[both], ref[both])),
                shape=(labels.max() + 1, ref.max() + 1),
            )
            best = np.asarray(m.argmax(axis=1)).ravel()
            hasany = np.asarray(m.sum(axis=1)).ravel() > 0
            out = np.where(
                labels >= 0,
                np.where(hasany[np.maximum(labels, 0)], best[np.maximum(labels, 0)], -1),
                -1,
            )
            aligned.append(out)
        stack = np.stack(aligned)
        rows = np.repeat(np.arange(n)[None, :], len(runs), axis=0)
        ok = stack >= 0
        counts = sp.csr_matrix((np.ones(ok.sum()), (rows[ok], stack[ok])), shape=(n, ref.max() + 1))
        top = np.asarray(counts.argmax(axis=1)).ravel()
        votes = np.asarray(counts.max(axis=1).todense()).ravel()
        ref = np.where(votes >= need, top, -1)
    return ref


def need_of(param: str, n: int) -> int:
    """`need` from a method's parameter: a count, or +k / -k from a majority of n."""
    majority = n // 2 + 1
    if not param:
        return majority
    if param[0] in "+-":
        return max(1, min(n, majority + int(param)))
    return int(param)


def throw_sets(args, unit, truth, known, knn, inter, coherence_proxy=None) -> None:
    """Consensus variants on the seed sets the pipeline will throw (s..s+n-1), compared
    between the issue's pairs of runs."""

    def layout(seed):
        if seed == 42:
            return np.load(inter / "umap_cluster.npy")
        if seed in (43, 44):
            return np.load(inter / f"stability/seed{seed}/umap_cluster.npy")
        return np.load(args.extra / f"seed{seed}.npy")

    layouts, cores = {}, {}

    def core(seed):
        if seed not in cores:
            layouts[seed] = layout(seed)
            cached = args.cache / f"labels{seed}.npy"
            if not cached.exists():
                np.save(cached, hdbscan_cluster(layouts[seed], **HDBSCAN).labels)
            cores[seed] = np.load(cached)
        return cores[seed]

    starts = [int(s) for s in args.throw_sets.split(",")]
    sizes = [int(s) for s in args.throws.split(",")]
    methods = [m for m in args.methods.split(",")]
    field = truth[known].astype(str)

    def themes_a(ids, s, throws):
        real = np.array(sorted(set(ids.tolist()) - {-1}))
        index = np.where(ids >= 0, np.searchsorted(real, ids), -1)
        tree = tree_of_raw(topic_centres(layouts[s], ids, real))
        return themes_of(tree, layouts[s], index, len(real), s)

    def themes_f(ids, s, throws):
        real = np.array(sorted(set(ids.tolist()) - {-1}))
        index = np.where(ids >= 0, np.searchsorted(real, ids), -1)
        centres = np.hstack([standardise(topic_centres(layouts[t], ids, real)) for t in throws])
        return themes_of(tree_of_raw(centres), layouts[s], index, len(real), s)

    def themes_g(ids, s, throws):
        real = np.array(sorted(set(ids.tolist()) - {-1}))
        index = np.where(ids >= 0, np.searchsorted(real, ids), -1)
        space = stacked_layouts([layouts[t] for t in throws])
        return themes_of(tree_of_raw(topic_centres(space, ids, real)), space, index, len(real), s)

    rows = []
    for n in sizes:
        for method in methods:
            kind, _, param = method.partition(":")
            if kind == "single" and n != 1:
                continue
            if kind != "single" and n == 1:
                continue
            found = {}
            for s in starts:
                throws = list(range(s, s + n))
                runs = [core(t) for t in throws]
                started = time.process_time()
                if kind == "single":
                    labels = runs[0]
                elif kind == "vote":
                    need = need_of(param, n)
                    labels = consensus_topics(
                        runs, knn, need=need, min_size=HDBSCAN["min_cluster_size"]
                    )
                elif kind == "align":
                    need = need_of(param, n)
                    labels = aligned_vote(runs, need)
                elif kind == "concat":
                    labels = hdbscan_cluster(
                        stacked_layouts([layouts[t] for t in throws]), **HDBSCAN
                    ).labels
                else:
                    raise SystemExit(f"unknown method {method}")
                cpu = time.process_time() - started
                final_ids = reassign(labels, unit)
                th_a, k_a = themes_a(final_ids, s, throws)
                entry = dict(
                    labels=labels,
                    ids=final_ids,
                    th_a=th_a,
                    k_a=k_a,
                    cpu=cpu,
                    share=agreement_share(labels, runs),
                )
                if args.theme_f and n > 1:
                    entry["th_f"], entry["k_f"] = themes_f(final_ids, s, throws)
                if args.theme_g and n > 1:
                    entry["th_g"], entry["k_g"] = themes_g(final_ids, s, throws)
                found[s] = entry
            row = dict(method=method, n=n)
            pairs = list(itertools.combinations(starts, 2))
            for kind_, key in (
                ("topic", "ids"),
                ("theme", "th_a"),
                ("theme(g)", "th_g"),
                ("theme(f)", "th_f"),
            ):
                if key not in found[starts[0]]:
                    continue
                found_ari = {(a, b): ari(found[a][key], found[b][key]) for a, b in pairs}
                for a, b in pairs:
                    if a == starts[0]:
                        row[f"{kind_} {a}-{b}"] = round(found_ari[(a, b)], 3)
                values = list(found_ari.values())
                row[f"{kind_} all {len(pairs)} pairs"] = (
                    f"{np.mean(values):.3f} ({min(values):.3f})"
                )
            row["topics"] = "/".join(str(int(f["labels"].max()) + 1) for f in found.values())
            row["outliers before"] = "/".join(
                f"{np.mean(f['labels'] < 0):.3f}" for f in found.values()
            )
            row["themes"] = "/".join(str(f["k_a"]) for f in found.values())
            row["NMI field themes"] = round(
                float(np.mean([nmi(field, f["th_a"][known]) for f in found.values()])), 3
            )
            if "th_f" in found[starts[0]]:
                row["themes (f)"] = "/".join(str(f["k_f"]) for f in found.values())
                row["NMI field themes (f)"] = round(
                    float(np.mean([nmi(field, f["th_f"][known]) for f in found.values()])), 3
                )
            if "th_g" in found[starts[0]]:
                row["themes (g)"] = "/".join(str(f["k_g"]) for f in found.values())
                row["NMI field themes (g)"] = round(
                    float(np.mean([nmi(field, f["th_g"][known]) for f in found.values()])), 3
                )
            row["share mean"] = round(
                float(np.mean([np.nanmean(f["share"]) for f in found.values()])), 3
            )
            row["share < 1/2"] = round(
                float(np.mean([np.mean(f["share"] < 0.5) for f in found.values()])), 3
            )
            row["consensus cpu s"] = round(float(np.mean([f["cpu"] for f in found.values()])), 1)
            if args.coherence:
                # The first set's only: gensim's c_npmi takes a while on 17k papers.
                row["coherence"] = round(float(coherence_proxy(found[starts[0]]["ids"])), 4)
            rows.append(row)
            print(row, flush=True)
    print("\n" + pd.DataFrame(rows).to_markdown(index=False))


def make_coherence_proxy(inter: Path):
    """c_npmi of each topic's top 10 c-TF-IDF words (single words), averaged: a proxy for
    the pipeline's coherence, which scores BERTopic's keywords."""
    from topics.metrics import coherence, tokenize

    texts = paper_texts(pd.read_parquet(inter / "papers.parquet"))
    words_vec = count_vectorizer({"stop_words": "english"}, binary=True, min_df=5)
    word_terms = words_vec.fit_transform(texts).tocsr()
    vocabulary = words_vec.get_feature_names_out()
    tokens = tokenize(texts)

    def proxy(ids):
        real = np.array(sorted(set(ids.tolist()) - {-1}))
        index = np.where(ids >= 0, np.searchsorted(real, ids), -1)
        m = ctfidf(word_terms, index, len(real))
        return coherence([list(vocabulary[np.argsort(-row)[:10]]) for row in m], tokens)

    return proxy


if __name__ == "__main__":
    main()
