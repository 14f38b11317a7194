"""Quality of category and place on the labelled sets, as Markdown.

Run: ``.venv/bin/python bench/eval_classify.py [--json]`` (from the repository root).
tests/data/dev_messages.jsonl is the development set (rules were tuned on it);
tests/data/holdout_messages.jsonl was written before tuning and never tuned on (same author as dev);
tests/data/unseen_a.jsonl and unseen_b.jsonl were written later by two independent writers who never
saw the classifier or the other sets. A was measured untouched once, then tuned on; B has never been
looked at by anyone tuning the rules — it is the honest estimate for text the project has not seen.
tests/data/russia_a.jsonl and russia_b.jsonl are messages from across Russia outside the south, by two
more independent writers: A was measured once before tuning and then tuned on; B is only ever measured.

The southern sets are placed as a headquarters covering the five southern subjects would place them
(Krasnodar Krai with Rostov, Crimea, Sevastopol and Volgograd as neighbours, as after the 2023 storm);
the sets from across Russia as a federal centre would (no region of its own).
"""

from __future__ import annotations

import sys
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(ROOT))

from app.cli.evaluate import evaluate, load_labelled, markdown  # noqa: E402
from app.intake.enrich import NOWHERE, Placement  # noqa: E402
from bench.common import emit  # noqa: E402

SOUTH = Placement("Краснодарский край", None,
                  ("Ростовская область", "Республика Крым", "Севастополь", "Волгоградская область"))
SETS = (("Development set", "dev_messages.jsonl", SOUTH),
        ("Holdout set (unseen while tuning)", "holdout_messages.jsonl", SOUTH),
        ("Independent set A (tuned on after its first measurement)", "unseen_a.jsonl", SOUTH),
        ("Independent set B (never tuned on)", "unseen_b.jsonl", SOUTH),
        ("Russia set A (measured once, then tuned on)", "russia_a.jsonl", NOWHERE),
        ("Russia set B (never tuned on)", "russia_b.jsonl", NOWHERE))


def main() -> int:
    figures = {}
    for title, name, placement in SETS:
        result = evaluate(load_labelled(ROOT / "tests" / "data" / name), placement)
        figures[name] = {"size": result.size, "accuracy": result.accuracy, "macro_f1": result.macro_f1,
                         "settlement": result.settlement_accuracy, "region": result.region_accuracy,
                         "null": result.null_rate}
        print(markdown(title, result))
    if "--json" in sys.argv:
        emit(figures)
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
