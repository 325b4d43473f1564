"""Optional names from a language model (config.yaml labels.llm), beside the phrase names.

A local model (a GGUF file or a transformers model folder, run by transformers) or an
OpenAI-compatible endpoint (Ollama, llama.cpp's server, vLLM, LM Studio) names each topic
from its phrase name, keywords and most central titles, and each theme from its keyword
name, keywords and its topics' phrase names (not the model's own topic names, so that a
theme's question does not change with every answer the model gave below it).

Deterministic: greedy decoding (temperature 0) with a fixed seed. Cached: every answer is
kept on disk, keyed by the model, the prompt and the generation settings, so a rerun asks
only what it never asked, and loads no model when it has every answer. Bounded: each
request has a timeout and a job's requests together a budget. Any failure, or an answer
that is no name (clean_name), leaves that topic its phrase name, with a log line.
"""

import contextlib
import hashlib
import io
import json
import logging
import os
import re
import time
import urllib.error
import urllib.request
from collections.abc import Mapping, Sequence
from pathlib import Path
from typing import Any, NamedTuple, Protocol

import numpy as np
import pandas as pd

from topics.errors import UserError

log = logging.getLogger("topics")

Messages = list[dict[str, str]]

# Words a name may have: a topic name is a phrase, not a sentence.
MAX_WORDS = 8
# Keywords and topic names a prompt lists at most.
PROMPT_KEYWORDS = 10
PROMPT_TOPICS = 12
# Requests that fail one after another before the job stops asking (an endpoint that is
# down, a model that does not load): each would only cost its timeout again.
MAX_FAILURES = 3
# Bytes of a GGUF file hashed into the model's identity: its header (architecture,
# tokenizer, tensor names, shapes and types) and the first tensors.
IDENTITY_BYTES = 1 << 20

SYSTEM = (
    "You name groups of research papers on a map of a research field. Reply with the "
    "name alone, 1 to 6 words, as a researcher in the field would write it: no quotes, "
    "no explanation."
)
# Worked examples before the real question: small models copy their form (with one, a
# 135M model copied its answer word for word for half the topics; two from different
# fields led it to name the topic more often).
EXAMPLE_TOPICS = [
    (
        {
            "name": "policy, reward, agent",
            "keywords": ["policy", "reward", "agent", "reinforcement learning", "q learning"],
            "titles": [
                "Proximal policy optimization algorithms",
                "Deep reinforcement learning with double Q-learning",
                "Soft actor-critic: off-policy maximum entropy deep reinforcement learning",
            ],
        },
        "Deep reinforcement learning",
    ),
    (
        {
            "name": "protein, folding, structure",
            "keywords": ["protein", "folding", "structure prediction", "alphafold"],
            "titles": [
                "Highly accurate protein structure prediction with AlphaFold",
                "Improved protein structure prediction using predicted interresidue orientations",
            ],
        },
        "Protein structure prediction",
    ),
]
EXAMPLE_THEMES = [
    (
        {
            "name": "robot, control, grasping",
            "keywords": ["robot", "control", "grasping", "locomotion"],
            "topics": ["legged locomotion, quadruped", "grasping, grasp", "motion planning"],
        },
        "Robot learning and control",
    ),
    (
        {
            "name": "protein, molecules, drug",
            "keywords": ["protein", "molecule", "drug discovery", "binding"],
            "topics": ["protein, folding, structure", "molecular generation, graph", "docking"],
        },
        "Molecules and proteins",
    ),
]
PREFIX = re.compile(
    r"^(?:the\s+)?(?:(?:research\s+)?(?:topic|theme|cluster|group|field)\s*(?:name|title|label)?"
    r"|name|title|label|answer|name of (?:the|this) (?:topic|theme))\s*(?:is\s*)?:\s*",
    re.IGNORECASE,
)
# Sentences about the topic, and refusals, rather than a name.
REFUSAL = re.compile(
    r"^(?:i\s|i'm\b|sorry\b|as an\b|this\b|these\b|the (?:papers|topic|theme|research)\b)",
    re.IGNORECASE,
)
# Quotes (typographic ones as escapes) and markdown around a name.
QUOTES = "\"'`\u201c\u201d\u2018\u2019\u00ab\u00bb*_# "


def topic_prompt(name: str, keywords: Sequence[str], titles: Sequence[str]) -> Messages:
    """The chat that asks for a topic's name: phrase name, keywords, most central titles."""

    def question(name: str, keywords: Sequence[str], titles: Sequence[str]) -> str:
        return "\n".join(
            [
                "Papers of one topic.",
                f"Keyword name: {name}",
                f"Keywords: {', '.join(keywords[:PROMPT_KEYWORDS])}",
                "Most central titles:",
                *[f"- {one_line(title)}" for title in titles],
                "Name of the topic:",
            ]
        )

    return chat(question, EXAMPLE_TOPICS, (name, keywords, titles))


def theme_prompt(name: str, keywords: Sequence[str], topics: Sequence[str]) -> Messages:
    """The chat that asks for a theme's name: phrase name, keywords, its topics' names."""

    def question(name: str, keywords: Sequence[str], topics: Sequence[str]) -> str:
        return "\n".join(
            [
                "Topics of one theme.",
                f"Keyword name: {name}",
                f"Keywords: {', '.join(keywords[:PROMPT_KEYWORDS])}",
                "Its topics:",
                *[f"- {one_line(topic)}" for topic in topics[:PROMPT_TOPICS]],
                "Name of the theme:",
            ]
        )

    return chat(question, EXAMPLE_THEMES, (name, keywords, topics))


def chat(question: Any, examples: Sequence[tuple[dict, str]], asked: tuple) -> Messages:
    """System message, each worked example's question and answer, then the question."""
    messages = [{"role": "system", "content": SYSTEM}]
    for example, answer in examples:
        messages += [
            {"role": "user", "content": question(**example)},
            {"role": "assistant", "content": answer},
        ]
    return [*messages, {"role": "user", "content": question(*asked)}]


def one_line(text: str) -> str:
    return " ".join(str(text).split())


def _folded(text: str) -> str:
    """Lower case, punctuation as spaces: how two strings are compared for an echo."""
    return " ".join(re.sub(r"[^\w]+", " ", text.casefold()).split())


def clean_name(answer: str, prompt: Messages) -> tuple[str, str]:
    """(name, "") from a model's answer, or ("", why it is no name).

    The first line with words after its lead-in ("Topic name:"), without quotes, markdown
    and a closing full stop; a reasoning model's <think> block is dropped. No name: empty,
    over MAX_WORDS words, no letter, a list (three commas), a sentence or a refusal, the worked
    example's answer copied, or a line of the question echoed (its keyword list, one of
    its titles or topics, one of its own lines).
    """
    text = re.sub(r"<think>.*?(</think>|$)", "", answer, flags=re.DOTALL | re.IGNORECASE)
    line = ""
    for raw in text.splitlines():
        line = raw.strip()
        for _ in range(3):  # "**Topic name:** "x"" takes a few rounds
            line = PREFIX.sub("", line.strip(QUOTES + "-")).strip()
        line = re.sub(r"^\d+[.)]\s+", "", line).strip(QUOTES).rstrip(".;:,!").strip(QUOTES)
        if line.startswith("[") and line.endswith("]"):
            line = line[1:-1]
        line = one_line(line)
        if line:
            break
    if not line:
        return "", "empty answer"
    if not re.search(r"[^\W\d_]", line):
        return "", f"no name in {answer!r}"
    if len(line.split()) > MAX_WORDS:
        return "", f"over {MAX_WORDS} words: {line!r}"
    if len(re.findall(r"[,;]", line)) >= 3:
        return "", f"a list, not a name: {line!r}"
    if REFUSAL.match(line):
        return "", f"a sentence, not a name: {line!r}"
    # The worked example's answer, unless the question itself uses its words.
    question = prompt[-1]["content"].splitlines()
    words = set(_folded(prompt[-1]["content"]).split())
    examples = {_folded(m["content"]) for m in prompt[:-1] if m["role"] == "assistant"}
    if _folded(line) in examples and not set(_folded(line).split()) <= words:
        return "", f"copies the worked example: {line!r}"
    echoed = {_folded(row) for row in question} | {
        _folded(re.sub(r"^(?:- |Keywords: )", "", row))
        for row in question
        if row.startswith(("- ", "Keywords: "))
    }
    if _folded(line) in echoed:
        return "", f"echoes the question: {line!r}"
    return line, ""


class Answer(NamedTuple):
    """What a model said, and whether it stopped by itself (not cut at max_new_tokens)."""

    text: str
    complete: bool


class Backend(Protocol):
    identity: str
    settings: dict[str, Any]

    def ask(self, messages: Messages, timeout: float) -> Answer: ...


class AnswerCache:
    """Answers on disk, one JSON file per question, or nowhere when `folder` is None."""

    def __init__(self, folder: str | Path | None):
        self.folder = Path(folder) if folder else None

    @staticmethod
    def key(identity: str, messages: Messages, settings: Mapping[str, Any]) -> str:
        blob = json.dumps([identity, messages, dict(settings)], sort_keys=True, ensure_ascii=False)
        return hashlib.sha256(blob.encode("utf-8")).hexdigest()

    def get(self, key: str) -> dict[str, Any] | None:
        if self.folder is None:
            return None
        try:
            return json.loads((self.folder / f"{key}.json").read_text(encoding="utf-8"))
        except (OSError, ValueError):
            return None

    def put(self, key: str, record: dict[str, Any]) -> None:
        if self.folder is None:
            return
        self.folder.mkdir(parents=True, exist_ok=True)
        path = self.folder / f"{key}.json"
        partial = path.with_suffix(f".{os.getpid()}.tmp")
        partial.write_text(json.dumps(record, ensure_ascii=False, indent=1), encoding="utf-8")
        partial.replace(path)  # a reader never sees half a file


def model_identity(path: Path) -> str:
    """What a local model's answers are cached under: its file name, size and first MiB
    (GGUF), or its folder's name, config and weight files' sizes. Not its path, so a copy
    elsewhere keeps the cache; not a hash of gigabytes, so a job starts at once."""
    digest = hashlib.sha256()
    if path.is_file():
        with open(path, "rb") as handle:
            digest.update(handle.read(IDENTITY_BYTES))
        return f"{path.name}:{path.stat().st_size}:{digest.hexdigest()[:16]}"
    for name in ["config.json", "generation_config.json", "tokenizer_config.json"]:
        if (path / name).exists():
            digest.update((path / name).read_bytes())
    for weights in sorted(path.glob("*.safetensors")) + sorted(path.glob("*.bin")):
        digest.update(f"{weights.name}:{weights.stat().st_size}".encode())
    return f"{path.name}:{digest.hexdigest()[:16]}"


class LocalModel:
    """A GGUF file or a transformers model folder, run by transformers; loaded on the first
    question, so a job whose answers are all cached never loads it."""

    def __init__(self, path: str | Path, *, max_new_tokens: int, seed: int, threads: int = 1):
        self.path = Path(path)
        if not self.path.exists():
            raise UserError(
                f"config.yaml: labels.llm.model is {str(path)!r}, which does not exist; give "
                "the path of a GGUF file or of a transformers model folder."
            )
        self.identity = model_identity(self.path)
        self.settings = {"max_new_tokens": max_new_tokens, "seed": seed, "temperature": 0}
        self.threads = threads
        self._loaded: tuple[Any, Any] | None = None

    def load(self) -> tuple[Any, Any]:
        if self._loaded is None:
            os.environ.setdefault("HF_HUB_OFFLINE", "1")  # never download
            import torch
            from transformers import AutoModelForCausalLM, AutoTokenizer
            from transformers.utils import logging as transformers_logging

            transformers_logging.disable_progress_bar()  # no bars in the job's log
            torch.set_num_threads(max(1, self.threads))
            folder, where = self.path, {}
            if self.path.is_file():
                folder, where = self.path.parent, {"gguf_file": self.path.name}
            started = time.monotonic()
            # De-quantizing a GGUF file draws a progress bar of its own: not for the log.
            with contextlib.redirect_stderr(io.StringIO()):
                tokenizer = AutoTokenizer.from_pretrained(folder, local_files_only=True, **where)
                model = AutoModelForCausalLM.from_pretrained(folder, local_files_only=True, **where)
            model.eval()
            log.info("loaded %s in %.1f s", self.path, time.monotonic() - started)
            self._loaded = (tokenizer, model)
        return self._loaded

    def ask(self, messages: Messages, timeout: float) -> Answer:
        import torch
        from transformers import GenerationConfig

        tokenizer, model = self.load()
        if tokenizer.chat_template:
            inputs = tokenizer.apply_chat_template(
                messages, add_generation_prompt=True, return_tensors="pt", return_dict=True
            )
        else:  # a base model: the conversation as text, the answer to follow
            text = "\n\n".join(message["content"] for message in messages) + "\n"
            inputs = tokenizer(text, return_tensors="pt")
        eos = model.generation_config.eos_token_id
        settings = GenerationConfig(
            max_new_tokens=self.settings["max_new_tokens"],
            do_sample=False,  # greedy: temperature 0
            max_time=timeout,
            eos_token_id=eos,
            pad_token_id=tokenizer.pad_token_id
            if tokenizer.pad_token_id is not None
            else (eos[0] if isinstance(eos, list) else eos),
        )
        torch.manual_seed(self.settings["seed"])
        with torch.inference_mode():
            output = model.generate(**inputs, generation_config=settings)
        new = output[0][inputs["input_ids"].shape[1] :].tolist()
        text = tokenizer.decode(new, skip_special_tokens=True)
        stops = set(eos if isinstance(eos, list) else [eos])
        complete = (bool(new) and new[-1] in stops) or "\n" in text.strip()
        if not complete and len(new) < self.settings["max_new_tokens"]:
            # Stopped by max_time: a busy machine's failure, asked again by the next run.
            raise TimeoutError(f"no answer within {timeout:g} s")
        return Answer(text, complete)


class Endpoint:
    """An OpenAI-compatible chat endpoint (`url` ends in /v1), asked with urllib."""

    def __init__(self, url: str, api_model: str, *, max_new_tokens: int, seed: int):
        base = url.rstrip("/")
        self.url = base if base.endswith("/chat/completions") else base + "/chat/completions"
        self.api_model = api_model
        # Known by its name, not its address: the same model served elsewhere (another port,
        # another machine) answers the same.
        self.identity = f"endpoint:{api_model}"
        self.settings = {"max_new_tokens": max_new_tokens, "seed": seed, "temperature": 0}

    def ask(self, messages: Messages, timeout: float) -> Answer:
        body = {
            "model": self.api_model,
            "messages": messages,
            "temperature": 0,
            "seed": self.settings["seed"],
            "max_tokens": self.settings["max_new_tokens"],
            "stream": False,
        }
        request = urllib.request.Request(
            self.url,
            data=json.dumps(body).encode("utf-8"),
            headers={"Content-Type": "application/json"},
        )
        with urllib.request.urlopen(request, timeout=timeout) as response:
            reply = json.load(response)
        choice = reply["choices"][0]
        return Answer(choice["message"]["content"] or "", choice.get("finish_reason") != "length")


def open_backend(llm: Mapping[str, Any], threads: int = 1) -> Backend:
    """The backend config's labels.llm names (the schema lets it name exactly one)."""
    if llm.get("model"):
        return LocalModel(
            llm["model"], max_new_tokens=llm["max_new_tokens"], seed=llm["seed"], threads=threads
        )
    return Endpoint(
        llm["url"], llm["api_model"], max_new_tokens=llm["max_new_tokens"], seed=llm["seed"]
    )


def ask_names(
    prompts: Sequence[Messages],
    what: Sequence[str],
    backend: Backend,
    cache: AnswerCache,
    *,
    timeout: float,
    budget: float,
) -> list[str]:
    """The model's name for each prompt, "" where it gave none (each logged, by `what`).

    Cached answers first, without asking; a question the budget has no time left for, or
    asked after MAX_FAILURES failures in a row, is not asked. Failed requests are not
    cached (a later run asks again); unusable answers are (the model would repeat them).
    """
    started = time.monotonic()
    failures = 0
    names = []
    for prompt, subject in zip(prompts, what, strict=True):
        key = cache.key(backend.identity, prompt, backend.settings)
        record = cache.get(key)
        if record is None:
            left = budget - (time.monotonic() - started)
            if left <= 0 or failures >= MAX_FAILURES:
                why = f"{budget:g} s budget spent" if left <= 0 else "the model keeps failing"
                log.warning("%s: not asked (%s); keeps its phrase name", subject, why)
                names.append("")
                continue
            try:
                if hasattr(backend, "load"):
                    backend.load()  # once: loading is not an answer's time
                asked = time.monotonic()
                answer = backend.ask(prompt, timeout=min(timeout, left))
            except UserError:
                raise
            except Exception as error:  # any failure of the model or the endpoint
                failures += 1
                log.warning("%s: no answer (%s); keeps its phrase name", subject, _why(error))
                names.append("")
                continue
            failures = 0
            record = {"answer": answer.text, "complete": answer.complete}
            cache.put(key, {**record, "model": backend.identity, "prompt": prompt})
            log.info("%s: answered in %.1f s", subject, time.monotonic() - asked)
        name, problem = clean_name(record["answer"], prompt)
        if name and not record["complete"]:
            name, problem = "", f"cut off at max_new_tokens: {record['answer']!r}"
        if problem:
            log.warning("%s: unusable answer (%s); keeps its phrase name", subject, problem)
        names.append(name)
    return names


def _why(error: Exception) -> str:
    if isinstance(error, urllib.error.HTTPError):
        return f"HTTP {error.code} {error.reason}"
    return f"{type(error).__name__}: {error}"


def with_names(table: pd.DataFrame, llm_names: Sequence[str] | None = None) -> pd.DataFrame:
    """The table with its phrase name in `name`, the model's in `llm_name` ("" for none)
    and `label`, the name shown everywhere, the model's where it gave one.

    The phrase name is `name` where the table has one, else its `label`. A model's name
    that another row's model or phrase name already has (ignoring case) is not shown, so
    names stay unique; it stays in llm_name.
    """
    names = (table["name"] if "name" in table else table["label"]).astype(str).tolist()
    llm = [str(name) for name in llm_names] if llm_names is not None else [""] * len(table)
    taken: dict[str, int] = {}
    for row, name in enumerate(names):
        taken.setdefault(name.casefold(), row)
    for row, name in enumerate(llm):
        if name:
            taken.setdefault(name.casefold(), row)
    labels = [
        model if model and taken[model.casefold()] == row else name
        for row, (name, model) in enumerate(zip(names, llm, strict=True))
    ]
    for row, (model, label) in enumerate(zip(llm, labels, strict=True)):
        if model and label != model:
            subject = f"{table.columns[0].removesuffix('_id')} {table.iloc[row, 0]}"
            log.warning("%s: the model's name %r is another's; keeps %r", subject, model, label)
    return table.assign(label=labels, name=names, llm_name=llm)


def central_titles(
    titles: Sequence[str], topic_ids: np.ndarray, centrality: np.ndarray, n: int
) -> dict[int, list[str]]:
    """Each topic's `n` most central titles, most central first."""
    frame = pd.DataFrame({"title": titles, "topic": topic_ids, "centrality": centrality})
    frame = frame.sort_values(["topic", "centrality"], ascending=[True, False], kind="stable")
    return {int(topic): rows["title"].head(n).tolist() for topic, rows in frame.groupby("topic")}


def _backend_and_cache(llm: Mapping[str, Any], threads: int) -> tuple[Backend, AnswerCache]:
    return open_backend(llm, threads), AnswerCache(llm.get("cache_dir"))


def name_topics(
    topics: pd.DataFrame,
    titles: Mapping[int, Sequence[str]],
    llm: Mapping[str, Any] | None,
    threads: int = 1,
) -> pd.DataFrame:
    """The topics table (topics.label) with names (with_names), the model's asked when
    `llm` (config's labels.llm) is set; `titles` maps each topic to its central titles."""
    if not llm:
        return with_names(topics)
    rows = topics[topics["topic_id"] != -1]  # the outliers are no topic to name
    named = rows["name"] if "name" in rows else rows["label"]
    prompts = [
        topic_prompt(name, list(keywords), list(titles.get(int(topic), []))[: llm["titles"]])
        for topic, name, keywords in zip(rows["topic_id"], named, rows["keywords"], strict=True)
    ]
    backend, cache = _backend_and_cache(llm, threads)
    answers = ask_names(
        prompts,
        [f"topic {topic}" for topic in rows["topic_id"]],
        backend,
        cache,
        timeout=llm["timeout"],
        budget=llm["budget"],
    )
    by_topic = dict(zip(rows["topic_id"].tolist(), answers, strict=True))
    return with_names(topics, [by_topic.get(int(topic), "") for topic in topics["topic_id"]])


def name_themes(
    themes: pd.DataFrame,
    topics: pd.DataFrame,
    llm: Mapping[str, Any] | None,
    threads: int = 1,
) -> pd.DataFrame:
    """The themes table (topics.themes) with names (with_names), the model's asked when
    `llm` is set, from each theme's phrase name, keywords and its topics' phrase names."""
    if not llm or themes.empty:
        return with_names(themes)
    topic_names = dict(
        zip(
            topics["topic_id"], topics["name"] if "name" in topics else topics["label"], strict=True
        )
    )
    named = themes["name"] if "name" in themes else themes["label"]
    prompts = [
        theme_prompt(name, list(keywords), [topic_names[t] for t in members if t in topic_names])
        for name, keywords, members in zip(named, themes["keywords"], themes["topics"], strict=True)
    ]
    backend, cache = _backend_and_cache(llm, threads)
    answers = ask_names(
        prompts,
        [f"theme {theme}" for theme in themes["theme_id"]],
        backend,
        cache,
        timeout=llm["timeout"],
        budget=llm["budget"],
    )
    return with_names(themes, answers)
