"""Embedding backends besides torch: ONNX Runtime and OpenVINO, on the CPU.

Which backend and number format embed the papers, chosen from config's embedding.backend and
embedding.precision; `auto` follows a fixed rule on the CPU's flags and the packages installed
(never a timing trial: a choice that varied between runs would move the topics). The model is
exported to ONNX locally from its own folder (the bundled model needs no network), quantised
to int8 where asked, and cached in export_dir; a later run loads the cached file.

sentence-transformers' own ONNX backend needs optimum-onnx, whose only release requires
transformers < 4.58 while sentence-transformers 6 requires transformers 5: the two cannot be
installed together. So the transformer is run here directly in ONNX Runtime or OpenVINO, with
sentence-transformers' tokenizer, mean pooling and normalisation around it.
"""

from __future__ import annotations

import copy
import hashlib
import importlib.util
import logging
import os
import re
import warnings
from collections.abc import Callable
from dataclasses import dataclass
from pathlib import Path
from typing import Any

import numpy as np

from topics.errors import UserError

log = logging.getLogger("topics")

# The number formats each backend can run the model in.
PRECISIONS = {
    "torch": ("float32", "bfloat16"),
    "onnx": ("float32", "int8"),
    # OpenVINO's int8 needs calibration texts (static quantisation) and stays further from
    # float32 than the bound allows (benchmarks/RESULTS.md), so it is measured, not offered.
    "openvino": ("float32", "bfloat16"),
}
# CPU flags of native bfloat16 arithmetic (AVX512-BF16, AMX).
BF16_FLAGS = frozenset({"avx512_bf16", "amx_bf16"})
# What each backend imports, as pip names it.
PACKAGES = {"torch": (), "onnx": ("onnxruntime", "onnx"), "openvino": ("openvino", "onnx")}
# Bumped when the export changes the file it writes, so an older export is never reused.
EXPORT_VERSION = 1


@dataclass(frozen=True)
class Choice:
    """A backend and number format to embed with, and the CPU flags it needs to be worth it."""

    backend: str
    precision: str
    needs: tuple[str, ...] = ()


# auto's order of preference on a CPU: the fastest first, among those whose vectors and topics
# stay within the bounds of benchmarks/RESULTS.md (mean cosine to float32 >= 0.995, topic ARI
# >= 0.9 on the 17k corpus). A choice is taken where the CPU has all its flags and its
# packages are installed; float32 torch, last, runs anywhere. On long abstracts neither ONNX
# Runtime nor OpenVINO earns a place yet: int8 is faster only where it leaves the cosine bound
# (OpenVINO's static int8) or not at all (ONNX Runtime's dynamic int8, the furthest from
# float32); float32 is no faster than torch's; OpenVINO's bfloat16 gives torch's vectors a
# little faster on a quiet machine and no faster under load, too little to make openvino a
# required package and re-embed every cache. They stay choices by name, and a line here
# once a CPU or a release changes that.
AUTO_ORDER = (
    Choice("torch", "bfloat16", ("avx512_bf16",)),
    Choice("torch", "bfloat16", ("amx_bf16",)),
    Choice("torch", "float32"),
)


def cpu_flags(cpuinfo_path: str = "/proc/cpuinfo") -> frozenset[str]:
    """The CPU's feature flags as Linux lists them (empty where /proc/cpuinfo is unreadable)."""
    try:
        text = Path(cpuinfo_path).read_text(encoding="utf-8", errors="replace")
    except OSError:
        return frozenset()
    match = re.search(r"^flags\s*:(.*)$", text, re.MULTILINE)
    return frozenset(match.group(1).split()) if match else frozenset()


def installed(package: str) -> bool:
    return importlib.util.find_spec(package) is not None


def check_combination(backend: str, precision: str) -> None:
    """A UserError unless embedding.backend can run embedding.precision."""
    if backend in PRECISIONS and precision not in (*PRECISIONS[backend], "auto"):
        allowed = ", ".join(("auto", *PRECISIONS[backend]))
        raise UserError(
            f"embedding.precision '{precision}' cannot run on embedding.backend '{backend}'; "
            f"with {backend} use one of: {allowed}."
        )


def candidates(
    backend: str,
    precision: str,
    flags: frozenset[str],
    have: Callable[[str], bool] = installed,
) -> tuple[list[Choice], str]:
    """The choices to try in order on a CPU (the first that loads is used), and why.

    An explicit backend and precision give one choice; auto takes AUTO_ORDER's choices that
    match the other key and fit the CPU's flags, passing over (with a warning) those whose
    packages are missing. A backend or precision auto's order never holds runs in that
    backend's bfloat16 where the CPU computes it natively (else float32), or on the first
    backend that has that precision.
    """
    check_combination(backend, precision)
    if backend != "auto" and precision != "auto":
        return [Choice(backend, precision)], "as configured"
    fitting = [
        choice
        for choice in AUTO_ORDER
        if backend in ("auto", choice.backend)
        and precision in ("auto", choice.precision)
        and all(flag in flags for flag in choice.needs)
    ]
    if not fitting:
        runs = (
            backend
            if backend != "auto"
            else next(b for b in PRECISIONS if precision in PRECISIONS[b])
        )
        native_bf16 = "bfloat16" in PRECISIONS[runs] and bool(flags & BF16_FLAGS)
        chosen_precision = "bfloat16" if native_bf16 else "float32"
        fitting = [Choice(runs, precision if precision != "auto" else chosen_precision)]
    chosen: list[Choice] = []
    for choice in fitting:
        missing = [package for package in PACKAGES[choice.backend] if not have(package)]
        if missing and backend == "auto":
            log.warning(
                "embedding auto passes over %s %s: %s not installed",
                choice.backend,
                choice.precision,
                " and ".join(missing),
            )
            continue
        if all((c.backend, c.precision) != (choice.backend, choice.precision) for c in chosen):
            chosen.append(choice)
    if not chosen:  # every choice lacked its packages: torch is always there
        chosen = [Choice("torch", precision if precision in PRECISIONS["torch"] else "float32")]
    first = chosen[0]
    if first.needs:
        reason = f"the CPU has {' and '.join(first.needs)}"
    elif first.precision == "bfloat16":
        reason = f"the CPU has {' or '.join(sorted(flags & BF16_FLAGS))}"
    elif precision == "auto" and first.precision == "float32":
        reason = "nothing faster within the bounds fits this CPU"
    else:
        reason = f"{first.precision} runs on {first.backend}"
    return chosen, reason


def export_folder(export_dir: str | Path, model_path: str) -> Path:
    """Where a model's exports are cached: named after the model folder and a fingerprint of
    its files, torch's version (its exporter writes the file) and EXPORT_VERSION."""
    import torch

    folder = Path(model_path)
    files = sorted(p for p in folder.rglob("*") if p.is_file()) if folder.is_dir() else []
    fingerprint = hashlib.sha1(
        "|".join(
            [
                str(folder.resolve()),
                *(f"{p.relative_to(folder)}:{p.stat().st_size}" for p in files),
                torch.__version__,
                str(EXPORT_VERSION),
            ]
        ).encode("utf-8")
    ).hexdigest()[:12]
    slug = re.sub(r"[^A-Za-z0-9._-]+", "_", model_path).strip("_")[-60:]
    return Path(export_dir) / f"{slug}-{fingerprint}"


def check_pipeline(model: Any) -> None:
    """The model must be a transformer, mean pooling and normalisation: what is reproduced
    around the exported transformer (ValueError otherwise, so auto falls back to torch)."""
    names = [type(module).__name__ for module in model]
    pooling = getattr(model[1], "pooling_mode", None) if len(names) > 1 else None
    if names[:2] != ["Transformer", "Pooling"] or pooling not in ("mean", None):
        raise ValueError(f"only transformer + mean pooling models are exported, not {names}")
    if pooling is None and not getattr(model[1], "pooling_mode_mean_tokens", False):
        raise ValueError("only mean pooling is reproduced outside torch")


def _write_atomically(path: Path, write: Callable[[Path], None]) -> None:
    """Write to a temporary name beside path, then rename: jobs exporting side by side never
    read a half-written file."""
    tmp = path.with_name(f".{path.stem}.{os.getpid()}.tmp{path.suffix}")
    write(tmp)
    tmp.replace(path)


def export_onnx(model: Any, folder: Path) -> Path:
    """The transformer of a sentence-transformers model as float32 ONNX (cached)."""
    path = folder / "model.onnx"
    if path.exists():
        return path
    import torch

    check_pipeline(model)
    folder.mkdir(parents=True, exist_ok=True)
    transformer = model[0].auto_model

    class Hidden(torch.nn.Module):
        # Named inputs: BertModel's positional arguments differ between transformers releases.
        def __init__(self, inner: Any):
            super().__init__()
            self.inner = inner

        def forward(self, input_ids: Any, attention_mask: Any, token_type_ids: Any) -> Any:
            return self.inner(
                input_ids=input_ids, attention_mask=attention_mask, token_type_ids=token_type_ids
            ).last_hidden_state

    sample = model.tokenizer(
        ["an example", "a longer example text"], padding=True, return_tensors="pt"
    )
    names = ["input_ids", "attention_mask", "token_type_ids"]
    axes = {name: {0: "batch", 1: "tokens"} for name in [*names, "last_hidden_state"]}
    log.info("exporting %s to ONNX in %s", type(transformer).__name__, folder)
    # The TorchScript exporter announces its deprecation and the tracer warns about Python
    # conditions on shapes; neither concerns this model (tests compare the vectors to torch's).
    with torch.no_grad(), warnings.catch_warnings():
        warnings.simplefilter("ignore")
        _write_atomically(
            path,
            lambda tmp: torch.onnx.export(
                Hidden(transformer).eval(),
                tuple(sample[name] for name in names),
                str(tmp),
                input_names=names,
                output_names=["last_hidden_state"],
                dynamic_axes=axes,
                opset_version=17,
                # TorchScript's exporter: the dynamo one needs onnxscript, which nothing else uses.
                dynamo=False,
            ),
        )
    return path


def quantize_onnx(float32_path: Path) -> Path:
    """int8 weights with activations quantised at run time (ONNX Runtime's dynamic
    quantisation, as sentence-transformers' export_dynamic_quantized_onnx_model does),
    which needs no calibration texts, so the vectors depend on the model alone."""
    path = float32_path.with_name("model-int8.onnx")
    if path.exists():
        return path
    from onnxruntime.quantization import QuantType, quantize_dynamic

    log.info("quantising %s to int8", float32_path)
    _write_atomically(
        path,
        lambda tmp: quantize_dynamic(
            float32_path, tmp, weight_type=QuantType.QInt8, per_channel=False
        ),
    )
    return path


class RuntimeEncoder:
    """A sentence-transformers model whose transformer runs in ONNX Runtime or OpenVINO.

    Tokenising stays sentence-transformers' (preprocess, max_seq_length), so texts are
    truncated and padded exactly as on torch; mean pooling and normalisation follow here.
    """

    def __init__(self, model: Any, backend: str, precision: str, folder: Path):
        check_pipeline(model)
        self.model = model
        self.backend = backend
        self.precision = precision
        self.max_seq_length = model.max_seq_length
        self.preprocess = model.preprocess
        self.dimension = (
            getattr(model, "get_embedding_dimension", None)
            or model.get_sentence_embedding_dimension
        )()
        self.path = export_onnx(model, folder)
        if precision == "int8":
            self.path = quantize_onnx(self.path) if backend == "onnx" else self.path

    def runners(self, workers: int, threads: int) -> list[Callable[[list[str], int], np.ndarray]]:
        """One function per worker thread that embeds a batch padded to a given length."""
        per_worker = max(1, threads // workers)
        run = self._onnx(per_worker) if self.backend == "onnx" else self._openvino(workers, threads)
        return [self._runner(run(index)) for index in range(workers)]

    def _runner(self, forward: Callable[[dict], np.ndarray]) -> Callable:
        # Each worker its own tokenizer: a fast tokenizer's padding settings are shared state.
        tokenizer = copy.deepcopy(self.model.tokenizer)

        def embed(texts: list[str], length: int) -> np.ndarray:
            features = tokenizer(
                texts,
                padding="max_length",
                truncation=True,
                max_length=length,
                return_tensors="np",
                return_token_type_ids=True,
            )
            mask = features["attention_mask"]
            hidden = forward(
                {
                    "input_ids": features["input_ids"].astype(np.int64),
                    "attention_mask": mask.astype(np.int64),
                    "token_type_ids": features["token_type_ids"].astype(np.int64),
                }
            ).astype(np.float32)
            weights = mask[:, :, None].astype(np.float32)
            pooled = (hidden * weights).sum(axis=1) / np.maximum(weights.sum(axis=1), 1e-9)
            norms = np.maximum(np.linalg.norm(pooled, axis=1, keepdims=True), 1e-12)
            return pooled / norms

        return embed

    def _onnx(self, per_worker: int) -> Callable[[int], Callable]:
        import onnxruntime as ort

        options = ort.SessionOptions()
        # One session shared by the workers (its run is thread-safe), each call on its own
        # caller's thread: like torch's one copy per core on one thread each.
        options.intra_op_num_threads = per_worker
        options.inter_op_num_threads = 1
        options.log_severity_level = 3
        session = ort.InferenceSession(str(self.path), options, providers=["CPUExecutionProvider"])
        return lambda index: lambda inputs: session.run(None, inputs)[0]

    def _openvino(self, workers: int, threads: int) -> Callable[[int], Callable]:
        import openvino as ov

        core = ov.Core()
        compiled = core.compile_model(
            core.read_model(str(self.path)),
            "CPU",
            {
                "INFERENCE_NUM_THREADS": threads,
                "NUM_STREAMS": workers,
                # Stated, not left to OpenVINO: it computes in bfloat16 by default where
                # the CPU has it, which would make float32 depend on the machine.
                "INFERENCE_PRECISION_HINT": "bf16" if self.precision == "bfloat16" else "f32",
            },
        )

        def request(index: int) -> Callable:
            infer = compiled.create_infer_request()
            return lambda inputs: next(iter(infer.infer(inputs).values()))

        return request


def load_encoder(model: Any, choice: Choice, folder: Path, explicit: bool) -> RuntimeEncoder:
    """The runtime encoder of a loaded sentence-transformers model; an explicit choice that
    cannot load is a UserError saying what to install, auto's a ValueError to fall back on."""
    missing = [package for package in PACKAGES[choice.backend] if not installed(package)]
    if missing:
        message = (
            f"embedding.backend '{choice.backend}' needs {' and '.join(missing)}: "
            f"pip install 'topics[{choice.backend}]', or set embedding.backend to torch."
        )
        raise UserError(message) if explicit else ValueError(message)
    try:
        return RuntimeEncoder(model, choice.backend, choice.precision, folder)
    except (ImportError, OSError, RuntimeError, ValueError) as error:
        if explicit:
            raise UserError(
                f"embedding.backend '{choice.backend}' could not export the model "
                f"({error}); set embedding.backend to torch."
            ) from error
        raise ValueError(str(error)) from error
