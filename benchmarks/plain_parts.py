"""The plain BERTopic script's cold time on a corpus too large to run it whole beside the
pipeline in one session, from two parts measured right after cold.py's pipeline run:

    PYTHONPATH=src python benchmarks/plain_parts.py CORPUS PIPELINE_RESULTS --name NAME
        [--sample 20000]

1. its embedding, on SAMPLE papers drawn (seeded) from CORPUS: sentence-transformers in
   float32 pays per paper whatever the corpus's size, so the sample's rate times the
   corpus is the embedding's time;
2. everything else (imports, BERTopic's fit, the map) on the whole corpus, given the
   vectors the pipeline embedded (PIPELINE_RESULTS/intermediate/embeddings.npy, one row per
   paper in the parser's order).

Adds both, the estimate and the ratio to benchmarks/out/cold-NAME.json, written by
`cold.py --pipeline-first --keep` (PIPELINE_RESULTS is that run's results/).
"""

import argparse
import json
import re
import shutil
import tempfile
from pathlib import Path

from cold import OUT, with_corpus
from common import load_average, now

from topics.parse import list_seed_files, parse_seeds


def phases(line: str) -> dict[str, float]:
    """The plain script's last line ("... | import 9.1 s, embed 974.2 s, ...") as numbers."""
    return {name: float(value) for name, value in re.findall(r"(\w+) ([\d.]+) s", line)}


def write_sample(corpus: Path, size: int, path: Path) -> int:
    """`size` papers of `corpus` drawn with seed 0, titles and abstracts, as Parquet."""
    files = [corpus] if corpus.is_file() else list_seed_files(corpus)
    papers, _ = parse_seeds([(f.name, f.read_bytes()) for f in files])
    sample = papers.sample(n=min(size, len(papers)), random_state=0)
    path.parent.mkdir(parents=True, exist_ok=True)
    sample[["title", "abstract"]].to_parquet(path, index=False)
    return len(papers)


def main() -> None:
    from run import plain_script

    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("corpus", type=Path)
    parser.add_argument("pipeline_results", type=Path)
    parser.add_argument("--name", required=True, help="cold.py's result file: cold-NAME.json")
    parser.add_argument("--sample", type=int, default=20_000)
    args = parser.parse_args()
    result_path = OUT / f"cold-{args.name}.json"
    result = json.loads(result_path.read_text(encoding="utf-8"))
    root = Path(tempfile.mkdtemp(prefix="topics-plain-parts-"))
    try:
        sample_file = root / "sample" / "sample.parquet"
        n_papers = write_sample(args.corpus, args.sample, sample_file)
        parts: dict = {"date": now(), "papers": n_papers, "sample": args.sample}
        parts["load_before"] = load_average()
        parts["embedding_sample"] = plain_script(with_corpus(root, "embed", sample_file))
        parts["load_between"] = load_average()
        embeddings = args.pipeline_results / "intermediate" / "embeddings.npy"
        parts["rest"] = plain_script(
            with_corpus(root, "rest", args.corpus), extra=["--embeddings", str(embeddings)]
        )
        parts["load_after"] = load_average()
        sample_embed = phases(parts["embedding_sample"]["phases"])["embed"]
        rest = phases(parts["rest"]["phases"])
        embedding = sample_embed * n_papers / args.sample
        # The rest's wall time, less the moment it took to load the given vectors.
        estimate = parts["rest"]["seconds"] - rest["embed"] + embedding
        parts |= {"embedding_estimate": embedding, "estimate": estimate}
        result["plain_parts"] = parts
        result["ratio_from_parts"] = result["pipeline"]["seconds"] / estimate
        result["ratio_to_embedding"] = result["pipeline"]["seconds"] / embedding
        result_path.write_text(json.dumps(result, indent=1), encoding="utf-8")
        print(
            f"{args.name}: plain script about {estimate:.0f} s (embedding {embedding:.0f} s at"
            f" the sample's {args.sample / sample_embed:.1f} papers/s); snakemake"
            f" {result['pipeline']['seconds']:.1f} s: ratio {result['ratio_from_parts']:.2f},"
            f" {result['ratio_to_embedding']:.2f} against the embedding alone",
            flush=True,
        )
    finally:
        shutil.rmtree(root, ignore_errors=True)


if __name__ == "__main__":
    main()
