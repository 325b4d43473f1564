"""Embedding backends on real abstracts: speed, closeness to float32, and whether topics move.

For torch float32/bfloat16 (the pipeline's path), ONNX Runtime float32/int8 and OpenVINO
float32/bfloat16/int8: texts/s on a sample of the 17k corpus ("title. abstract", as the
pipeline embeds it; rounds interleaved so the machine's load hits every variant alike), mean
and lowest cosine to torch float32; then, for each variant faster than torch bfloat16 with
mean cosine >= 0.995 (and torch bfloat16 itself, the reference), the whole corpus embedded
and clustered as the pipeline does (UMAP and HDBSCAN with config.yaml's parameters), and the
adjusted Rand index of its topics against float32's. Prints Markdown for RESULTS.md.

    PYTHONPATH=src python benchmarks/backends.py --sample 1000 --rounds 3 --work DIR

Full-corpus embeddings and exports are cached in --work, so a rerun redoes only the timing.
"""

from __future__ import annotations

import argparse
import gzip
import json
import logging
import os
import time
from pathlib import Path

os.environ.setdefault("HF_HUB_OFFLINE", "1")

import numpy as np
from common import REPO, load_average, machine, now, pipeline_config

from topics.backends import RuntimeEncoder, export_folder, export_onnx
from topics.embed import encode, load_model, paper_texts, resolve_model

CORPUS = REPO.parent / "shared" / "corpora" / "conferences-17k.jsonl.gz"
VARIANTS = [
    ("torch", "float32"),
    ("torch", "bfloat16"),
    ("onnx", "float32"),
    ("onnx", "int8"),
    ("openvino", "float32"),
    ("openvino", "bfloat16"),
    ("openvino", "int8"),
]
log = logging.getLogger("topics")


def corpus_texts(path: Path) -> list[str]:
    import pandas as pd

    with gzip.open(path, "rt", encoding="utf-8") as lines:
        return paper_texts(pd.DataFrame([json.loads(line) for line in lines]))


def openvino_int8(model, folder: Path, calibration: list[str]) -> Path:
    """Static int8 (weights and activations) with NNCF, as sentence-transformers'
    export_static_quantized_openvino_model does, calibrated on local abstracts instead of
    the dataset it would download."""
    path = folder / "openvino-int8.xml"
    if path.exists():
        return path
    import nncf
    import openvino as ov

    core = ov.Core()
    float_model = core.read_model(str(export_onnx(model, folder)))
    items = []
    for text in calibration:
        features = model.tokenizer(
            [text], truncation=True, max_length=model.max_seq_length, return_tensors="np"
        )
        items.append({name: array.astype(np.int64) for name, array in features.items()})
    quantized = nncf.quantize(
        float_model,
        nncf.Dataset(items),
        model_type=nncf.ModelType.TRANSFORMER,
        subset_size=len(items),
    )
    ov.save_model(quantized, str(path))
    return path


def encoder_for(model, backend: str, precision: str, folder: Path, calibration: list[str]):
    if backend == "torch":
        return model
    if backend == "openvino" and precision == "int8":
        encoder = RuntimeEncoder(model, "openvino", "float32", folder)
        encoder.path = openvino_int8(model, folder, calibration)
        return encoder
    return RuntimeEncoder(model, backend, precision, folder)


def cosines(vectors: np.ndarray, reference: np.ndarray) -> np.ndarray:
    return (vectors * reference).sum(axis=1)  # rows are L2-normalised


def topics_of(vectors: np.ndarray, config: dict) -> np.ndarray:
    from topics.cluster import hdbscan_cluster
    from topics.reduce import umap_reduce

    reduced = umap_reduce(vectors, **config["umap"])
    return hdbscan_cluster(reduced, **config["hdbscan"]).labels


def labels_for(work: Path, variant: tuple[str, str], config: dict) -> np.ndarray:
    """The topics of a variant's full-corpus embedding, computed once and kept in work."""
    path = work / f"{variant[0]}-{variant[1]}-17k-topics.npy"
    if not path.exists():
        load = load_average()
        started = time.perf_counter()
        np.save(path, topics_of(np.load(work / f"{variant[0]}-{variant[1]}-17k.npy"), config))
        print(f"topics of {variant}: {time.perf_counter() - started:.0f} s, load {load}")
    return np.load(path)


def topic_agreement(work: Path, config: dict) -> dict[tuple[str, str], dict]:
    """For every full-corpus embedding in work: the adjusted Rand index of its topics
    (UMAP + HDBSCAN with config.yaml's parameters, as the pipeline) against float32's."""
    from sklearn.metrics import adjusted_rand_score

    found = {
        variant: work / f"{variant[0]}-{variant[1]}-17k.npy"
        for variant in VARIANTS
        if (work / f"{variant[0]}-{variant[1]}-17k.npy").exists()
    }
    reference = np.load(found["torch", "float32"])
    base = labels_for(work, ("torch", "float32"), config)
    result = {}
    for variant, path in found.items():
        vectors = np.load(path)
        labels = labels_for(work, variant, config)
        cos = cosines(vectors, reference)
        result[variant] = {
            "ari": adjusted_rand_score(base, labels),
            "clusters": int(labels.max() + 1),
            "outliers": float((labels < 0).mean()),
            "mean17k": float(cos.mean()),
            "min17k": float(cos.min()),
        }
        print(f"topics {variant}: {result[variant]}, load {load_average()}", flush=True)
    return result


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--sample", type=int, default=1000, help="texts timed per round")
    parser.add_argument("--rounds", type=int, default=3)
    parser.add_argument("--threads", type=int, default=2, help="as the pipeline's encode")
    parser.add_argument("--batch-size", type=int, default=16)
    parser.add_argument("--work", type=Path, default=Path(".cache/benchmarks/backends"))
    parser.add_argument("--skip-topics", action="store_true")
    parser.add_argument(
        "--topics-only", action="store_true", help="only the topics of the 17k files in --work"
    )
    args = parser.parse_args()
    logging.basicConfig(level=logging.WARNING, format="%(asctime)s %(message)s")
    args.work.mkdir(parents=True, exist_ok=True)
    config = pipeline_config()
    if args.topics_only:
        topic_agreement(args.work, config)
        return

    texts = corpus_texts(CORPUS)
    rng = np.random.default_rng(0)
    order = rng.permutation(len(texts))
    sample = [texts[i] for i in order[: args.sample]]
    calibration = [texts[i] for i in order[-300:]]  # never timed nor compared
    print(f"{now()}; {machine()}; {len(texts)} texts, sample {len(sample)}", flush=True)

    model = load_model("all-MiniLM-L6-v2", "cpu")
    folder = export_folder(args.work / "models", resolve_model("all-MiniLM-L6-v2"))
    encoders = {}
    for backend, precision in VARIANTS:
        started = time.perf_counter()
        encoders[backend, precision] = encoder_for(model, backend, precision, folder, calibration)
        encode(encoders[backend, precision], sample[:32], args.batch_size, precision, 2)  # warm
        print(f"ready {backend} {precision} in {time.perf_counter() - started:.1f} s", flush=True)

    seconds: dict[tuple[str, str], list[float]] = {variant: [] for variant in VARIANTS}
    vectors: dict[tuple[str, str], np.ndarray] = {}
    for round_ in range(args.rounds):
        # Each round starts at a different variant, so no one always runs first or last.
        shift = round_ % len(VARIANTS)
        for variant in VARIANTS[shift:] + VARIANTS[:shift]:
            load = load_average()
            started = time.perf_counter()
            vectors[variant] = encode(
                encoders[variant], sample, args.batch_size, variant[1], args.threads
            )
            seconds[variant].append(time.perf_counter() - started)
            print(
                f"round {round_} {variant[0]} {variant[1]}: {seconds[variant][-1]:.1f} s, "
                f"load {load}",
                flush=True,
            )

    reference = vectors["torch", "float32"]
    rate = {variant: len(sample) / float(np.median(seconds[variant])) for variant in VARIANTS}
    bf16 = rate["torch", "bfloat16"]
    rows = {}
    for variant in VARIANTS:
        cos = cosines(vectors[variant], reference)
        rows[variant] = {
            "rate": rate[variant],
            "speed": rate[variant] / bf16,
            "mean": float(cos.mean()),
            "min": float(cos.min()),
        }

    if not args.skip_topics:
        for variant in VARIANTS:
            row = rows[variant]
            wanted = variant[0] == "torch" or (row["speed"] > 1 and row["mean"] >= 0.995)
            path = args.work / f"{variant[0]}-{variant[1]}-17k.npy"
            if wanted and not path.exists():
                load = load_average()
                started = time.perf_counter()
                np.save(path, encode(encoders[variant], texts, args.batch_size, variant[1], 2))
                print(f"17k {variant}: {time.perf_counter() - started:.0f} s, load {load}")
        for variant, result in topic_agreement(args.work, config).items():
            rows.setdefault(variant, {}).update(result)
    print(f"\nload at the end {load_average()}\n")
    print(
        "| backend | precision | texts/s | vs torch bf16 | mean cos | min cos | "
        "17k ARI vs float32 | topics |"
    )
    print("| --- | --- | --- | --- | --- | --- | --- | --- |")
    for (backend, precision), row in rows.items():
        ari = f"{row['ari']:.3f}" if "ari" in row else "not run"
        clusters = row.get("clusters", "")
        print(
            f"| {backend} | {precision} | {row['rate']:.1f} | {row['speed']:.2f}x | "
            f"{row['mean']:.5f} | {row['min']:.5f} | {ari} | {clusters} |"
        )
    print("\nseconds per round:", {f"{b} {p}": s for (b, p), s in seconds.items()})


if __name__ == "__main__":
    main()
