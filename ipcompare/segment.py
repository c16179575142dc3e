"""Word segmentation of policy text: simplified Chinese, IP domain words kept whole, boilerplate dropped.

Text is NFKC-normalised (full-width digits and letters), converted from traditional to simplified
characters (OpenCC ``t2s``) and cut by a private ``jieba.Tokenizer`` that knows the domain words of
``data/ip_dictionary.txt`` (HMM off: dictionary words only, no guessed ones, so tokens are
predictable). Stopwords (``data/stopwords.txt``: function words, policy boilerplate such as
加强/推进/做好, and unit names, which are fields rather than theme words), single characters and
tokens without a letter are dropped.

Tokens are cached by content: ``tokenize(texts, cache_dir)`` keeps one JSON file per version of
the resources (``tokens-<fingerprint>.json``, text hash -> tokens), so a rerun only segments new
text and a change of dictionary or stopwords starts a fresh cache.
"""
from __future__ import annotations

import hashlib
import json
import logging
import os
import re
import tempfile
import unicodedata
from collections.abc import Sequence
from functools import cache
from importlib import resources
from pathlib import Path

import jieba
import opencc

_VERSION = "2"  # bump when the cutting rules below change (invalidates caches)
_DATA = resources.files("ipcompare") / "data"
_WORD = re.compile(r"[\u4e00-\u9fffA-Za-z]")


def _lines(name: str) -> list[str]:
    """Non-comment, non-blank lines of a package data file."""
    text = (_DATA / name).read_text(encoding="utf-8")
    return [line.strip() for line in text.splitlines() if line.strip() and not line.startswith("#")]


@cache
def domain_words() -> tuple[str, ...]:
    """Words of the domain dictionary (kept whole by the segmenter)."""
    return tuple(line.split()[0] for line in _lines("ip_dictionary.txt"))


@cache
def stopwords() -> frozenset[str]:
    """Words never used as tokens (function words, policy boilerplate, unit names)."""
    return frozenset(_lines("stopwords.txt"))


@cache
def _fingerprint() -> str:
    digest = hashlib.sha256(_VERSION.encode())
    for name in ("ip_dictionary.txt", "stopwords.txt"):
        digest.update((_DATA / name).read_bytes())
    return digest.hexdigest()[:16]


@cache
def _tokenizer() -> jieba.Tokenizer:
    jieba.setLogLevel(logging.WARNING)
    tok = jieba.Tokenizer()
    tok.initialize()
    for word in domain_words() + tuple(w for w in stopwords() if len(w) > 1):
        tok.add_word(word, freq=tok.suggest_freq(word) + 1000)  # outweighs any split of the word
    return tok


@cache
def _converter() -> opencc.OpenCC:
    return opencc.OpenCC("t2s")


def normalize(text: str) -> str:
    """NFKC, traditional -> simplified characters."""
    return _converter().convert(unicodedata.normalize("NFKC", text))


@cache
def _cut(text: str) -> tuple[str, ...]:
    """Tokens of one text (memoised for the process; the file cache spans processes)."""
    stop = stopwords()
    words = (w.strip().lower() for w in _tokenizer().lcut(normalize(text), HMM=False))
    return tuple(w for w in words if len(w) > 1 and _WORD.search(w) and w not in stop)


def tokenize(texts: Sequence[str], cache_dir: Path | None = None) -> list[list[str]]:
    """Tokens of each text, in order (see the module docstring for the rules).

    ``cache_dir``: folder for the token cache file (e.g. ``data/cache``); ``None``: no file cache.
    Identical input always gives identical tokens, cached or not.
    """
    keys = [hashlib.sha256(t.encode("utf-8")).hexdigest() for t in texts]
    path = Path(cache_dir) / f"tokens-{_fingerprint()}.json" if cache_dir is not None else None
    known: dict[str, Sequence[str]] = json.loads(path.read_text("utf-8")) if path and path.exists() else {}
    missing = {k: t for k, t in zip(keys, texts) if k not in known}
    known |= {k: _cut(t) for k, t in missing.items()}
    if path and missing:
        _save(path, known)
    return [list(known[k]) for k in keys]


def _save(path: Path, tokens: dict[str, Sequence[str]]) -> None:
    """Write the cache atomically and drop caches of older resource versions."""
    path.parent.mkdir(parents=True, exist_ok=True)
    for old in path.parent.glob("tokens-*.json"):
        if old != path:
            old.unlink(missing_ok=True)
    fd, tmp = tempfile.mkstemp(dir=path.parent, suffix=".tmp")
    with os.fdopen(fd, "w", encoding="utf-8") as out:
        json.dump(tokens, out, ensure_ascii=False, sort_keys=True)
    os.replace(tmp, path)
