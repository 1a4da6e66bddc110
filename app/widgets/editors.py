"""Which editors the app uses: Monaco when it is here (or once it has been installed), else the app's
own. Views hold an EditorHost, which forwards to the editor inside it and moves what it holds (text,
breakpoints, errors...) into Monaco when Monaco becomes available mid-session, so a first start without
Monaco in the cache gets the real editor as soon as the install is done."""
from __future__ import annotations

import logging

from PySide6.QtCore import QObject, Signal
from PySide6.QtWidgets import QStackedWidget

from emulator.runtime.deps import DependencyCache

from .code_editor import CodeEditor
from .monaco import assets
from .plain_editors import PlainDiff, PlainJsonEditor

log = logging.getLogger(__name__)
KINDS = ("code", "json", "diff")
_SIGNALS = ("textChanged", "breakpoints_changed", "hover_requested", "shortcut", "completions_shown")


class EditorKit(QObject):
    """Monaco's state for the app: `folder` once it is usable; `status` says what is going on."""

    available = Signal()  # Monaco became usable: hosts move into it
    status = Signal(str)

    def __init__(self, prefer: str = "monaco", cache: DependencyCache | None = None):
        super().__init__()
        self.prefer = prefer if prefer in ("monaco", "basic") else "monaco"
        self.cache = cache
        self.folder = assets.find(cache) if self.prefer == "monaco" else None
        self.problem: str | None = None
        if self.prefer == "monaco" and assets.disabled():
            self.problem = "turned off by ACTIONS_EMULATOR_MONACO=off"
        elif self.prefer == "monaco" and assets.root_without_sandbox():
            self.folder = None
            self.problem = ("running as root, where QtWebEngine will not start with its sandbox; run as a normal "
                            "user, or set QTWEBENGINE_CHROMIUM_FLAGS=--no-sandbox")

    @property
    def monaco(self) -> bool:
        return self.folder is not None

    def describe(self) -> str:
        if self.monaco:
            return "Editor: Monaco"
        if self.prefer == "basic":
            return "Editor: basic (chosen in Settings)"
        if self.problem:
            return f"Editor: basic — Monaco unavailable ({self.problem})"
        return "Editor: basic — installing Monaco…"

    async def obtain(self) -> bool:
        """Install Monaco if it is wanted and missing. True when it is usable afterwards."""
        if self.monaco or self.prefer != "monaco" or self.problem:
            return self.monaco
        self.status.emit(self.describe())
        try:
            self.folder = await assets.ensure(self.cache, progress=lambda m: self.status.emit(f"Editor: {m} (once)"))
        except Exception as exc:  # noqa: BLE001 - any failure leaves the basic editor, said in the status bar
            self.problem = str(exc).splitlines()[0] if str(exc) else type(exc).__name__
            log.warning("Monaco is not available: %s", self.problem)
            self.status.emit(self.describe())
            return False
        self.status.emit(self.describe())
        self.available.emit()
        return True

    def create(self, kind: str):
        if self.monaco:
            from .monaco.editors import MonacoCodeEditor, MonacoDiff, MonacoJsonEditor

            return {"code": MonacoCodeEditor, "json": MonacoJsonEditor, "diff": MonacoDiff}[kind](self.folder)
        return {"code": CodeEditor, "json": PlainJsonEditor, "diff": PlainDiff}[kind]()


def restore(editor, state: dict) -> None:
    """Put what another editor held (its `snapshot()`) into `editor`."""
    if "sides" in state:
        editor.set_diff(*state["sides"])
        return
    editor.setPlainText(state["text"])
    editor.setReadOnly(state["read_only"])
    if "schema" in state:
        editor.set_schema(state["schema"])
    else:
        editor.set_context(*state["context"])
        editor.set_warnings(state["warnings"])
        editor.enable_breakpoints(state["breakpoints_enabled"])
        editor.set_breakpoints([{"line": line, **bp} for line, bp in state["breakpoints"].items()])
        editor.set_exec_line(state["exec_line"])
        editor.set_coverage(state.get("coverage"))
    editor.set_errors(state["errors"])


class EditorHost(QStackedWidget):
    """One editor of a kind, Monaco's or the app's own; everything else is forwarded to it."""

    textChanged = Signal()
    breakpoints_changed = Signal(object)
    hover_requested = Signal(str, object)
    shortcut = Signal(str)
    completions_shown = Signal(list)

    def __init__(self, kit: EditorKit, kind: str, parent=None):
        super().__init__(parent)
        assert kind in KINDS, kind
        self.kit, self.kind = kit, kind
        self._impl = None
        self._use(kit.create(kind))
        kit.available.connect(self._upgrade)

    @property
    def impl(self):
        return self._impl

    @property
    def is_monaco(self) -> bool:
        return type(self._impl).__module__.endswith("monaco.editors")

    def _use(self, impl) -> None:
        old, self._impl = self._impl, impl
        for name in _SIGNALS:
            if hasattr(impl, name):
                getattr(impl, name).connect(getattr(self, name).emit)
        self.addWidget(impl)
        self.setCurrentWidget(impl)
        self.setFocusProxy(impl)
        if old is not None:
            self.removeWidget(old)
            old.deleteLater()

    def _upgrade(self) -> None:
        if self.is_monaco:
            return
        state = self._impl.snapshot()
        self._use(self.kit.create(self.kind))
        restore(self._impl, state)

    def __getattr__(self, name: str):
        # Only reached for names QStackedWidget doesn't have: the editor's own interface.
        impl = self.__dict__.get("_impl")
        if impl is None:
            raise AttributeError(name)
        return getattr(impl, name)
