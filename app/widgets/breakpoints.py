"""Editing a breakpoint from an editor's gutter, shared by Monaco's editor and the basic one: toggling,
the condition and logpoint dialogs and the gutter's context menu. An editor using it keeps
`breakpoints` ({line: {"condition", "log"}}) and provides `_announce()` (show them and say that they
changed) and `current_line()`."""
from __future__ import annotations

from PySide6.QtWidgets import QInputDialog, QMenu


class BreakpointEditing:
    breakpoints: dict[int, dict]

    def toggle_breakpoint(self, line: int | None = None) -> None:
        """Add or remove a plain breakpoint on `line` (default: the cursor's line)."""
        line = line or self.current_line()
        if line in self.breakpoints:
            del self.breakpoints[line]
        else:
            self.breakpoints[line] = {"condition": None, "log": None}
        self._announce()

    def edit_breakpoint(self, line: int, kind: str, value: str | None = None) -> None:
        """Make the breakpoint on `line` conditional (kind "condition") or a logpoint (kind "log")."""
        if value is None:
            current = self.breakpoints.get(line, {}).get(kind) or ""
            prompt = ("Stop only when this expression is true:" if kind == "condition"
                      else "Print this message and go on; {expression} parts are evaluated:")
            value, ok = QInputDialog.getText(self, "Breakpoint" if kind == "condition" else "Logpoint", prompt,
                                             text=current)
            if not ok:
                return
        other = "log" if kind == "condition" else "condition"
        self.breakpoints[line] = {kind: value or None, other: None}
        self._announce()

    def breakpoint_menu(self, line: int, pos) -> None:
        menu = QMenu(self)
        if line in self.breakpoints:
            menu.addAction("Remove breakpoint", lambda: self.toggle_breakpoint(line))
            menu.addAction("Edit condition…", lambda: self.edit_breakpoint(line, "condition"))
            menu.addAction("Edit logpoint message…", lambda: self.edit_breakpoint(line, "log"))
        else:
            menu.addAction("Add breakpoint", lambda: self.toggle_breakpoint(line))
            menu.addAction("Add conditional breakpoint…", lambda: self.edit_breakpoint(line, "condition"))
            menu.addAction("Add logpoint…", lambda: self.edit_breakpoint(line, "log"))
        menu.exec(pos)
