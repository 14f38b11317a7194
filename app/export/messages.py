"""Stored messages as a table operators open in Excel, and the stable way for anything outside to read them.

Columns carry Russian labels; categories and statuses appear as labels with their
codes in separate columns for machines. Times are local where each message was written
(its subject's zone, or its municipality's where the subject spans several) and carry the offset.
Public text is defused (``safe_cell``); files appear whole (``atomic_target``).
Rows are read in id order, a chunk at a time, so memory stays flat for any size.
"""

from __future__ import annotations

import csv
import json
from collections.abc import Iterator
from datetime import datetime
from pathlib import Path
from typing import Any

from sqlalchemy import select

from app.categories import label
from app.common.cells import safe_cell
from app.common.files import atomic_target
from app.ops.statuses import status_label
from app.region import message_local_time
from app.store import Agency, Message, Store

MESSAGE_FORMATS = ("csv", "xlsx", "geojson", "gpkg", "kml", "kmz", "shp")
CHUNK = 5000
COLUMNS = (
    ("id", "№"), ("source", "Источник"), ("external_id", "Внешний идентификатор"),
    ("published_at", "Опубликовано (местное время)"), ("text", "Текст"), ("category_label", "Категория"),
    ("category", "Код категории"), ("secondary_label", "Вторая категория"), ("secondary", "Код второй категории"),
    ("settlement", "Населённый пункт"), ("municipality", "Муниципалитет"), ("region", "Регион"),
    ("lat", "Широта"), ("lon", "Долгота"), ("status_label", "Статус"), ("status", "Код статуса"),
    ("agency", "Ведомство"), ("incident_id", "Происшествие"), ("is_complaint", "Жалоба"),
)


def message_rows(store: Store, start: datetime | None, end: datetime | None) -> Iterator[dict[str, object]]:
    """Messages published in [start, end) as plain dicts keyed like ``COLUMNS``, in id order, chunk by chunk."""
    stmt = (select(Message.id, Message.source, Message.external_id, Message.published_at, Message.text,
                   Message.category, Message.secondary_category, Message.settlement, Message.municipality,
                   Message.region, Message.lat, Message.lon, Message.status, Agency.name, Message.incident_id,
                   Message.is_complaint)
            .outerjoin(Agency, Agency.id == Message.agency_id).order_by(Message.id))
    if start is not None:
        stmt = stmt.where(Message.published_at >= start)
    if end is not None:
        stmt = stmt.where(Message.published_at < end)
    last = 0
    while True:
        with store.engine.connect() as conn:
            chunk = conn.execute(stmt.where(Message.id > last).limit(CHUNK)).all()
        yield from (_row(r) for r in chunk)
        if len(chunk) < CHUNK:
            return
        last = chunk[-1].id


def _row(r: Any) -> dict[str, object]:
    (mid, source, external, published, text, category, secondary, settlement, municipality, region, lat, lon,
     status, agency, incident, complaint) = tuple(r)
    return {"id": mid, "source": source, "external_id": external,
            "published_at": message_local_time(published, region, municipality).isoformat(timespec="seconds"),
            "text": text,
            "category_label": label(category), "category": category,
            "secondary_label": label(secondary) if secondary else None, "secondary": secondary,
            "settlement": settlement, "municipality": municipality, "region": region, "lat": lat, "lon": lon,
            "status_label": status_label(status), "status": status, "agency": agency, "incident_id": incident,
            "is_complaint": "да" if complaint else "нет"}


def _csv(rows: Iterator[dict[str, object]], path: Path) -> int:
    count = 0
    with open(path, "w", encoding="utf-8-sig", newline="") as handle:
        writer = csv.writer(handle)
        writer.writerow([title for _key, title in COLUMNS])
        for row in rows:
            writer.writerow([safe_cell(row[key]) for key, _title in COLUMNS])
            count += 1
    return count


def _xlsx(rows: Iterator[dict[str, object]], path: Path) -> int:
    from openpyxl import Workbook

    from app.export.tables import save_workbook

    book = Workbook(write_only=True)
    sheet = book.create_sheet("Сообщения")
    sheet.append([title for _key, title in COLUMNS])
    count = 0
    for row in rows:
        sheet.append([safe_cell(row[key]) for key, _title in COLUMNS])
        count += 1
    save_workbook(book, path)
    return count


def _geojson(rows: Iterator[dict[str, object]], path: Path) -> int:
    count = 0
    with open(path, "w", encoding="utf-8") as handle:
        handle.write('{"type": "FeatureCollection", "features": [\n')
        for row in rows:
            if row["lat"] is None or row["lon"] is None:
                continue
            feature = {"type": "Feature", "geometry": {"type": "Point", "coordinates": [row["lon"], row["lat"]]},
                       "properties": {k: v for k, v in row.items() if k not in ("lat", "lon")}}
            handle.write((",\n" if count else "") + json.dumps(feature, ensure_ascii=False))
            count += 1
        handle.write("\n]}\n")
    return count


_WRITERS = {"csv": _csv, "xlsx": _xlsx, "geojson": _geojson}


def export_messages(store: Store, fmt: str, path: str | Path, start: datetime | None = None,
                    end: datetime | None = None) -> int:
    """Write the messages published in [start, end) as ``fmt``; returns how many rows were written.

    CSV, XLSX and GeoJSON keep their full column names (the stable interface for programs); GeoPackage,
    KML/KMZ and Shapefile go through GDAL with the short field names of ``app.export.layers``.
    """
    if fmt in ("gpkg", "kml", "kmz", "shp"):
        from app.export.gis import export_layer
        from app.export.layers import messages_layer

        return export_layer(messages_layer(store, start, end), fmt, path)
    if fmt not in _WRITERS:
        raise ValueError(f"неизвестный формат «{fmt}»: допустимо {', '.join(MESSAGE_FORMATS)}")
    with atomic_target(path) as temporary:
        return _WRITERS[fmt](message_rows(store, start, end), temporary)
