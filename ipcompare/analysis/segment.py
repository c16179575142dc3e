"""Word segmentation of policy text: simplified Chinese, IP domain words kept whole, boilerplate dropped.

Text is NFKC-normalised (full-width digits and letters), converted from traditional to simplified
characters (OpenCC ``t2s``), its punctuation variants folded (:data:`PUNCTUATION_VARIANTS`: a web
copy with ASCII punctuation reads as the original) and cut by a private ``jieba.Tokenizer`` that
knows the domain words of ``data/ip_dictionary.txt`` (HMM off: dictionary words only, no guessed
ones, so tokens are predictable). Stopwords (``data/stopwords.txt``: function words, policy
boilerplate such as 加强/推进/做好, and unit names, which are fields rather than theme words), single
characters and tokens without a letter are dropped.

Tokens are cached by content: ``tokenize(texts, cache_dir)`` keeps them by text hash in a
:class:`ipcompare.cache.Store` versioned by this module's code, the dictionary, the stopwords and
the jieba and OpenCC versions, so a rerun only segments new text and a change of any of those
starts a fresh cache. Within a process, tokens are also kept in memory.
"""
from __future__ import annotations

import logging
import marshal
import os
import re
import tempfile
import unicodedata
from collections.abc import Sequence
from functools import cache
from importlib import resources
from pathlib import Path

import jieba
from tqdm import tqdm

from .. import workers
from ..cache import Store, code_version, digest
from ..reading.clean import t2s

_DATA = resources.files("ipcompare") / "data"
_WORD = re.compile(r"[\u4e00-\u9fffA-Za-z]")

# One form for each punctuation mark written in several (CJK or ASCII, straight or curly quotes): the
# same length, so offsets into a folded text are offsets into the original.
PUNCTUATION_VARIANTS = {
    "“": '"', "”": '"', "„": '"', "「": '"', "」": '"', "『": '"', "』": '"', "‘": "'", "’": "'",
    "〔": "(", "〕": ")", "【": "(", "】": ")", "、": ",", "《": "<", "》": ">",
}
_FOLD = str.maketrans(PUNCTUATION_VARIANTS | {"[": "(", "]": ")"})  # search keeps [ ] for its regular expressions


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
def genre_words() -> frozenset[str]:
    """The genre stop list of ``data/boilerplate.txt``: tokens, but never a plan's distinctive terms."""
    return frozenset(_lines("boilerplate.txt"))


def _fingerprint() -> str:
    """Version of the tokens: this module, its resources and the libraries that cut and convert."""
    return code_version(("analysis.segment",), ("ip_dictionary.txt", "stopwords.txt"), ("jieba", "opencc"))


def new_tokenizer() -> jieba.Tokenizer:
    """A jieba tokenizer loaded the standard way, then taught the domain words and multi-character
    stopwords (kept whole, so that they can be dropped whole)."""
    jieba.setLogLevel(logging.WARNING)
    tok = jieba.Tokenizer()
    tok.initialize()
    for word in domain_words() + tuple(w for w in stopwords() if len(w) > 1):
        tok.add_word(word, freq=tok.suggest_freq(word) + 1000)  # outweighs any split of the word
    return tok


@cache
def _tokenizer() -> jieba.Tokenizer:
    """The tokenizer of :func:`new_tokenizer`, its word frequencies (all jieba's dictionary is) kept in
    a file of the temporary folder as jieba keeps its own: jieba reads its file in 0.8 s through
    ``marshal.load`` on the open file, one read of the bytes takes 0.25 s."""
    path = Path(tempfile.gettempdir()) / f"ipcompare-jieba-{_fingerprint()}.marshal"
    tok = jieba.Tokenizer()
    try:
        tok.FREQ, tok.total = marshal.loads(path.read_bytes())
        tok.initialized = True
    except (OSError, EOFError, ValueError, TypeError):  # no file yet, or a damaged one
        tok = new_tokenizer()
        temporary = path.with_name(f"{path.name}.{os.getpid()}")
        try:  # best effort: without the file, the next process loads jieba's way
            for old in path.parent.glob("ipcompare-jieba-*.marshal"):  # of other versions
                old.unlink(missing_ok=True)
            temporary.write_bytes(marshal.dumps((tok.FREQ, tok.total)))
            os.replace(temporary, path)  # whole or not at all, whatever runs at the same time
        except OSError:
            temporary.unlink(missing_ok=True)
    return tok


def normalize(text: str) -> str:
    """NFKC, traditional -> simplified characters, punctuation variants folded."""
    return t2s().convert(unicodedata.normalize("NFKC", text)).translate(_FOLD)


def words(text: str) -> list[str]:
    """Every word of ``text`` as the segmenter cuts it, stopwords and single characters included."""
    return _tokenizer().lcut(normalize(text), HMM=False)


def _cut(text: str) -> tuple[str, ...]:
    """Tokens of one text."""
    return tuple(t for t in map(_token, words(text)) if t)


@cache  # a word is met many times: its token is decided once
def _token(word: str) -> str:
    """The token a word gives, or "" for none."""
    w = word.strip().lower()
    return w if len(w) > 1 and _WORD.search(w) and w not in stopwords() else ""


_SEP = "\x1f"  # between tokens in the store (a token never holds a control character)
_MEMO: dict[str, dict[str, tuple[str, ...]]] = {}  # cache folder -> text -> tokens known to the process


def tokenize(texts: Sequence[str], cache_dir: Path | None = None, progress: bool = False) -> list[list[str]]:
    """Tokens of each text, in order (see the module docstring for the rules).

    ``cache_dir``: folder of the token store (e.g. ``data/cache``); ``None``: memory only.
    ``progress``: a progress bar over the texts to segment. Identical input always gives identical
    tokens, cached or not.
    """
    memo = _MEMO.setdefault(str(cache_dir), {})  # one per store, so that each store gets every text
    if new := [t for t in dict.fromkeys(texts) if t not in memo]:
        store = Store(cache_dir, "tokens", _fingerprint())
        keys = [digest(t) for t in new]
        stored = store.get(keys)
        for text, key in zip(new, keys):
            if key in stored:
                memo[text] = tuple(stored[key].decode("utf-8").split(_SEP)) if stored[key] else ()
        todo = [(text, key) for text, key in zip(new, keys) if key not in stored]
        if todo:
            _cut("")  # loads the dictionary here, before any worker starts: they share it
        cut = workers.imap(_cut, [text for text, _ in todo], min_items=2000, chunksize=200)
        made = {}
        for tokens, (text, key) in zip(tqdm(cut, total=len(todo), desc="segment", unit="text",
                                            disable=not progress or not todo), todo):
            memo[text] = made[key] = tokens
        store.put({k: _SEP.join(tokens).encode("utf-8") for k, tokens in made.items()})
    return [list(memo[t]) for t in texts]
