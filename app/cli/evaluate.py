"""Quality figures of classification and place extraction on a labelled JSONL set.

Settlements are compared with ё folded to е: labellers often write «Тимашевск»
for the official «Тимашёвск», which the classifier outputs (the same place).
"""

from __future__ import annotations

import json
from collections.abc import Sequence
from dataclasses import dataclass
from pathlib import Path

from app.categories import CODES
from app.common.timeutil import utcnow
from app.intake.enrich import NOWHERE, Placement, enrich
from app.intake.writer import Incoming
from app.text.morph import normalize


@dataclass(frozen=True)
class CategoryScore:
    """Precision, recall and F1 of one category."""

    code: str
    support: int
    precision: float
    recall: float
    f1: float


@dataclass(frozen=True)
class Evaluation:
    """Figures of one labelled set."""

    size: int
    accuracy: float
    macro_f1: float
    complaint_accuracy: float
    settlement_accuracy: float
    named: int
    null_rate: float
    unnamed: int
    region_accuracy: float
    per_category: tuple[CategoryScore, ...]


def load_labelled(path: Path) -> list[dict]:
    """Records with id, text, category, is_complaint, settlement, region."""
    return [json.loads(line) for line in path.read_text(encoding="utf-8").splitlines() if line.strip()]


def _score(code: str, gold: Sequence[str], predicted: Sequence[str]) -> CategoryScore:
    tp = sum(g == p == code for g, p in zip(gold, predicted, strict=True))
    fp = sum(p == code and g != code for g, p in zip(gold, predicted, strict=True))
    fn = sum(g == code and p != code for g, p in zip(gold, predicted, strict=True))
    precision = tp / (tp + fp) if tp + fp else 0.0
    recall = tp / (tp + fn) if tp + fn else 0.0
    f1 = 2 * precision * recall / (precision + recall) if precision + recall else 0.0
    return CategoryScore(code, tp + fn, precision, recall, f1)


def same_settlement(gold: str | None, predicted: str | None) -> bool:
    """Whether two settlement names are the same place, with ё and е treated alike."""
    if gold is None or predicted is None:
        return gold is predicted
    return normalize(gold) == normalize(predicted)


def _share(hits: Sequence[bool]) -> float:
    return sum(hits) / len(hits) if hits else 1.0


def evaluate(records: Sequence[dict], placement: Placement = NOWHERE) -> Evaluation:
    """Run the pipeline's enrich step over the records and compare with their labels."""
    out = [enrich(Incoming(source="eval", text=r["text"], published_at=utcnow()), placement) for r in records]
    gold, predicted = [r["category"] for r in records], [o.category for o in out]
    scores = tuple(_score(code, gold, predicted) for code in CODES if code in gold)
    named = [(r, o) for r, o in zip(records, out, strict=True) if r.get("settlement")]
    unnamed = [o for r, o in zip(records, out, strict=True) if not r.get("settlement")]
    return Evaluation(
        size=len(records), accuracy=_share([g == p for g, p in zip(gold, predicted, strict=True)]),
        macro_f1=sum(s.f1 for s in scores) / len(scores) if scores else 0.0,
        complaint_accuracy=_share([r["is_complaint"] == o.is_complaint for r, o in zip(records, out, strict=True)]),
        settlement_accuracy=_share([same_settlement(r["settlement"], o.settlement) for r, o in named]),
        named=len(named),
        null_rate=_share([o.settlement is None for o in unnamed]), unnamed=len(unnamed),
        region_accuracy=_share([r.get("region") == o.region for r, o in zip(records, out, strict=True)]),
        per_category=scores)


def markdown(title: str, result: Evaluation) -> str:
    """The figures as a Markdown section (per-category table plus totals)."""
    lines = [f"### {title} ({result.size} messages)", "", "| category | n | precision | recall | F1 |",
             "|---|---:|---:|---:|---:|"]
    lines += [f"| {s.code} | {s.support} | {s.precision:.2f} | {s.recall:.2f} | {s.f1:.2f} |"
              for s in result.per_category]
    lines += ["", f"- category accuracy: {result.accuracy:.3f}; macro-F1: {result.macro_f1:.3f}",
              f"- complaint flag accuracy: {result.complaint_accuracy:.3f}",
              f"- settlement accuracy (messages naming one, n={result.named}): {result.settlement_accuracy:.3f}",
              f"- null settlement on messages naming none (n={result.unnamed}): {result.null_rate:.3f}",
              f"- region accuracy: {result.region_accuracy:.3f}", ""]
    return "\n".join(lines)
