"""Rule compute_topic_centroids: embeddings + assignments -> one mean embedding per topic."""
from topics.centroids import run_centroids
from topics.logs import rule_log

with rule_log(snakemake.log[0]):
    run_centroids(snakemake.input.embeddings, snakemake.input.assignments,
                  snakemake.input.topics, snakemake.output.centroids)
