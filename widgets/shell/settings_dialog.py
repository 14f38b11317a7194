"""Settings dialog: region pack, feed, deadlines, briefing schedule, theme, basemap — validated."""

from __future__ import annotations

from dataclasses import replace

from PySide6.QtWidgets import (
    QComboBox,
    QDialog,
    QDialogButtonBox,
    QFileDialog,
    QFormLayout,
    QHBoxLayout,
    QLabel,
    QLineEdit,
    QPushButton,
    QSpinBox,
    QTabWidget,
    QVBoxLayout,
    QWidget,
)

from app.settings import Settings, validate


def _spin(low: int, high: int, value: int, suffix: str = "") -> QSpinBox:
    box = QSpinBox()
    box.setRange(low, high)
    box.setValue(value)
    box.setSuffix(suffix)
    return box


class SettingsDialog(QDialog):
    """Edits an Settings; OK stays disabled-in-effect until ``validate`` finds no errors."""

    def __init__(self, settings: Settings, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.setWindowTitle("Настройки")
        self.settings = config = settings
        self.errors = QLabel()
        self.errors.setStyleSheet("color: #b00020;")
        self.errors.setWordWrap(True)
        tabs = QTabWidget()
        tabs.addTab(self._region_tab(config), "Регион")
        tabs.addTab(self._feed_tab(config), "Лента")
        tabs.addTab(self._deadline_tab(config), "Сроки")
        tabs.addTab(self._briefing_tab(config), "Справка и вид")
        buttons = QDialogButtonBox(QDialogButtonBox.StandardButton.Ok | QDialogButtonBox.StandardButton.Cancel)
        buttons.accepted.connect(self._on_ok_clicked)
        buttons.rejected.connect(self.reject)
        layout = QVBoxLayout(self)
        for widget in (tabs, self.errors, buttons):
            layout.addWidget(widget)

    def _path_row(self, value: str, title: str, pattern: str) -> tuple[QWidget, QLineEdit]:
        edit = QLineEdit(value)
        browse = QPushButton("Обзор…")
        browse.clicked.connect(lambda: edit.setText(QFileDialog.getOpenFileName(self, title, edit.text(), pattern)[0]
                                                    or edit.text()))
        row = QWidget()
        layout = QHBoxLayout(row)
        layout.setContentsMargins(0, 0, 0, 0)
        layout.addWidget(edit, 1)
        layout.addWidget(browse)
        return row, edit

    def _region_tab(self, c: Settings) -> QWidget:
        tab, form = QWidget(), QFormLayout()
        row, self.region_pack = self._path_row(c.region_pack, "Пакет региона", "GeoJSON/KML (*.geojson *.json *.kml)")
        form.addRow("Пакет региона (границы, население)", row)
        row, self.mbtiles = self._path_row(c.mbtiles_path, "Подложка MBTiles", "MBTiles (*.mbtiles)")
        form.addRow("Растровая подложка MBTiles", row)
        self.online_tiles = QLineEdit(c.online_tiles_url)
        self.online_tiles.setPlaceholderText("пусто — без интернета; иначе https://…/{z}/{x}/{y}.png")
        form.addRow("Онлайн-подложка (по явному выбору)", self.online_tiles)
        tab.setLayout(form)
        return tab

    def _feed_tab(self, c: Settings) -> QWidget:
        tab, form = QWidget(), QFormLayout()
        self.feed_url = QLineEdit(c.feed_url)
        self.feed_token = QLineEdit()
        self.feed_token.setEchoMode(QLineEdit.EchoMode.Password)
        self.feed_token.setPlaceholderText("хранится в хранилище паролей ОС")
        self.feed_interval = _spin(5, 3600, c.feed_interval_s, " с")
        self.feed_stale = _spin(10, 86400, c.feed_stale_after_s, " с")
        form.addRow("Адрес ленты (JSON API)", self.feed_url)
        form.addRow("Токен доступа", self.feed_token)
        form.addRow("Период опроса", self.feed_interval)
        form.addRow("Считать устаревшей через", self.feed_stale)
        tab.setLayout(form)
        return tab

    def _deadline_tab(self, c: Settings) -> QWidget:
        tab, form = QWidget(), QFormLayout()
        self.first_hours = _spin(1, 72, c.first_answer_hours, " раб. ч")
        self.first_hours_high = _spin(1, 72, c.first_answer_hours_high, " раб. ч")
        self.final_days = _spin(1, 60, c.final_answer_days, " раб. дн.")
        self.work_start = _spin(0, 23, c.work_start_hour, ":00")
        self.work_end = _spin(1, 24, c.work_end_hour, ":00")
        self.holidays = QLineEdit(", ".join(c.holidays))
        self.holidays.setPlaceholderText("2027-01-01, 2027-01-02, …")
        for label, widget in (("Первый ответ", self.first_hours), ("Первый ответ (важные)", self.first_hours_high),
                              ("Окончательный ответ", self.final_days), ("Начало рабочего дня", self.work_start),
                              ("Конец рабочего дня", self.work_end), ("Праздничные дни", self.holidays)):
            form.addRow(label, widget)
        tab.setLayout(form)
        return tab

    def _briefing_tab(self, c: Settings) -> QWidget:
        tab, form = QWidget(), QFormLayout()
        self.briefing_minute = _spin(0, 59, c.briefing_minute, " мин")
        self.briefing_every = _spin(1, 24, c.briefing_every_hours, " ч")
        self.theme = QComboBox()
        self.theme.addItem("Светлая", "light")
        self.theme.addItem("Тёмная", "dark")
        self.theme.setCurrentIndex(max(0, self.theme.findData(c.theme)))
        form.addRow("Справка в минуту часа", self.briefing_minute)
        form.addRow("Справка каждые", self.briefing_every)
        form.addRow("Тема", self.theme)
        tab.setLayout(form)
        return tab

    def edited(self) -> Settings:
        holidays = tuple(d.strip() for d in self.holidays.text().split(",") if d.strip())
        return replace(
            self.settings, region_pack=self.region_pack.text().strip(), mbtiles_path=self.mbtiles.text().strip(),
            online_tiles_url=self.online_tiles.text().strip(), feed_url=self.feed_url.text().strip(),
            feed_interval_s=self.feed_interval.value(),
            feed_stale_after_s=self.feed_stale.value(), first_answer_hours=self.first_hours.value(),
            first_answer_hours_high=self.first_hours_high.value(), final_answer_days=self.final_days.value(),
            work_start_hour=self.work_start.value(), work_end_hour=self.work_end.value(), holidays=holidays,
            briefing_minute=self.briefing_minute.value(), briefing_every_hours=self.briefing_every.value(),
            theme=self.theme.currentData(),
        )

    def _on_ok_clicked(self) -> None:
        config = self.edited()
        errors = validate(config)
        self.errors.setText("\n".join(errors))
        if not errors:
            self.settings = config
            self.accept()
