"""Plain data (dicts, lists, values) shown as an expandable tree of key / value rows. Long values are
elided in the middle (the whole value on hover), any row copies its value or its path (right-click, or
Ctrl+C through the Edit menu), and epoch times (exp, iat, *_at...) show their date next to the number."""
from __future__ import annotations

import json
import re
from datetime import datetime, timezone

from PySide6.QtCore import Qt
from PySide6.QtGui import QGuiApplication
from PySide6.QtWidgets import QHeaderView, QMenu, QTreeWidget, QTreeWidgetItem

VALUE_ROLE = Qt.ItemDataRole.UserRole  # the whole value as JSON (containers too), for Copy
_TIME_KEY = re.compile(r"(^|_)(exp|iat|nbf|auth_time|at|time|timestamp)$")
_FIRST, _LAST = 946_684_800, 4_102_444_800  # 2000-01-01 .. 2100-01-01, in seconds


def when(key: str, value) -> str | None:
    """The UTC date of an epoch number (seconds or milliseconds) under a time-like key, else None."""
    if isinstance(value, bool) or not isinstance(value, (int, float)) or not _TIME_KEY.search(key):
        return None
    seconds = value / 1000 if value > _LAST else value
    if not _FIRST <= seconds <= _LAST:
        return None
    return datetime.fromtimestamp(seconds, timezone.utc).strftime("%Y-%m-%d %H:%M:%S UTC")


def add(parent: QTreeWidget | QTreeWidgetItem, key: str, value, expand: int = 1) -> QTreeWidgetItem:
    """Add `key: value` under `parent`; containers get children, expanded `expand` levels deep."""
    if isinstance(value, dict):
        item = QTreeWidgetItem([key, "{…}" if value else "{}"])
        for k, v in value.items():
            add(item, str(k), v, expand - 1)
    elif isinstance(value, list):
        item = QTreeWidgetItem([key, f"[{len(value)}]"])
        for i, v in enumerate(value):
            add(item, str(i), v, expand - 1)
    else:
        text = value if isinstance(value, str) else json.dumps(value)
        date = when(key, value)
        item = QTreeWidgetItem([key, f"{text}  ({date})" if date else text])
        item.setToolTip(1, text[:4000] + (f"\n{date}" if date else ""))
    item.setData(1, VALUE_ROLE, value if isinstance(value, str) else json.dumps(value, indent=2))
    if isinstance(parent, QTreeWidget):
        parent.addTopLevelItem(item)
    else:
        parent.addChild(item)
    item.setExpanded(expand > 0)
    return item


def path_of(item: QTreeWidgetItem) -> str:
    parts = []
    while item is not None:
        parts.append(item.text(0))
        item = item.parent()
    return ".".join(reversed(parts))


def copy_value(item: QTreeWidgetItem | None) -> None:
    if item is not None:
        value = item.data(1, VALUE_ROLE)
        QGuiApplication.clipboard().setText(value if value is not None else item.text(1))


def _menu(widget: QTreeWidget, pos) -> None:
    item = widget.itemAt(pos)
    if item is None:
        return
    menu = QMenu(widget)
    menu.addAction("Copy value", lambda: copy_value(item))
    menu.addAction("Copy path", lambda: QGuiApplication.clipboard().setText(path_of(item)))
    menu.exec(widget.viewport().mapToGlobal(pos))


def tree(headings: tuple[str, str] = ("Field", "Value")) -> QTreeWidget:
    widget = QTreeWidget()
    widget.setHeaderLabels(list(headings))
    widget.setColumnWidth(0, 170)
    widget.header().setSectionResizeMode(0, QHeaderView.ResizeMode.Interactive)
    widget.header().setStretchLastSection(True)
    widget.setTextElideMode(Qt.TextElideMode.ElideMiddle)  # ids and tokens keep both ends readable
    widget.setUniformRowHeights(True)
    widget.setContextMenuPolicy(Qt.ContextMenuPolicy.CustomContextMenu)
    widget.customContextMenuRequested.connect(lambda pos: _menu(widget, pos))
    widget.setProperty("copies_values", True)  # Edit › Copy (Ctrl+C) copies the current row's value
    return widget
