# PyInstaller runtime hook: make the bundled DejaVu fonts visible to fontconfig.
#
# QtWebEngine (Chromium) finds fallback fonts only through fontconfig; on a host
# with no fonts (or an empty FONTCONFIG_FILE) printToPdf fails and pages lose
# their text. The generated config includes whatever config was in effect and
# adds the bundle's font folder, so system fonts keep working where they exist.
import hashlib
import os
import sys
import tempfile
from pathlib import Path
from xml.sax.saxutils import escape


def _install_fontconfig() -> None:
    if not sys.platform.startswith("linux"):
        return
    fonts = Path(sys._MEIPASS) / "resources" / "web" / "node_modules" / "dejavu-fonts-ttf" / "ttf"
    if not fonts.is_dir():
        return
    previous = os.environ.get("FONTCONFIG_FILE") or "/etc/fonts/fonts.conf"
    home = os.environ.get("XDG_CACHE_HOME") or os.path.join(os.environ.get("HOME") or tempfile.gettempdir(), ".cache")
    folder = Path(home) / "opershtab" / "fontconfig"
    try:
        folder.mkdir(parents=True, exist_ok=True)
    except OSError:
        folder = Path(tempfile.mkdtemp(prefix="opershtab-fontconfig-"))
    text = (
        '<?xml version="1.0"?>\n<!DOCTYPE fontconfig SYSTEM "fonts.dtd">\n<fontconfig>\n'
        f'  <include ignore_missing="yes">{escape(previous)}</include>\n'
        f"  <dir>{escape(str(fonts))}</dir>\n"
        f"  <cachedir>{escape(str(folder / 'cache'))}</cachedir>\n"
        "</fontconfig>\n"
    )
    digest = hashlib.sha1(text.encode("utf-8")).hexdigest()[:12]
    conf = folder / f"fonts-{digest}.conf"
    if not conf.is_file() or conf.read_text(encoding="utf-8") != text:
        conf.write_text(text, encoding="utf-8")
    os.environ["FONTCONFIG_FILE"] = str(conf)


_install_fontconfig()
