"""Settlements from inflected text, streets named after towns, municipalities by STRtree."""

from __future__ import annotations

from pathlib import Path

import pytest

from app.gazetteer.build.names import russian_name
from app.gazetteer.lookup import Gazetteer, GazetteerMissingError, gazetteer
from app.region import RegionPackError, load_region_pack
from app.text.places import locate_text

# The southern tests read as a headquarters covering the five southern subjects (the 2023 storm) would.
SOUTH = ("Краснодарский край", "Ростовская область", "Республика Крым", "Севастополь", "Волгоградская область")


@pytest.mark.parametrize(("text", "settlement", "region"), [
    ("в Горячем Ключе нет света", "Горячий Ключ", "Краснодарский край"),
    ("горячий ключ без воды", "Горячий Ключ", "Краснодарский край"),
    ("станица Кущевская без электричества", "Кущёвская", "Краснодарский край"),
    ("у нас в Ейске опять", "Ейск", "Краснодарский край"),
    ("в Армавире прорвало трубу", "Армавир", "Краснодарский край"),
    ("ЮМР батареи ледяные", "Краснодар", "Краснодарский край"),
    ("Крд, пробки", "Краснодар", "Краснодарский край"),
    ("Новорос без воды", "Новороссийск", "Краснодарский край"),
    ("Ростов, ЗЖМ, света нет", "Ростов-на-Дону", "Ростовская область"),
    ("в Каменске-Шахтинском нет воды", "Каменск-Шахтинский", "Ростовская область"),
    ("Симф, свет вырубили", "Симферополь", "Республика Крым"),
    ("Сева без света", "Севастополь", "Севастополь"),
    ("в Калаче-на-Дону света нет", "Калач-на-Дону", "Волгоградская область"),
    ("Сочи, Адлер — лифты стоят", "Сочи", "Краснодарский край"),
    ("ст. Елизаветинская — нет света", "Елизаветинская", "Краснодарский край"),
    ("Орловка, Севастополь — воды нет", "Орловка", "Севастополь"),
    ("в Белой Глине нет света", "Белая Глина", "Краснодарский край"),
])
def test_settlements_from_inflected_text(text: str, settlement: str, region: str) -> None:
    match = locate_text(text, SOUTH)
    assert (match.settlement, match.region) == (settlement, region)
    assert match.lat is not None and match.lon is not None


@pytest.mark.parametrize(("text", "settlement"), [
    ("Краснодар, Ростовское шоссе 30/7, нет света", "Краснодар"),
    ("Сочи, ул. Армавирская, воды нет", "Сочи"),
    ("Краснодар, ул. Ейская 12 — света нет", "Краснодар"),
    ("в михайловке на кирова опять свет вырубило", "Михайловка"),
    ("Армавир, трубу прорвало на Кропоткина", "Армавир"),
])
def test_streets_named_after_towns_are_not_towns(text: str, settlement: str) -> None:
    assert locate_text(text).settlement == settlement


@pytest.mark.parametrize("text", [
    "нет света уже 4 часа", "дорогу не чистят, гололед", "упало дерево на машину во дворе",
    "на Таганрогской улице яма", "ул. Кирова, 12 — нет воды", "в шахте лифта вода", "бора срывает крыши",
])
def test_no_place_named_gives_none(text: str) -> None:
    assert locate_text(text).settlement is None


def test_region_words_without_settlement() -> None:
    match = locate_text("в Крыму опять массовые отключения света")
    assert (match.settlement, match.region) == (None, "Республика Крым")


def test_street_and_house_as_text() -> None:
    assert locate_text("Ейск, ул. Свердлова 45, нет света").address == "ул. Свердлова, 45"


def test_region_context_ranks_namesakes() -> None:
    hits = {h.place.region for h in gazetteer().forms["михайловке"]}
    assert {"Волгоградская область", "Республика Крым"} <= hits
    assert locate_text("в Михайловке нет воды").region == "Волгоградская область"
    assert locate_text("в Михайловке нет воды", region_hint="Республика Крым").region == "Республика Крым"


def test_missing_gazetteer_fails_clearly(tmp_path: Path) -> None:
    with pytest.raises(GazetteerMissingError, match=r"app\.gazetteer\.build"):
        Gazetteer.load(tmp_path / "absent.json")


def test_one_pack_of_several_files_places_points_in_their_subjects(shared_data: Path) -> None:
    pack = load_region_pack(shared_data)  # the folder: boundaries/ with five files, population/
    assert set(pack.regions) == {"Краснодарский край", "Ростовская область", "Республика Крым", "Севастополь",
                                 "Волгоградская область"}
    assert len(pack.files) == 5 and len(pack.names) == 44 + 55 + 25 + 10 + 38
    krasnodar = load_region_pack(shared_data / "boundaries" / "krasnodar_krai_municipalities.geojson")
    assert len(krasnodar.names) == 44 and set(krasnodar.regions) == {"Краснодарский край"}
    assert krasnodar.locate(45.04534, 38.98178).name == "Краснодар"  # type: ignore[union-attr]
    assert krasnodar.locate(55.75, 37.62) is None
    assert pack.locate(47.2357, 39.7015).region == "Ростовская область"  # type: ignore[union-attr]


def test_curated_settlements_lie_in_their_region_pack(shared_data: Path) -> None:
    packs = {}
    for path in sorted((shared_data / "boundaries").glob("*.geojson")):
        single = load_region_pack(path)
        packs[single.regions[0]] = single
    misplaced = [p.name for p in gazetteer().places
                 if p.region in packs and p.kind and packs[p.region].locate(p.lat, p.lon) is None]
    assert misplaced == []


def test_bad_region_pack_is_reported(tmp_path: Path) -> None:
    broken = tmp_path / "crimea_municipalities.geojson"
    broken.write_text('{"type": "FeatureCollection", "features": [{"properties": {}}]}', encoding="utf-8")
    with pytest.raises(RegionPackError, match="crimea"):
        load_region_pack(broken)


@pytest.mark.parametrize(("text", "settlement", "region"), [
    ("на Ленина прорвало трубу", None, None),
    ("перекрёсток Мира и Ленина затоплен", None, None),
    ("х. Ленина, нет света", "Ленина", "Краснодарский край"),
    ("КРОПОТКИН УЛ КРАСНАЯ НЕТ СВЕТА", "Кропоткин", "Краснодарский край"),
    ("феодосия, третий день без воды. Кто ответит?", "Феодосия", "Республика Крым"),
    ("на ЮМРе опять нет света", "Краснодар", "Краснодарский край"),
    ("в КМРе прорвало трубу", "Краснодар", "Краснодарский край"),
    ("Штормовое предупреждение по краю, берегите себя", None, None),
    ("с. Штормовое без света", "Штормовое", "Республика Крым"),
    ("широкое поле за посёлком затопило", None, None),
    ("в Заозёрном нет воды", "Заозёрное", "Республика Крым"),
    ("Джубга, пляж в мусоре", "Джубга", "Краснодарский край"),
    ("Агой отрезан, мост смыло", "Агой", "Краснодарский край"),
    ("живём под Ейском, в Ясенской нет газа", "Ясенская", "Краснодарский край"),
    ("приехали из Москвы, а тут воды нет", None, None),
    ("Серафимович, Дон поднимается", "Серафимович", "Волгоградская область"),
])
def test_streets_common_words_and_reference_points(text: str, settlement: str | None, region: str | None) -> None:
    match = locate_text(text, SOUTH)
    assert (match.settlement, match.region) == (settlement, region)


@pytest.mark.parametrize(("text", "region"), [
    ("на Дону опять жара за сорок", "Ростовская область"),
    ("по всему Дону дороги замело", "Ростовская область"),
    ("пол-Крыма без света", "Республика Крым"),
    ("на Кубани снова ливни", "Краснодарский край"),
    ("в Прикубанском районе нет света", "Краснодарский край"),
])
def test_region_only_mentions(text: str, region: str) -> None:
    assert locate_text(text, SOUTH).region == region


def test_district_adjective_is_not_its_centre() -> None:
    assert locate_text("по Черноморскому району отключения").settlement is None
    assert locate_text("Ленинградская область, нет воды").region == "Ленинградская область"


def test_official_spelling_with_yo() -> None:
    assert locate_text("Тимашевск, нет газа").settlement == "Тимашёвск"
    assert locate_text("Заозерное, нет газа").settlement == "Заозёрное"


@pytest.mark.parametrize(("latin", "names", "russian"), [
    ("Zaozerne", ["Заозерне", "Заозерное"], "Заозёрное"),
    ("Tver", ["Калинин", "Твер", "Тверь"], "Тверь"),
    ("Tikhoretsk", ["Тихоретск", "Тихорецк"], "Тихорецк"),
    ("Voykovo", ["Войкове", "Войково"], "Войково"),
])
def test_russian_name_among_geonames_alternates(latin: str, names: list[str], russian: str) -> None:
    assert russian_name({"name": latin, "alternatenames": names}) == russian


@pytest.mark.parametrize(("text", "settlement", "region"), [
    ("в Питере нет горячей воды", "Санкт-Петербург", "Санкт-Петербург"),
    ("СПб, Купчино — батареи холодные", "Санкт-Петербург", "Санкт-Петербург"),
    ("Екб, Уралмаш: свет моргает", "Екатеринбург", "Свердловская область"),
    ("в Ёбурге опять пробки", "Екатеринбург", "Свердловская область"),
    ("Нск замерзает", "Новосибирск", "Новосибирская область"),
    ("в Новосибе прорвало трубу", "Новосибирск", "Новосибирская область"),
    ("Челяба, ЧМЗ — смог", "Челябинск", "Челябинская область"),
    ("на Красике нет света", "Красноярск", "Красноярский край"),
    ("Владик без воды", "Владивосток", "Приморский край"),
    ("в Хабаре снег не убирают", "Хабаровск", "Хабаровский край"),
    ("Ярик, Брагино — нет газа", "Ярославль", "Ярославская область"),
    ("в Южном снег по пояс", "Южно-Сахалинск", "Сахалинская область"),
    ("в Магнитке смог", "Магнитогорск", "Челябинская область"),
    ("Комса без тепла", "Комсомольск-на-Амуре", "Хабаровский край"),
    ("в Йошкар-Оле нет воды", "Йошкар-Ола", "Республика Марий Эл"),
    ("в Грозном нет света", "Грозный", "Чеченская Республика"),
    ("В Абакане прорыв", "Абакан", "Республика Хакасия"),
    ("в Усть-Катаве холодно в квартирах", "Усть-Катав", "Челябинская область"),
    ("Эгвекинот, Певек — связи нет", "Певек", "Чукотский автономный округ"),
    ("в Мелитополе отключения света", "Мелитополь", "Запорожская область"),
    ("Из Нижнего Тагила пишу: горячей воды нет", "Нижний Тагил", "Свердловская область"),
])
def test_places_across_russia(text: str, settlement: str, region: str) -> None:
    match = locate_text(text)
    assert (match.settlement, match.region) == (settlement, region)


@pytest.mark.parametrize(("text", "hint", "region"), [
    ("Кировск, Мурманская область — лавина", None, "Мурманская область"),  # a region named in the text first
    ("Киров (это Калужская обл) — свет отключили", None, "Калужская область"),
    ("в Кирове прорыв", None, "Кировская область"),  # else population
    ("в Кирове прорыв", "Калужская область", "Калужская область"),  # else the centre's region
    ("Советск, нет газа", "Кировская область", "Кировская область"),
    ("Железногорск (ЗАТО под Красноярском) — нет света", None, "Красноярский край"),  # a place named beside it
    ("Заречный Пензенской обл — горячей воды нет, а в Пензе есть", None, "Пензенская область"),
    ("Благовещенск, Башкирия — нет газа", None, "Республика Башкортостан"),
    ("в Михайловке нет воды", "Волгоградская область", "Волгоградская область"),
    ("Покровск, Хангаласский улус — холодно", None, "Республика Саха (Якутия)"),
])
def test_homonyms_by_region_named_then_centre_then_population(text: str, hint: str | None, region: str) -> None:
    assert locate_text(text, hint).region == region


@pytest.mark.parametrize("text", [
    "Зима пришла, а батареи холодные", "вада ржавая из крана", "Вода есть только на 1-2 этажах, выше не поднимается",
    "Двор не чистили с Нового года", "Холмский перевал закрыт", "Новая набережная красивая", "дорога в лесной зоне",
    "в мирное время такого не было",
])
def test_common_words_are_no_places_across_russia(text: str) -> None:
    assert locate_text(text).settlement is None


def test_official_region_names_of_places() -> None:
    assert locate_text("в Кемерове нет тепла").region == "Кемеровская область — Кузбасс"
    assert locate_text("в Якутске -50").region == "Республика Саха (Якутия)"
    assert locate_text("в Барнауле нет воды").region == "Алтайский край"
    assert locate_text("на Кубани ливни").region == "Краснодарский край"
    assert locate_text("по всей Якутии морозы").region == "Республика Саха (Якутия)"
    assert locate_text("ХМАО, пробки").region == "Ханты-Мансийский автономный округ — Югра"


def test_whole_country_gazetteer() -> None:
    gaz = gazetteer()
    regions = {p.region for p in gaz.places}
    assert len(gaz.places) > 5000 and len(regions) >= 85
    assert {"Республика Саха (Якутия)", "Чукотский автономный округ", "Калининградская область"} <= regions
