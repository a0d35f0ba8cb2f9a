"""The NLU component's MiniLM (NumPy, in .venv-rasa) equals sentence-transformers' (PyTorch)."""

from __future__ import annotations

import numpy as np
import pytest

from bot.nlu_features import MiniLM

TEXTS = [
    "I'd rather speak with a real person, not a bot.",
    "what's the balance of rD6tJAVyNK8bhuPCKbDEjvqxQgn3SfkJZz?",
    "Héllo wörld!! café naïve 你好 — “quotes” and tabs\there",
    "WTF is wrong w/ your site??? 3rd time today my tip failed",
    "did B240BD858FA3ACD08A37E63CBAFF35C63D8EBBE311C06DFFCB3B52DF99B49270 go through",
    "x" * 300,
]


@pytest.fixture(scope="module")
def models() -> tuple[MiniLM, object]:
    from sentence_transformers import SentenceTransformer

    from knowledge_base.embedder import bundled_model_path

    return MiniLM(), SentenceTransformer(
        str(bundled_model_path()), device="cpu", local_files_only=True
    )


def test_the_word_pieces_are_the_models_own(models: tuple[MiniLM, object]) -> None:
    mine, reference = models
    for text in TEXTS:
        expected = reference.tokenizer(text, truncation=True, max_length=128)["input_ids"]  # type: ignore[attr-defined]
        assert mine.tokenizer.encode(text) == expected, text


def test_the_embeddings_match_to_1e5(models: tuple[MiniLM, object]) -> None:
    mine, reference = models
    expected = reference.encode(TEXTS, normalize_embeddings=True)  # type: ignore[attr-defined]
    for text, vector in zip(TEXTS, expected, strict=True):
        got = mine.embed(text)
        assert got.shape == (384,)
        assert float(np.abs(got - vector).max()) < 1e-5, text


def test_paraphrases_are_closer_than_other_topics(models: tuple[MiniLM, object]) -> None:
    mine, _ = models
    person = mine.embed("let me talk to a human")
    assert float(person @ mine.embed("can someone from your team help me")) > float(
        person @ mine.embed("what is my XRP balance")
    )
