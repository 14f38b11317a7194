"""Settings dialog, built from the settings model's field metadata: one tab per group, validated.

Each field gets the editor its metadata asks for; fields that act only after a restart
are marked, and a partly live field says what waits for the restart. The feed token is
not a setting: it goes to the OS keyring when one is available, else it is kept in
memory until the program closes, and the dialog says which.
"""

from __future__ import annotations

from dataclasses import replace
from typing import Any

from PySide6.QtCore import Qt
from PySide6.QtWidgets import QDialog, QDialogButtonBox, QFormLayout, QLabel, QTabWidget, QVBoxLayout, QWidget

from app.settings import KEYS, Settings, meta_of, validate
from widgets.shell.setting_editors import Editor, TextEditor, editor_for

RESTART_MARK = " *"
RESTART_TEXT = "* — вступает в силу после перезапуска программы"
TOKEN_KEPT = {True: "Токен хранится в хранилище паролей ОС (keyring).",
              False: "Хранилище паролей ОС недоступно: токен хранится только в памяти до закрытия программы."}


def _note(text: str) -> QLabel:
    label = QLabel(text)
    label.setWordWrap(True)
    label.setStyleSheet("color: #5f6b7a; font-size: 9pt;")
    return label


class SettingsDialog(QDialog):
    """Edits ``Settings``; OK keeps the dialog open until ``validate`` finds no errors."""

    def __init__(self, settings: Settings, parent: QWidget | None = None, token: str | None = None,
                 token_persistent: bool = False) -> None:
        super().__init__(parent)
        self.setWindowTitle("Настройки")
        self.original, self.settings = settings, settings
        self.editors: dict[str, Editor] = {}
        self._token = token or ""
        self.errors = QLabel()
        self.errors.setStyleSheet("color: #b00020;")
        self.errors.setWordWrap(True)
        self.tabs = QTabWidget()
        forms = self._build_tabs()
        self._add_token(forms["Лента"], token_persistent)
        buttons = QDialogButtonBox(QDialogButtonBox.StandardButton.Ok | QDialogButtonBox.StandardButton.Cancel)
        buttons.accepted.connect(self._on_ok_clicked)
        buttons.rejected.connect(self.reject)
        layout = QVBoxLayout(self)
        for widget in (self.tabs, _note(RESTART_TEXT), self.errors, buttons):
            layout.addWidget(widget)
        self.resize(760, 620)

    def _build_tabs(self) -> dict[str, QFormLayout]:
        forms: dict[str, QFormLayout] = {}
        for key in KEYS:
            meta = meta_of(key)
            if meta["group"] not in forms:
                tab, forms[meta["group"]] = QWidget(), QFormLayout()
                tab.setLayout(forms[meta["group"]])
                self.tabs.addTab(tab, meta["group"])
            self._add_field(forms[meta["group"]], key, meta)
        return forms

    def _add_field(self, form: QFormLayout, key: str, meta: dict[str, str]) -> None:
        editor = self.editors[key] = editor_for(key)
        editor.set_value(getattr(self.settings, key))
        restart = meta["applies"] == "restart"
        label = QLabel(meta["label"] + (RESTART_MARK if restart else ""))
        label.setWordWrap(True)
        label.setToolTip("Вступает в силу после перезапуска программы" if restart else "Действует сразу")
        form.addRow(label, editor)
        if meta["note"]:
            form.addRow("", _note(meta["note"][:1].upper() + meta["note"][1:]))

    def _add_token(self, form: QFormLayout, persistent: bool) -> None:
        self.token_editor = TextEditor(password=True, placeholder="не задан")
        self.token_editor.set_value(self._token)
        self.token_place = _note(TOKEN_KEPT[persistent])
        form.addRow(QLabel("Токен доступа к ленте"), self.token_editor)
        form.addRow("", self.token_place)

    def edited(self) -> Settings:
        """The settings as the editors say."""
        return replace(self.original, **{key: editor.value() for key, editor in self.editors.items()})

    def changed(self) -> dict[str, Any]:
        """The fields whose values the operator changed."""
        return {key: getattr(self.settings, key) for key in KEYS
                if getattr(self.settings, key) != getattr(self.original, key)}

    @property
    def token(self) -> str | None:
        """The new feed token, or None when it was left as it was."""
        value = self.token_editor.value()
        return None if value == self._token else value

    def restart_needed(self) -> list[str]:
        """Labels of the changed fields that act only after a restart."""
        return [meta_of(key)["label"] for key in self.changed() if meta_of(key)["applies"] == "restart"]

    def _on_ok_clicked(self) -> None:
        edited = self.edited()
        errors = validate(edited)
        self.errors.setText("\n".join(errors))
        self.errors.setTextFormat(Qt.TextFormat.PlainText)
        if not errors:
            self.settings = edited
            self.accept()
