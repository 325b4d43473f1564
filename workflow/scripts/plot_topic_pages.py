"""Rule plot_topic_pages: tables, topics and embeddings -> every interactive page + plotly.js."""
from topics.logs import rule_log
from topics.pages import run_topic_pages

with rule_log(snakemake.log[0]):
    out = snakemake.output
    run_topic_pages(snakemake.input.papers_csv, snakemake.input.topics_csv,
                    snakemake.input.topics, snakemake.input.embeddings,
                    topic_map=out.topic_map, intertopic_map=out.intertopic_map,
                    topic_hierarchy=out.topic_hierarchy, topic_similarity=out.topic_similarity,
                    top_terms=out.top_terms, topic_sources=out.topic_sources,
                    plotly_js=out.plotly_js)
