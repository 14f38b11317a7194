"""The import dialog: preview, mapping by the user, progress, cancel without half a batch."""

from __future__ import annotations

from sqlalchemy import func, select

from app.core import Core
from app.store.models import Message
from widgets.intake.import_dialog import NO_COLUMN, ImportDialog, QuarantineDialog
from widgets.tasks.worker import DbWorker


def _csv(path, rows: int):
    lines = ["Когда;Комментарий;Текст;Широта;Долгота"]
    lines += [f"22.04.2023 15:{i // 60 % 60:02d}:{i % 60:02d};Нет света, дом {i};служебное {i};45.0;39.0"
              for i in range(rows)]
    path.write_text("\n".join(lines), encoding="utf-8")
    return path


def _count(store) -> int:
    with store.session() as session:
        return session.scalar(select(func.count()).select_from(Message)) or 0


def _dialog(qtbot, store, paths):
    worker = DbWorker()
    dialog = ImportDialog(Core(store), worker, paths)
    qtbot.addWidget(dialog, before_close_func=lambda _: worker.shutdown())
    dialog.show()
    qtbot.waitUntil(dialog.import_button.isEnabled, timeout=10000)
    return dialog


def test_preview_and_user_mapping(qtbot, store, tmp_path):
    dialog = _dialog(qtbot, store, [_csv(tmp_path / "a.csv", 30)])
    assert dialog.table.rowCount() == 20 and dialog.table.columnCount() == 5
    assert dialog.table.horizontalHeaderItem(1).text() == "Комментарий"
    assert dialog.table.item(0, 1).text() == "Нет света, дом 0"
    assert dialog.combos["text"].currentText() == "Текст" and dialog.combos["time"].currentText() == NO_COLUMN
    dialog.combos["text"].setCurrentText("Комментарий")
    dialog.combos["time"].setCurrentText("Когда")
    with qtbot.waitSignal(dialog.imported, timeout=20000) as blocker:
        dialog.import_button.click()
    assert blocker.args[0].line == "Импортировано 30, дубликатов 0, отклонено 0"
    assert dialog.status.text() == blocker.args[0].line and dialog.progress.value() == 30
    with store.session() as session:
        assert session.scalar(select(Message.text).where(Message.id == 1)) == "Нет света, дом 0"


def test_without_a_date_column_rows_are_rejected_and_listed(qtbot, store, tmp_path):
    dialog = _dialog(qtbot, store, [_csv(tmp_path / "a.csv", 3)])
    with qtbot.waitSignal(dialog.imported, timeout=20000) as blocker:
        dialog.import_button.click()
    assert blocker.args[0].line == "Импортировано 0, дубликатов 0, отклонено 3"
    assert dialog.rejects_button.isEnabled()
    rejects = QuarantineDialog(store, dialog.worker)
    qtbot.addWidget(rejects)
    qtbot.waitUntil(lambda: rejects.table.rowCount() == 3, timeout=10000)
    assert rejects.table.item(0, 3).text() == "не указана дата" and "служебное" in rejects.raw.toPlainText()


def test_cancel_leaves_only_whole_batches(qtbot, store, tmp_path):
    dialog = _dialog(qtbot, store, [_csv(tmp_path / "big.csv", 30_000)])
    dialog.combos["time"].setCurrentText("Когда")
    with qtbot.waitSignal(dialog._relay.progressed, timeout=20000):
        dialog.import_button.click()
    with qtbot.waitSignal(dialog.imported, timeout=60000) as blocker:
        dialog.cancel_button.click()
    summary = blocker.args[0]
    assert summary.cancelled and "прервано" in dialog.status.text()
    assert 0 < summary.imported < 30_000 and summary.imported % 1000 == 0
    assert _count(store) == summary.imported
