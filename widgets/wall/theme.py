"""Dark high-contrast look for the wall display, readable from 6 metres."""

from __future__ import annotations

WALL_BG = "#0e1116"
WALL_PANEL = "#171c24"
WALL_TEXT = "#f2f4f8"
WALL_MUTED = "#9aa4b2"
WALL_ALERT = "#c62828"
WALL_WARN = "#f9a825"

STYLESHEET = f"""
QWidget#WallWindow {{ background: {WALL_BG}; }}
QWidget#WallWindow QLabel {{ color: {WALL_TEXT}; }}
QLabel#WallRegion {{ font-size: 40px; font-weight: 700; }}
QLabel#WallViewTitle {{ font-size: 28px; color: {WALL_MUTED}; }}
QLabel#WallClock {{ font-size: 48px; font-weight: 700; }}
QLabel#StaleBanner {{ background: {WALL_ALERT}; color: white; font-size: 30px; font-weight: 700; padding: 10px 18px; }}
QLabel#AlertBanner {{ background: {WALL_WARN}; color: #111; font-size: 26px; font-weight: 700; padding: 8px 18px; }}
QFrame#Tile {{ background: {WALL_PANEL}; border-radius: 10px; }}
QLabel#TileValue {{ font-size: 64px; font-weight: 700; }}
QLabel#TileLabel {{ font-size: 22px; color: {WALL_MUTED}; }}
QLabel#Ticker {{ background: {WALL_PANEL}; font-size: 28px; padding: 10px 18px; }}
QLabel#SlideTitle {{ font-size: 40px; font-weight: 700; }}
QLabel#SlideText {{ font-size: 30px; }}
QWidget#WallWindow QLabel#WallFeedNote {{ font-size: 24px; color: {WALL_WARN}; }}
QWidget#WallWindow QLabel#WallEmpty {{ font-size: 56px; font-weight: 700; color: {WALL_WARN}; }}
QWidget#WallWindow QLabel#WallEmptyText {{ font-size: 30px; color: {WALL_MUTED}; }}
"""
