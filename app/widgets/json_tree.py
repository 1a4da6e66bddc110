"""Plain data (dicts, lists, values) shown as an expandable tree of key / value rows."""
from __future__ import annotations

import json

from PySide6.QtWidgets import QTreeWidget, QTreeWidgetItem


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
        item = QTreeWidgetItem([key, text])
        item.setToolTip(1, text[:4000])
    if isinstance(parent, QTreeWidget):
        parent.addTopLevelItem(item)
    else:
        parent.addChild(item)
    item.setExpanded(expand > 0)
    return item


def tree(headings: tuple[str, str] = ("Field", "Value")) -> QTreeWidget:
    widget = QTreeWidget()
    widget.setHeaderLabels(list(headings))
    widget.setColumnWidth(0, 220)
    widget.setUniformRowHeights(True)
    return widget
