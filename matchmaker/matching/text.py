"""Chinese text to index terms: rjieba words for meaning and explanations, hashed character bigrams for recall.

Whole words match exactly and are what explanations show; character bigrams let a firm's wording
("北京密云水库", "模糊控制") meet an institution's ("密云水库", "模糊控制器"). These are the analyzers
scikit-learn's vectorizers call (``build.py``): ``CountVectorizer`` counts the words,
``HashingVectorizer`` hashes the bigrams into a fixed number of buckets (no vocabulary).
"""

from __future__ import annotations

import re
import unicodedata

from sklearn.utils import murmurhash3_32

try:  # ~20x faster than jieba, same dictionary and output.
    from rjieba import cut as _cut
except ImportError:  # pragma: no cover - exercised only where rjieba is missing
    import jieba

    jieba.setLogLevel(60)
    _cut = jieba.lcut

MAX_WORD = 24  # longer "words" are URLs, formulas or noise
_CJK = re.compile(r"[\u3400-\u9fff\uf900-\ufaff]")
_WORDISH = re.compile(r"[0-9a-z\u3400-\u9fff\uf900-\ufaff]")
_NUMBER = re.compile(r"^[0-9.%-]+$")

# Function words and the boilerplate of abstracts: they carry no topic and have the longest postings.
STOP_WORDS = frozenset(
    """
    的 了 和 与 及 或 等 在 是 对 为 以 于 由 从 将 把 被 并 其 该 这 那 此 之 而 且 也 又 就 都 则 即
    中 上 下 内 后 前 时 个 种 些 所 如 若 因 故 但 还 已 可 能 会 要 有 无 不 非 很 较 更 最 各 每 本
    我们 他们 它们 本文 文中 文章 笔者 作者 通过 进行 采用 利用 使用 基于 根据 对于 关于 以及 及其
    并且 而且 或者 以上 以下 之间 其中 其他 其它 一种 一个 一些 这种 这些 那些 这个 该文 此外 同时
    从而 因此 所以 然后 为了 由于 如何 可以 能够 具有 提出 给出 得到 取得 表明 结果 结果表明 研究表明
    分析 研究 探讨 讨论 介绍 阐述 论述 方面 问题 情况 主要 重要 相关 有关 一定 不同 实现 具体 目前
    当前 近年来 随着 已经 正在 需要 需求 针对 旨在 目的 解决 提高 提升 应用 发展 技术 方法 方式 作用
    影响 效果 有效 进一步 显著 明显 较好 良好 基本 包括 存在 成为 作为 就是 还是 不仅 而是
    the of and or in on for to with by from is are was were be an as at this that we our its
    """.split()
)
# Quantities, units, comparisons and dates: frequent in abstracts and needs alike, never a topic.
MEASURE_WORDS = frozenset(
    """
    用 用于 可用 可用于 适用 适用于 应用于 用来 用作 至 到 年 月 日 天 周 约 近 达 余 多 少 低 高 大 小 次 倍 例 名 位 组 份 项 元 万 亿 万元 亿元 左右 以内
    以上 以下 低于 高于 大于 小于 不低于 不高于 不超过 超过 达到 不足 少于 多于 至少 最多 最高 最低 平均
    小时 分钟 秒 毫秒 年度 年代 每年 每天 每月 同比 百分之
    米 厘米 毫米 微米 纳米 千米 公里 平方米 立方米 平方公里 公顷 亩 克 毫克 微克 千克 公斤 吨 万吨 升 毫升
    千瓦 兆瓦 瓦 千伏 伏 安 赫兹 兆帕 帕 摄氏度 度
    mg kg ml mm cm km nm um kw kv mpa kpa hz
    """.split()
)
STOP_WORDS = STOP_WORDS | MEASURE_WORDS
# A number with an optional unit or suffix: "2", "3.5%", "10mg", "500kv", "20世纪", "3年".
_QUANTITY = re.compile(r"^[0-9.%~/+-]+[a-z\u4e00-\u9fff]{0,3}$")

# Characters that never take part in a bigram: a stop character breaks the run like punctuation.
_STOP_CHARS = frozenset("的了和与及或等在是对为以于由从将把被并其该这那此之而且也又就都则即个所")


def normalise(text: str | None) -> str:
    """NFKC (full-width to half-width) and lower case, so 'ＳｉＣ' and 'sic' are one term."""
    return unicodedata.normalize("NFKC", text).lower() if text else ""


def is_content_word(w: str) -> bool:
    """False for punctuation, spaces, bare numbers, single latin letters, stop words, overlong tokens."""
    if len(w) > MAX_WORD or w in STOP_WORDS or not _WORDISH.search(w) or _NUMBER.match(w):
        return False
    return len(w) >= 2 or bool(_CJK.match(w))


def explainable(w: str) -> bool:
    """A word worth showing as shared: a content word of 2+ characters that is not a quantity."""
    return len(w) >= 2 and is_content_word(w) and not _QUANTITY.match(w)


def raw_words(text: str) -> list[str]:
    """Segment already-normalised text (no filtering: callers map then filter per distinct word)."""
    return _cut(text) if text else []


def words(text: str | None) -> list[str]:
    """The content words of ``text`` in order."""
    return [w for w in raw_words(normalise(text)) if is_content_word(w)]


class _Judged(dict):
    """word -> itself if a content word, else "\n": each distinct word judged once, on first sight."""

    def __missing__(self, word: str) -> str:
        judged = self[word] = word if is_content_word(word) else "\n"
        return judged


_JUDGED = _Judged()
JUDGED_MAX = 1 << 20


def analyse(text: str) -> tuple[list[str], str]:
    """The project's analyzer of one normalised text, segmented once for both channels:
    (its content words in order, the text with every other word blanked to "\n").

    The words are what ``CountVectorizer`` counts; the blanked text is what ``bigrams`` cuts, so
    character pairs are taken only inside runs of content words (a stop word breaks a run).
    """
    return analyse_many([text])[0]


def analyse_many(texts: list[str]) -> list[tuple[list[str], str]]:
    """``analyse`` of each text (a fit's chunk at a time)."""
    if len(_JUDGED) > JUDGED_MAX:
        _JUDGED.clear()
    judge, keep = _JUDGED.__getitem__, "\n".__ne__
    out = []
    for t in texts:
        kept = list(map(judge, raw_words(t)))
        out.append((list(filter(keep, kept)), "".join(kept)))
    return out


def _ranges(points: list[int]) -> str:
    """A regex character class body for sorted code points, as ranges."""
    out, start = [], points[0]
    for prev, cur in zip(points, points[1:] + [None]):
        if cur != prev + 1:
            out.append(f"\\u{start:04x}" if start == prev else f"\\u{start:04x}-\\u{prev:04x}")
            start = cur
    return "".join(out)


# Characters that may appear in a bigram: CJK ideographs (basic and compatibility), ascii letters and
# digits of normalised text, except the stop characters (one breaks the run as punctuation does).
_BIGRAM_CHARS = sorted(
    {*range(0x3400, 0xA000), *range(0xF900, 0xFB00), *range(0x30, 0x3A), *range(0x61, 0x7B)}
    - {ord(ch) for ch in _STOP_CHARS}
)
_BIGRAM = re.compile(f"(?=([{_ranges(_BIGRAM_CHARS)}]{{2}}))")


def bigrams(text: str) -> list[str]:
    """Every character bigram of normalised ``text``, in order: the analyzer of the hashed channel."""
    return _BIGRAM.findall(text)


def bucket(bigram: str, n_features: int) -> int:
    """The column ``HashingVectorizer(alternate_sign=False)`` gives a feature: |murmurhash3_32| mod n.

    For a query's bigrams, one at a time (a vectorizer call costs more than a whole query); a test
    checks it against the vectorizer.
    """
    h = murmurhash3_32(bigram, 0)
    return (2147483647 - (n_features - 1)) % n_features if h == -2147483648 else abs(h) % n_features
