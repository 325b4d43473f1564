"""A sentence encoder in plain torch for BERT models with mean pooling (all-MiniLM-L6-v2).

Importing sentence-transformers (and with it transformers) costs several times what
importing torch does, more than embedding a few new papers takes. For the common
sentence-transformers layout Transformer(BertModel) -> mean Pooling [-> Normalize], this
module computes the same vectors from the same model folder with torch, `tokenizers`
and `safetensors` only. Any other model goes through sentence-transformers
(`supports` says which).
"""

import json
from collections.abc import Sequence
from pathlib import Path
from typing import Any

import numpy as np

_MODULES = ["sentence_transformers.models.Transformer", "sentence_transformers.models.Pooling"]
_NORMALIZE = "sentence_transformers.models.Normalize"


def _read_json(path: Path) -> dict | list | None:
    try:
        return json.loads(path.read_text(encoding="utf-8"))
    except (OSError, ValueError):
        return None


def supports(folder: str | Path) -> bool:
    """True for a local sentence-transformers folder: BertModel, mean pooling, safetensors."""
    folder = Path(folder)
    modules = _read_json(folder / "modules.json")
    config = _read_json(folder / "config.json")
    if not isinstance(modules, list) or not isinstance(config, dict):
        return False
    types = [module.get("type") for module in modules]
    if types[:2] != _MODULES or any(t != _NORMALIZE for t in types[2:]):
        return False
    if modules[0].get("path") not in ("", None):
        return False
    pooling = _read_json(folder / modules[1]["path"] / "config.json") or {}
    mean_only = pooling.get("pooling_mode_mean_tokens") and not any(
        pooling.get(key) for key in ("pooling_mode_cls_token", "pooling_mode_max_tokens",
                                     "pooling_mode_mean_sqrt_len_tokens",
                                     "pooling_mode_weightedmean_tokens",
                                     "pooling_mode_lasttoken"))
    return bool(mean_only and config.get("model_type") == "bert"
                and config.get("hidden_act") == "gelu"
                and config.get("position_embedding_type", "absolute") == "absolute"
                and (folder / "model.safetensors").is_file()
                and (folder / "tokenizer.json").is_file())


class BertEncoder:
    """`encode` like SentenceTransformer.encode, for the folders `supports` accepts."""

    def __init__(self, folder: str | Path, device: str = "cpu"):
        import torch
        from safetensors.torch import load_file
        from tokenizers import Tokenizer

        folder = Path(folder)
        self.config = _read_json(folder / "config.json")
        settings = _read_json(folder / "sentence_bert_config.json") or {}
        self.max_length = int(settings.get("max_seq_length")
                              or self.config["max_position_embeddings"])
        self.lower_case = bool(settings.get("do_lower_case", False))
        self.normalize = len(_read_json(folder / "modules.json")) > 2
        self.tokenizer = Tokenizer.from_file(str(folder / "tokenizer.json"))
        self.tokenizer.enable_truncation(max_length=self.max_length)
        self.tokenizer.enable_padding(pad_id=self.config.get("pad_token_id", 0))
        self.device = torch.device(device)
        weights = load_file(str(folder / "model.safetensors"), device=str(self.device))
        prefix = "bert." if "bert.embeddings.word_embeddings.weight" in weights else ""
        self.w = {name[len(prefix):]: tensor for name, tensor in weights.items()
                  if name.startswith(prefix)}

    def get_sentence_embedding_dimension(self) -> int:
        return int(self.config["hidden_size"])

    def _layer_norm(self, x: Any, name: str) -> Any:
        import torch.nn.functional as F

        return F.layer_norm(x, x.shape[-1:], self.w[f"{name}.weight"], self.w[f"{name}.bias"],
                            eps=self.config["layer_norm_eps"])

    def _linear(self, x: Any, name: str) -> Any:
        import torch.nn.functional as F

        return F.linear(x, self.w[f"{name}.weight"], self.w[f"{name}.bias"])

    def forward(self, ids: Any, mask: Any) -> Any:
        """Mean-pooled last hidden states of a padded batch."""
        import torch
        import torch.nn.functional as F

        w, heads = self.w, self.config["num_attention_heads"]
        batch, length = ids.shape
        x = (w["embeddings.word_embeddings.weight"][ids]
             + w["embeddings.position_embeddings.weight"][:length]
             + w["embeddings.token_type_embeddings.weight"][0])
        x = self._layer_norm(x, "embeddings.LayerNorm")
        keep = mask[:, None, None, :].bool()
        for i in range(self.config["num_hidden_layers"]):
            layer = f"encoder.layer.{i}"
            q, k, v = (self._linear(x, f"{layer}.attention.self.{part}")
                       .view(batch, length, heads, -1).transpose(1, 2)
                       for part in ("query", "key", "value"))
            attended = F.scaled_dot_product_attention(q, k, v, attn_mask=keep)
            attended = attended.transpose(1, 2).reshape(batch, length, -1)
            x = self._layer_norm(x + self._linear(attended, f"{layer}.attention.output.dense"),
                                 f"{layer}.attention.output.LayerNorm")
            hidden = F.gelu(self._linear(x, f"{layer}.intermediate.dense"))
            x = self._layer_norm(x + self._linear(hidden, f"{layer}.output.dense"),
                                 f"{layer}.output.LayerNorm")
        weights = mask.unsqueeze(-1).to(x.dtype)
        return (x * weights).sum(1) / torch.clamp(weights.sum(1), min=1e-9)

    def encode(self, texts: Sequence[str], batch_size: int = 32,
               normalize_embeddings: bool = False, **_: Any) -> np.ndarray:
        """float32 rows in the order of `texts`; batches as given (the caller sorts)."""
        import torch
        import torch.nn.functional as F

        out = np.empty((len(texts), self.get_sentence_embedding_dimension()), dtype=np.float32)
        for start in range(0, len(texts), batch_size):
            part = [text.lower() if self.lower_case else text
                    for text in texts[start:start + batch_size]]
            encoded = self.tokenizer.encode_batch(part)
            ids = torch.tensor([e.ids for e in encoded], device=self.device)
            mask = torch.tensor([e.attention_mask for e in encoded], device=self.device)
            with torch.inference_mode():
                vectors = self.forward(ids, mask).float()
                if normalize_embeddings or self.normalize:
                    vectors = F.normalize(vectors, dim=-1)
            out[start:start + len(part)] = vectors.cpu().numpy()
        return out

