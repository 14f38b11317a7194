"""A starting agency directory for any region: the usual addressees by category, which the centre edits.

The names are generic (no region's company names): the centre renames them to its
own («Сетевая компания» → «ПАО „Россети Кубань“») in «Справочник ведомств». Each
entry says which categories it usually takes, so routing can suggest it.
"""

from __future__ import annotations

from dataclasses import dataclass

from sqlalchemy import select

from app.ops.routing import AgencyRow, list_agencies
from app.store import Agency, Store


@dataclass(frozen=True)
class Template:
    name: str
    kind: str
    categories: tuple[str, ...]


STARTING_DIRECTORY: tuple[Template, ...] = (
    Template("Сетевая компания (электросети)", "agency", ("power",)),
    Template("Энергосбытовая компания", "agency", ("power",)),
    Template("Водоканал", "agency", ("water", "flood")),
    Template("Теплоснабжающая организация", "agency", ("heating",)),
    Template("Газораспределительная организация", "agency", ("gas",)),
    Template("Управляющие компании и ЖКХ", "agency", ("heating", "water", "other")),
    Template("Дорожная служба", "agency", ("roads", "storm")),
    Template("Региональный оператор по обращению с ТКО", "agency", ("waste",)),
    Template("Министерство здравоохранения региона", "agency", ("health",)),
    Template("Операторы связи", "agency", ("telecom",)),
    Template("Главное управление МЧС России по региону", "agency", ("storm", "flood")),
    Template("Администрация муниципального образования", "municipality", ("other", "storm", "roads", "waste")),
)


def seed_directory(store: Store) -> int:
    """Fill an empty directory with the starting one; returns how many were added (0: it had entries)."""
    with store.session() as session:
        if session.scalar(select(Agency.id).limit(1)) is not None:
            return 0
        for template in STARTING_DIRECTORY:
            session.add(Agency(name=template.name, kind=template.kind))
    return len(STARTING_DIRECTORY)


def suggested(agencies: tuple[AgencyRow, ...], category: str) -> AgencyRow | None:
    """The directory's first starting entry that usually takes ``category`` (None: no suggestion)."""
    by_name = {a.name: a for a in agencies}
    for template in STARTING_DIRECTORY:
        if category in template.categories and template.name in by_name:
            return by_name[template.name]
    return None


def directory_with_suggestion(store: Store, category: str) -> tuple[tuple[AgencyRow, ...], AgencyRow | None]:
    agencies = list_agencies(store)
    return agencies, suggested(agencies, category)
