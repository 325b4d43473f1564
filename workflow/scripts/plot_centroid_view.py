"""Rules plot_intertopic_map, plot_topic_hierarchy, plot_topic_similarity: centroids -> page."""
from topics.logs import rule_log
from topics.pages import run_centroid_view

with rule_log(snakemake.log[0]):
    run_centroid_view(snakemake.params.kind, snakemake.input.centroids,
                      snakemake.input.topics_csv, snakemake.output.html)
