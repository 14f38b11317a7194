"""The region's local time everywhere: hourly buckets, the briefing's hour, a message's own zone; the registry."""

from __future__ import annotations

from datetime import UTC, datetime, timedelta
from zoneinfo import ZoneInfo

import pytest

from app.analytics.hourly import by_category
from app.briefing.figures import compute_figures, period_phrase
from app.briefing.schedule import BriefingSchedule, period_end_for
from app.common.timeutil import set_local_zone, to_local
from app.region import (
    message_local_time,
    message_zone,
    region,
    region_bounds,
    region_centre,
    region_of_point,
    region_outline,
    regions,
    search_regions,
)
from tests.analytics_helpers import add

MOMENT = datetime(2025, 1, 15, 0, 30, tzinfo=UTC)  # 09:30 in Yakutsk (UTC+9), 03:30 in Moscow (UTC+3)


@pytest.mark.parametrize(("code", "hour"), [("RU-SA", 9), ("RU-MOW", 3)])
def test_the_same_message_lands_in_the_local_hour_of_the_centre(store, code, hour):
    add(store, [MOMENT])
    set_local_zone(region(code).zone)
    series = by_category(store, MOMENT - timedelta(hours=6), MOMENT + timedelta(hours=6))
    (bucket,) = [h for h, n in zip(series.hours, series.total(), strict=True) if n]
    assert to_local(bucket).hour == hour and to_local(bucket).minute == 0


def test_kamchatka_briefing_at_noon_covers_eleven_to_noon_local(store):
    kamchatka = region("RU-KAM").zone
    set_local_zone(kamchatka)
    noon = datetime(2025, 2, 3, 12, 0, tzinfo=kamchatka)
    run = BriefingSchedule().next_run(noon - timedelta(minutes=20))
    assert run == noon and period_end_for(run) == noon
    add(store, [datetime(2025, 2, 3, 11, 40, tzinfo=kamchatka), datetime(2025, 2, 3, 10, 50, tzinfo=kamchatka)])
    figures = compute_figures(store, period_end_for(run), region("RU-KAM").name)
    assert period_phrase(figures) == "с 11:00 до 12:00 03.02.2025"
    assert figures.hour_total == 1


def test_a_subject_spanning_zones_places_a_message_by_its_municipality():
    yakutia = region("RU-SA").name
    published = datetime(2025, 1, 15, 3, 0, tzinfo=UTC)
    assert message_local_time(published, yakutia, "Якутск").hour == 12  # UTC+9
    assert message_local_time(published, yakutia, "Оймяконский улус (район)").hour == 13  # UTC+10
    assert message_local_time(published, yakutia, "Среднеколымский район").hour == 14  # UTC+11
    assert message_local_time(published, "Москва", None).utcoffset() == timedelta(hours=3)
    assert message_zone(None) == ZoneInfo(region("RU-KDA").zones[0])  # unknown place: the centre's zone


def test_registry_has_the_89_subjects_with_official_names():
    subjects = regions()
    assert len(subjects) == 89 and len({s.code for s in subjects}) == 89
    assert region("RU-SA").name == "Республика Саха (Якутия)" and region("RU-SA").zones[1:] == (
        "Asia/Vladivostok", "Asia/Srednekolymsk")
    assert region("RU-KEM").name == "Кемеровская область — Кузбасс"
    assert region("RU-TA").official == "Республика Татарстан (Татарстан)"
    assert [r.code for r in search_regions("якут")] == ["RU-SA"]
    assert search_regions("RU-KAM")[0].code == "RU-KAM" and search_regions("кузбасс")[0].code == "RU-KEM"
    assert search_regions("")[0].code == subjects[0].code and not search_regions("Атлантида")


def test_outlines_carry_the_registry_names(geodata):
    names = {f["properties"]["code"]: f["properties"]["name"] for f in geodata["features"]}
    assert names["RU-SA"] == "Республика Саха (Якутия)" and names["RU-ALT"] == "Алтайский край"
    assert names["RU-MOW"] == "Москва" and names["RU-CR"] == "Республика Крым"
    assert all(name == region(code).name for code, name in names.items())
    assert region_of_point(55.75, 37.62) == "Москва" and region_of_point(55.35, 86.09) == region("RU-KEM").name
    assert region_of_point(66.16, -169.8) == "Чукотский автономный округ"  # east of 180°
    south, west, north, east = region_bounds("RU-CHU") or (0, 0, 0, 0)
    assert west < 180 < east and north > south
    assert region_centre("RU-KAM") is not None and region_outline("RU-DNR")["features"] == []


@pytest.fixture
def geodata() -> dict:
    from app.region.geodata import region_features

    return {"features": list(region_features())}
