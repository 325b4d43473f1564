"""Rules label_topics(_sweep): papers, embeddings and clusters -> labelled topics (BERTopic)."""

from topics.label import run_label
from topics.logs import rule_log

with rule_log(snakemake.log[0]):
    run_label(
        snakemake.input.papers,
        snakemake.input.embeddings,
        snakemake.input.clusters,
        snakemake.output.topics,
        snakemake.output.assignments,
        vectorizer=snakemake.params.vectorizer,
        bertopic=snakemake.params.bertopic,
        keywords=snakemake.params.keywords,
        outliers=snakemake.params.outliers,
        # label_topics only: a sweep compares clusterings, by their keyword names.
        llm=getattr(snakemake.params, "llm", None),
        threads=snakemake.threads,
    )
