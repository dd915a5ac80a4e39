"""How well the summary check keeps a paper's own real Korean summary and refuses another's.

Run: ``python -m bench.summary_check [--words]`` (needs ../shared/corpus; ``--words`` skips
the sentence encoder). The data: 2,096 papers of 2024 have both an English abstract
(hf_api_2024) and a real Korean summary (daily_papers_ko/2024). 151 of those summaries are
not about their paper (read by hand: tests/data/digest_summary_labels.tsv); the other 1,943
are split once, ``SEED``, into a tune half (thresholds were fitted there) and a test half
(reported, never tuned on). Each summary is judged:
- for its own paper (recall: it should pass);
- (a) for a random other paper of its day: a swap that must be refused;
- (b) for the most similar other paper of the archive by embedding: the hard case.
The archive behind the check is every paper of the corpus (about 4,600).
"""

from __future__ import annotations

import argparse
import ast
import dataclasses
import datetime as dt
import json
import random
import time
from collections import defaultdict
from dataclasses import dataclass
from pathlib import Path

import numpy as np

from bot.core.models import Paper
from bot.parse.hf_api import parse_hf_api
from bot.parse.markdown import parse_digest
from bot.summarize.check import SECTIONS, Reference, TermWeights, unsupported_claims
from bot.summarize.judge import Judge, gist

ROOT = Path(__file__).resolve().parents[1]
CORPUS = ROOT.parent / "shared" / "corpus"
LABELS = ROOT / "tests" / "data" / "digest_summary_labels.tsv"
SEED = 20241
STITCHED = 5  # real papers a padding paper takes a sentence from


@dataclass
class Corpus:
    """The archive as the bot would hold it, and the pairs to judge."""

    papers: dict[str, Paper]  # every paper, digest summary and abstract merged
    api_days: dict[dt.date, list[str]]  # the API's listing of each 2024 day
    digest_days: dict[dt.date, list[str]]  # each digest's papers
    pairs: list[str]  # papers with an abstract and a digest summary
    wrong: set[str]  # pairs whose digest summary is not about the paper (by hand)
    unsure: set[str]
    late_wrong: set[str]  # wrong, found after the split was drawn: in a half, not measured

    @property
    def good(self) -> list[str]:
        labelled = self.wrong | self.unsure | self.late_wrong
        return [a for a in self.pairs if a not in labelled]

    def halves(self) -> tuple[list[str], list[str]]:
        """The tune and test halves of the good pairs, as drawn once."""
        order = sorted(self.good + sorted(self.late_wrong))
        random.Random(SEED).shuffle(order)
        half = len(order) // 2
        return (
            sorted(a for a in order[:half] if a not in self.late_wrong),
            sorted(a for a in order[half:] if a not in self.late_wrong),
        )

    def english(self, arxiv_id: str) -> Paper:
        """A paper as an English-only listing would hold it: no digest summary."""
        return dataclasses.replace(self.papers[arxiv_id], sections={}, summary="")


def load_corpus(root: Path = CORPUS) -> Corpus:
    api: dict[str, Paper] = {}
    api_days: dict[dt.date, list[str]] = defaultdict(list)
    for folder in ("hf_api_2024", "hf_api"):
        for path in sorted((root / folder).glob("*.json")):
            data = json.loads(path.read_text(encoding="utf-8"))
            # 218 entries of 15 files are the Python repr of an object (corpus README).
            data = [ast.literal_eval(e) if isinstance(e, str) else e for e in data]
            day = dt.date.fromisoformat(path.stem)
            for digest in parse_hf_api(json.dumps(data), path.name, day).digests:
                for paper in digest.papers:
                    api.setdefault(paper.arxiv_id, paper)
                    if folder == "hf_api_2024":
                        api_days[digest.date].append(paper.arxiv_id)
    korean: dict[str, Paper] = {}
    digest_days: dict[dt.date, list[str]] = defaultdict(list)
    for path in sorted((root / "daily_papers_ko").rglob("*.md")):
        for digest in parse_digest(path.read_text(encoding="utf-8"), str(path)).digests:
            for paper in digest.papers:
                korean.setdefault(paper.arxiv_id, paper)
                digest_days[digest.date].append(paper.arxiv_id)
    papers = dict(korean)
    for arxiv_id, paper in api.items():
        if arxiv_id in korean:
            ko = korean[arxiv_id]
            paper = dataclasses.replace(paper, sections=ko.sections, summary=ko.summary)
        papers[arxiv_id] = paper
    pairs = sorted(a for a in api if a in korean and korean[a].summary_text)
    labels = {}
    for line in LABELS.read_text(encoding="utf-8").splitlines():
        if line and not line.startswith("#"):
            arxiv_id, label, _ = line.split("\t", 2)
            labels[arxiv_id] = label
    wrong = {a for a, label in labels.items() if label == "wrong"}
    unsure = {a for a, label in labels.items() if label == "unsure"}
    late = {a for a, label in labels.items() if label == "late-wrong"}
    return Corpus(papers, dict(api_days), dict(digest_days), pairs, wrong, unsure, late)


def answer_of(paper: Paper) -> dict[str, object] | None:
    """A real summary as the model is asked to answer it; None unless it has all three."""
    if not all(paper.sections.get(name) for name in SECTIONS.values()):
        return None
    return {key: paper.sections[name] for key, name in SECTIONS.items()}


class BenchMeaning:
    """``Meaning`` over vectors the bench computed (the bot's is bot.understand.meaning)."""

    def __init__(self, embedder, ids: list[str], vectors: np.ndarray) -> None:
        self._embedder = embedder
        self._ids = ids
        self._row = {a: i for i, a in enumerate(ids)}
        self._vectors = vectors
        self._cache: dict[str, np.ndarray] = {}
        self.embed_seconds = 0.0

    def _vector(self, text: str) -> np.ndarray:
        if text not in self._cache:
            started = time.perf_counter()
            self._cache[text] = self._embedder.query(text)
            self.embed_seconds += time.perf_counter() - started
        return self._cache[text]

    def prime(self, texts: list[str]) -> None:
        """Embed many summaries in batches (the bench's speed; the bot embeds one at a time)."""
        todo = [t for t in dict.fromkeys(texts) if t not in self._cache]
        for text, vector in zip(todo, self._embedder.texts(todo), strict=True):
            self._cache[text] = vector

    def cosines(self, text, arxiv_ids):
        query = self._vector(text)
        return {a: float(self._vectors[self._row[a]] @ query) for a in arxiv_ids if a in self._row}

    def nearest(self, text, k):
        scores = self._vectors @ self._vector(text)
        top = np.argpartition(-scores, k)[:k]
        return [self._ids[i] for i in top[np.argsort(-scores[top])]]


@dataclass(frozen=True)
class Measure:
    judged: int
    kept: int
    swapped_kept: int  # (a)
    similar_kept: int  # (b)
    refused: dict[str, int]

    @property
    def recall(self) -> float:
        return self.kept / self.judged

    @property
    def precision_day(self) -> float:
        return self.kept / (self.kept + self.swapped_kept)

    @property
    def precision_similar(self) -> float:
        return self.kept / (self.kept + self.similar_kept)

    def line(self) -> str:
        return (
            f"recall {self.recall:.3f} ({self.kept}/{self.judged}); precision (a) same day"
            f" {self.precision_day:.4f} ({self.swapped_kept} kept), (b) most similar"
            f" {self.precision_similar:.4f} ({self.similar_kept} kept); refused {self.refused}"
        )


def build_judge(corpus: Corpus, words_only: bool) -> tuple[Judge, BenchMeaning | None]:
    """The check over the whole corpus as an archive, the pairs' papers English-only."""
    pairs = set(corpus.pairs)
    papers = [corpus.english(a) if a in pairs else corpus.papers[a] for a in sorted(corpus.papers)]
    meaning = None
    if not words_only:
        from bot.understand.embedder import load_embedder

        embedder = load_embedder()
        if embedder is None:
            raise SystemExit("bench: the sentence encoder did not load; try --words")
        meaning = BenchMeaning(embedder, [p.arxiv_id for p in papers], embedder.papers(papers))
    return Judge((Reference.of(p) for p in papers), meaning), meaning


def most_similar(corpus: Corpus, meaning: BenchMeaning | None, ids: list[str]) -> dict[str, str]:
    """For each paper, the most similar other good pair by paper vector (by shared rare terms
    when there is no encoder)."""
    good = corpus.good
    if meaning is not None:
        rows = [meaning._row[a] for a in good]
        vectors = meaning._vectors[rows]
        sims = vectors @ vectors.T
        np.fill_diagonal(sims, -9)
        best = {a: good[int(np.argmax(sims[i]))] for i, a in enumerate(good)}
        return {a: best[a] for a in ids}
    weights = TermWeights(Reference.of(corpus.english(a)).terms for a in good)
    refs = {a: Reference.of(corpus.english(a)).terms for a in good}
    out = {}
    for a in ids:
        out[a] = max(
            (b for b in good if b != a),
            key=lambda b: sum(weights.weight(t) for t in refs[a] & refs[b]),
        )
    return out


def measure(corpus: Corpus, judge: Judge, ids: list[str], similar: dict[str, str]) -> Measure:
    """Model answers (three-part summaries) judged for their own paper, (a) and (b)."""
    rng = random.Random(SEED)
    good = set(corpus.good)
    kept = swapped = close = judged = 0
    refused: dict[str, int] = defaultdict(int)
    for arxiv_id in ids:
        answer = answer_of(corpus.papers[arxiv_id])
        if answer is None:
            continue
        paper = judge.references[arxiv_id]
        day_ids = corpus.api_days.get(corpus.papers[arxiv_id].date, [])
        judged += 1
        verdict = judge.answer(answer, "ko", paper, day_ids)
        kept += verdict.ok
        if not verdict.ok:
            refused[verdict.reason or ""] += 1
        others = [a for a in day_ids if a != arxiv_id and a in good]
        if others:
            swap = answer_of(corpus.papers[rng.choice(others)])
            swapped += swap is not None and judge.answer(swap, "ko", paper, day_ids).ok
        near = answer_of(corpus.papers[similar[arxiv_id]])
        close += near is not None and judge.answer(near, "ko", paper, day_ids).ok
    return Measure(judged, kept, swapped, close, dict(refused))


@dataclass(frozen=True)
class DigestVerdicts:
    """The corpus's digest summaries as the bot judges them (bot.summarize.verify)."""

    summaries: int
    judged: int  # with an abstract
    withheld: list[str]
    thin_failing: int  # without an abstract: shown unjudged; the title rule would withhold these


def digest_failures(corpus: Corpus, judge: Judge) -> DigestVerdicts:
    """Every digest summary of the corpus, its paper as the bot would hold it: with the
    abstract where the API listed it (judged), else its title alone (shown unjudged)."""
    withheld = []
    summaries = judged = thin_failing = 0
    full = {a: Reference.of(p) for a, p in corpus.papers.items()}
    seen: set[str] = set()
    for day, ids in corpus.digest_days.items():
        listed = list(dict.fromkeys(ids + corpus.api_days.get(day, [])))
        for arxiv_id in dict.fromkeys(ids):
            text = corpus.papers[arxiv_id].summary_text
            if not text or arxiv_id in seen:
                continue
            seen.add(arxiv_id)
            summaries += 1
            ok = judge.about(text, full[arxiv_id], listed)
            if full[arxiv_id].thin:
                thin_failing += not ok
                continue
            judged += 1
            if not ok:
                withheld.append(arxiv_id)
    return DigestVerdicts(summaries, judged, withheld, thin_failing)


def claim_rate(corpus: Corpus) -> tuple[int, int]:
    """Good summaries stating a percentage or multiplier their abstract does not."""
    flagged = sum(
        bool(unsupported_claims(corpus.papers[a].summary_text, Reference.of(corpus.papers[a])))
        for a in corpus.good
    )
    return flagged, len(corpus.good)


def padded_archive(judge: Judge, size: int) -> tuple[list[Reference], BenchMeaning | None]:
    """The corpus's references and, up to ``size``, papers stitched together from one
    sentence of each of five real ones: the topics and words of the real archive, without
    a near copy of any real paper (a copy would be a perfect rival, which no archive holds).
    Their vectors are the mean of their sources'."""
    references = list(judge.references.values())
    full = [r for r in references if not r.thin]
    rng = random.Random(SEED)
    meaning = judge.meaning
    vectors = []
    padded = list(references)
    while len(padded) < size:
        sources = rng.sample(full, STITCHED)
        text = ". ".join(rng.choice(r.text.split(". ")) for r in sources)
        padded.append(Reference(f"pad{len(padded)}", rng.choice(full).title, text))
        if isinstance(meaning, BenchMeaning):
            rows = [meaning._row[r.arxiv_id] for r in sources if r.arxiv_id in meaning._row]
            mean = meaning._vectors[rows].mean(axis=0) if rows else meaning._vectors[0]
            vectors.append(mean / np.linalg.norm(mean))
    if not isinstance(meaning, BenchMeaning):
        return padded, None
    ids = meaning._ids + [r.arxiv_id for r in padded[len(references) :]]
    stacked = np.vstack([meaning._vectors, *vectors]) if vectors else meaning._vectors
    return padded, BenchMeaning(meaning._embedder, ids, stacked.astype(np.float32))


def cost_at(judge: Judge, corpus: Corpus, size: int, samples: int = 300) -> tuple[float, float]:
    """Milliseconds a check of a real summary takes with ``size`` papers in the archive, its
    sentence encoder's time included, and the share of checks that needed the encoder."""
    padded, meaning = padded_archive(judge, size)
    big = Judge(padded, meaning)
    ids = [a for a in corpus.good if answer_of(corpus.papers[a])][:samples]
    started = time.perf_counter()
    for arxiv_id in ids:
        day_ids = corpus.api_days.get(corpus.papers[arxiv_id].date, [])
        answer = answer_of(corpus.papers[arxiv_id])
        big.answer(answer, "ko", big.references[arxiv_id], day_ids)
    encoded = len(meaning._cache) / len(ids) if meaning is not None else 0.0
    return (time.perf_counter() - started) / len(ids) * 1000, encoded


def main() -> None:
    parser = argparse.ArgumentParser(prog="python -m bench.summary_check")
    parser.add_argument("--words", action="store_true", help="without the sentence encoder")
    args = parser.parse_args()
    if not CORPUS.is_dir():
        raise SystemExit(f"bench: {CORPUS} not found; the benchmark needs ../shared/corpus")
    corpus = load_corpus()
    tune, test = corpus.halves()
    print(f"pairs {len(corpus.pairs):,}: {len(corpus.good):,} good, {len(corpus.wrong)} wrong")
    judge, meaning = build_judge(corpus, args.words)
    mode = "words only" if meaning is None else "words and meaning (USE)"
    print(f"archive {len(judge.references):,} papers; check: {mode}")
    similar = most_similar(corpus, meaning, corpus.good)
    if meaning is not None:
        meaning.prime([gist(corpus.papers[a].summary_text) for a in corpus.pairs])
    for name, part in (("tune", tune), ("test", test)):
        print(f"{name} half: {measure(corpus, judge, part, similar).line()}")
    digest = digest_failures(corpus, judge)
    labelled = [a for a in digest.withheld if a in corpus.pairs]
    caught = sum(a in corpus.wrong for a in labelled)
    late = sum(a in corpus.late_wrong for a in labelled)
    print(
        f"digest summaries: {digest.summaries:,}; {digest.judged:,} with an abstract judged,"
        f" {len(digest.withheld)} withheld ({caught}/{len(corpus.wrong)} labelled wrong ones"
        f" caught, {late} found wrong on a second reading, {len(labelled) - caught - late}"
        f" good ones withheld); without an abstract"
        f" {digest.summaries - digest.judged:,} shown unjudged (the title rule would withhold"
        f" {digest.thin_failing})"
    )
    flagged, total = claim_rate(corpus)
    print(f"good summaries stating a % or multiplier the abstract does not: {flagged / total:.3f}")
    padded, big_meaning = padded_archive(judge, 20_000)
    if big_meaning is not None:
        big_meaning.prime([gist(corpus.papers[a].summary_text) for a in corpus.pairs])
    big = Judge(padded, big_meaning)
    print(f"test half, archive padded to 20,000: {measure(corpus, big, test, similar).line()}")
    for size in (5_000, 20_000, 50_000):
        ms, encoded = cost_at(judge, corpus, size)
        print(f"cost of a check at {size:,} papers: {ms:.2f} ms ({encoded:.0%} needed the encoder)")


if __name__ == "__main__":
    main()
