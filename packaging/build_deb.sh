#!/bin/sh
# Build dist/opershtab_<version>_amd64.deb from the one-folder bundle in dist/opershtab.
#   packaging/build_deb.sh            (run from the repository root after PyInstaller)
# Installs to /opt/opershtab, a /usr/bin/opershtab launcher, a .desktop entry and icons.
set -eu

ROOT=$(cd "$(dirname "$0")/.." && pwd)
BUNDLE="$ROOT/dist/opershtab"
VERSION=$(sed -n 's/^__version__ = "\(.*\)"/\1/p' "$ROOT/app/__init__.py")
ARCH=amd64
STAGE="$ROOT/build/deb/opershtab_${VERSION}_${ARCH}"
OUT="$ROOT/dist/opershtab_${VERSION}_${ARCH}.deb"

[ -x "$BUNDLE/opershtab" ] || { echo "build_deb.sh: $BUNDLE/opershtab is missing; run PyInstaller first" >&2; exit 1; }
[ -n "$VERSION" ] || { echo "build_deb.sh: no __version__ in app/__init__.py" >&2; exit 1; }

rm -rf "$STAGE"
mkdir -p "$STAGE/DEBIAN" "$STAGE/opt" "$STAGE/usr/bin" "$STAGE/usr/share/applications" \
         "$STAGE/usr/share/icons/hicolor/256x256/apps" "$STAGE/usr/share/icons/hicolor/scalable/apps"
cp -a "$BUNDLE" "$STAGE/opt/opershtab"

cat > "$STAGE/usr/bin/opershtab" <<'LAUNCHER'
#!/bin/sh
exec /opt/opershtab/opershtab "$@"
LAUNCHER
chmod 0755 "$STAGE/usr/bin/opershtab"
install -m 0644 "$ROOT/packaging/opershtab.desktop" "$STAGE/usr/share/applications/opershtab.desktop"
install -m 0644 "$ROOT/packaging/opershtab.png" "$STAGE/usr/share/icons/hicolor/256x256/apps/opershtab.png"
install -m 0644 "$ROOT/packaging/opershtab.svg" "$STAGE/usr/share/icons/hicolor/scalable/apps/opershtab.svg"

SIZE_KB=$(du -sk "$STAGE" | cut -f1)
cat > "$STAGE/DEBIAN/control" <<CONTROL
Package: opershtab
Version: $VERSION
Architecture: $ARCH
Maintainer: Opershtab team <opershtab@localhost>
Installed-Size: $SIZE_KB
Depends: libc6 (>= 2.34), libgl1, libegl1, libpq5
Section: misc
Priority: optional
Description: Оперштаб — situational awareness for regional emergency headquarters
 Offline desktop application: map of citizens' messages, hourly dynamics,
 answer deadlines and PDF/DOCX briefings. Everything it needs (Qt WebEngine,
 map assets, fonts, geodata) is inside /opt/opershtab; no network is needed.
CONTROL

# Refresh the icon cache and desktop database where the tools exist; never fail on it.
cat > "$STAGE/DEBIAN/postinst" <<'POSTINST'
#!/bin/sh
set -e
command -v gtk-update-icon-cache >/dev/null 2>&1 && gtk-update-icon-cache -q -t /usr/share/icons/hicolor || true
command -v update-desktop-database >/dev/null 2>&1 && update-desktop-database -q /usr/share/applications || true
exit 0
POSTINST
cp "$STAGE/DEBIAN/postinst" "$STAGE/DEBIAN/postrm"
chmod 0755 "$STAGE/DEBIAN/postinst" "$STAGE/DEBIAN/postrm"

dpkg-deb --root-owner-group -Zxz --build "$STAGE" "$OUT"
rm -rf "$STAGE"
echo "build_deb.sh: $OUT ($(du -h "$OUT" | cut -f1))"
