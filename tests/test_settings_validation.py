"""Settings refuse what would not work, each with a sentence that makes sense."""

from __future__ import annotations

from dataclasses import replace
from pathlib import Path

import pytest

from app.settings import Settings, validate


@pytest.mark.parametrize(("changes", "expected", "absent"), [
    ({"work_start_hour": 25}, "допустимо от 0 до 23, указано 25", "от 26"),
    ({"work_start_hour": 19, "work_end_hour": 18}, "Начало рабочего дня должно быть раньше его конца", "допустимо"),
    ({"first_answer_hours": 0}, "допустимо от 1 до 72, указано 0", "от 1 до 0"),
    ({"feed_url": "http://[::1"}, "адрес записан с ошибкой", "Invalid"),
    ({"feed_url": "http://host:99999/x"}, "адрес записан с ошибкой", "out of range"),
])
def test_bad_values_are_refused_with_sensible_words(changes: dict, expected: str, absent: str) -> None:
    errors = "; ".join(validate(replace(Settings(), **changes)))
    assert expected in errors and absent not in errors, errors


def test_files_must_be_what_their_setting_says(tmp_path: Path) -> None:
    text = tmp_path / "passwd"
    text.write_text("root:x:0:0:root:/root:/bin/bash\n", encoding="utf-8")
    errors = validate(replace(Settings(), mbtiles_path=str(text), population_file=str(text)))
    assert any("это не MBTiles и не PMTiles" in e for e in errors), errors
    assert any("это не таблица численности" in e for e in errors), errors
    table = tmp_path / "population.csv"
    table.write_text("region,municipality,population,year,source\n", encoding="utf-8")
    assert validate(replace(Settings(), population_file=str(table))) == []
