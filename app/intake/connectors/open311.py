"""Open311 GeoReport v2 ``requests.json``: citizens' requests with status, service, times, address, place.

Requests are asked by window (``start_date``/``end_date``, ISO 8601). A server answers at most
its own cap of requests per query (1,000 by default in the specification's examples): a window
that comes back full is halved and asked again, so nothing is lost; a window read whole moves
``since`` on. A request whose ``updated_datetime`` is later than the stored one is an edit (its
description or status changed).
"""

from __future__ import annotations

from collections.abc import Iterator
from datetime import UTC, datetime, timedelta
from typing import Any

from app.intake.connectors.base import (
    Cursor,
    Fetcher,
    Page,
    PollContext,
    SourceError,
    SourceSpec,
    short_hash,
    status_error,
    text_of,
)
from app.intake.http import Reply
from app.intake.jsonpage import BadItem, PageError, loads_page, safe_dumps
from app.intake.validate import RawRecord, Rejection, clip_raw

DEFAULT_CAP = 1000
DEFAULT_WINDOW = timedelta(days=1)
MIN_WINDOW = timedelta(minutes=1)
STATUS_RU = {"open": "открыта", "closed": "закрыта"}


def _requests(reply: Reply) -> list[Any]:
    try:
        document = loads_page(text_of(reply))
    except PageError as exc:
        raise status_error(reply) or SourceError(f"Open311 вернул не JSON: {exc}", raw=text_of(reply)[:65536]) \
            from exc
    failed = status_error(reply)
    if failed is not None:
        if isinstance(document, list) and document and isinstance(document[0], dict):
            failed = SourceError(f"{failed}: {str(document[0].get('description', ''))[:200]}", failed.retry)
        raise failed
    if not isinstance(document, list):
        raise SourceError("ответ Open311 не является списком заявок", retry=False, raw=text_of(reply)[:65536])
    return document


def _iso(moment: datetime) -> str:
    return moment.astimezone(UTC).strftime("%Y-%m-%dT%H:%M:%SZ")


def _parse(text: object) -> datetime | None:
    try:
        moment = datetime.fromisoformat(str(text).replace("Z", "+00:00"))
    except ValueError:
        return None
    return moment if moment.tzinfo else moment.replace(tzinfo=UTC)


class Open311:
    """``{address}/requests.json`` of one GeoReport v2 endpoint."""

    def __init__(self, spec: SourceSpec) -> None:
        self.spec = spec
        self.origin = ("open311:" + short_hash(spec.address))[:64]
        self.cap = int(spec.parameters.get("cap", DEFAULT_CAP))

    def _url(self) -> str:
        address = self.spec.address.rstrip("/")
        return address if address.endswith(".json") else address + "/requests.json"

    def pages(self, cursor: Cursor, fetch: Fetcher, context: PollContext) -> Iterator[Page]:
        since = _parse(cursor.get("since")) or context.now - timedelta(seconds=float(
            self.spec.parameters.get("window_s", DEFAULT_WINDOW.total_seconds())))
        until = _parse(cursor.get("until")) or context.now
        while True:
            params: dict[str, object] = {"start_date": _iso(since), "end_date": _iso(until)}
            if self.spec.parameters.get("jurisdiction_id"):
                params["jurisdiction_id"] = self.spec.parameters["jurisdiction_id"]
            found = fetch.get(self._url(), params, {"Accept": "application/json"}, _requests)
            if len(found) >= self.cap and until - since > MIN_WINDOW:
                until = since + (until - since) / 2  # a full answer may hide more: ask for the older half
                continue
            records = [self._record(item) for item in found[:self.cap]]
            done = until >= context.now
            since, until = until, context.now
            yield Page(records, {"since": _iso(since), "until": None if done else _iso(until)})
            if done:
                return

    def _record(self, item: object) -> RawRecord | Rejection:
        location = f"Open311 «{self.spec.name}»"
        if isinstance(item, BadItem):
            return Rejection(self.origin, location, item.reason, clip_raw(item.raw))
        raw = safe_dumps(item)
        if not isinstance(item, dict) or item.get("service_request_id") in (None, ""):
            return Rejection(self.origin, location, "заявка Open311 без service_request_id", clip_raw(raw))
        requested, updated = _parse(item.get("requested_datetime")), _parse(item.get("updated_datetime"))
        key = str(item["service_request_id"])
        fields = {"id": key if len(key) <= 128 else "u:" + short_hash(key, 40), "time": item.get("requested_datetime"),
                  "text": _text(item), "address": item.get("address"), "lat": item.get("lat"),
                  "lon": item.get("long"), "source": self.spec.name[:64],
                  "edited": item.get("updated_datetime") if requested and updated and updated > requested else None}
        return RawRecord(fields, f"{location}, заявка {fields['id']}"[:512], raw, self.spec.name[:64], self.origin)


def _text(item: dict[str, Any]) -> str:
    """The description with the service and the status, as the operator reads it."""
    description = str(item.get("description") or "").strip()
    service = str(item.get("service_name") or "").strip()
    status = STATUS_RU.get(str(item.get("status") or "").lower(), str(item.get("status") or ""))
    notes = str(item.get("status_notes") or "").strip()
    head = f"{service}: {description}" if service and description else description or service
    tail = "; ".join(p for p in (f"статус: {status}" if status else "", notes) if p)
    return f"{head} ({tail})" if head and tail else head
