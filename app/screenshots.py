"""Real screenshots of the app for the README: starts the window offscreen over a fresh workspace with
the sample tenant, drives it like a person would, and grabs each area at 1280x800, once in the light
theme and once in the dark one (file names ending in -dark).

    QT_QPA_PLATFORM=offscreen python -m app.screenshots packaging/screenshots
"""
from __future__ import annotations

import asyncio
import json
import os
import sys
import tempfile
from pathlib import Path

os.environ.setdefault("QT_QPA_PLATFORM", "offscreen")

from PySide6.QtCore import QSettings  # noqa: E402
from PySide6.QtWidgets import QApplication  # noqa: E402

from emulator.errors import EmulatorError  # noqa: E402

from . import theme  # noqa: E402
from .event_loop import EventLoop  # noqa: E402
from .widgets.monaco import assets  # noqa: E402
from .main import prepare_webengine  # noqa: E402
from .startup import open_core  # noqa: E402
from .widgets.monaco.view import MonacoView  # noqa: E402
from .window import MainWindow  # noqa: E402


async def editors_ready(window, timeout: float = 30) -> None:
    """Until every Monaco editor on screen has loaded, plus a moment for it to paint."""
    for _ in range(int(timeout * 20)):
        views = [v for v in window.findChildren(MonacoView) if v.isVisible()]
        if all(v.is_ready for v in views):
            break
        await asyncio.sleep(0.05)
    await asyncio.sleep(0.6)


async def _shoot(window: MainWindow, out: Path, suffix: str = "") -> list[Path]:
    await window.start_core()
    view = window.actions_view
    shots = []

    async def grab(name: str) -> None:
        await editors_ready(window)  # (never processEvents() inside a task: it re-enters the loop)
        path = out / f"{name}{suffix}.png"
        window.grab().save(str(path))
        shots.append(path)

    checked = asyncio.get_running_loop().create_future()
    view.checked.connect(lambda e: checked.done() or checked.set_result(e))
    view.select("verify-age-redirect")
    view.check_syntax()
    await asyncio.wait_for(checked, 60)
    await grab("actions-editor")

    view.select("email-domain-policy")
    view.tabs.setCurrentWidget(view.versions)
    view.versions.a.setCurrentText("v1")
    view.versions.b.setCurrentText("v2")
    view.versions.show_diff()
    await grab("versions-diff")

    await _test_as_competitor(view)
    await grab("test-panel")

    await _debug(window)
    window._debug_shot.save(str(out / f"debugger-paused{suffix}.png"))
    shots.append(out / f"debugger-paused{suffix}.png")

    await _coverage(window)
    await grab("actions-coverage")
    view.coverage_button.setChecked(False)

    window.tabs.setCurrentWidget(window.bindings_view)
    await grab("flows-bindings")
    window.tabs.setCurrentWidget(window.tenant_view)
    users = window.tenant_view.users
    users.table.setCurrentCell(next(i for i, u in enumerate(users.users) if u["email"] == "jane.doe@example.com"), 0)
    await grab("tenant-users")

    await _simulate(window)
    await grab("simulator-breakpoint")
    await _compare(window)
    await grab("compare-versions")
    await _batch(window)
    window.tabs.setCurrentWidget(window.timings_view)
    window.timings_view.log_scale.setChecked(True)
    await grab("timings-charts")
    return shots


async def _debug(window: MainWindow) -> None:
    """A Test run of add-role-claims stopped by a gutter breakpoint on line 8, its Local scope open; the
    breakpoint is removed afterwards so that the journeys below run through."""
    view, pane = window.actions_view, window.debugger
    view.select("add-role-claims")
    view.editor.toggle_breakpoint(8)
    view.tabs.setCurrentWidget(view.test)
    paused = asyncio.get_running_loop().create_future()
    pane.paused_changed.connect(lambda on: on and not paused.done() and paused.set_result(True))
    finished = asyncio.get_running_loop().create_future()
    view.test_finished.connect(lambda r: finished.done() or finished.set_result(r))
    view.test.run()
    await asyncio.wait_for(paused, 60)
    for _ in range(100):  # the pane fills itself from the inspector
        if pane.source.exec_line and pane.variables.topLevelItemCount() and pane.variables.topLevelItem(0).childCount():
            break
        await asyncio.sleep(0.05)
    pane.watches.append("roles.length")
    await pane._refresh_watches()
    await editors_ready(window)
    path = window.grab()
    pane.control("resume")
    await asyncio.wait_for(finished, 60)
    view.editor.toggle_breakpoint(8)
    window.debugger_dock.hide()  # as it does by itself a moment after the run went on
    window._debug_shot = path


async def _coverage(window: MainWindow) -> None:
    """Coverage on, a Test run of email-domain-policy with a competitor's e-mail (the deny branch), and the
    editor's gutter shaded: what ran green, what did not red."""
    view = window.actions_view
    view.select("email-domain-policy")
    view.coverage_button.setChecked(True)
    await _test_as_competitor(view)
    view.tabs.setCurrentIndex(0)


async def _test_as_competitor(view) -> None:
    """A Test run of the selected action with a competitor's e-mail in the event, to its end."""
    view.tabs.setCurrentWidget(view.test)
    event = view.test.current_event()
    event["user"]["email"] = "spy@competitor.example"
    view.test.event_editor.setPlainText(json.dumps(event, indent=2))
    finished = asyncio.get_running_loop().create_future()
    view.test_finished.connect(lambda r: finished.done() or finished.set_result(r))
    view.test.run()
    await asyncio.wait_for(finished, 60)


async def _compare(window: MainWindow) -> None:
    """email-domain-policy v1 against v2 over its saved events, the row that differs opened."""
    compare = window.compare_view
    window.core.save_test_event(window.tenant, "email-domain-policy", "competitor",
                                {"user": {"email": "spy@competitor.example"}})
    window.core.save_test_event(window.tenant, "email-domain-policy", "customer",
                                {"user": {"email": "ann@customer.example"}})
    window.tabs.setCurrentWidget(compare)
    compare.action_box.setCurrentText("email-domain-policy")
    done = asyncio.get_running_loop().create_future()
    compare.finished.connect(lambda r: done.done() or done.set_result(r))
    compare.start()
    results = await asyncio.wait_for(done, 60)
    compare.table.selectRow(next((i for i, c in enumerate(results) if c.differences), 0))


async def _batch(window: MainWindow) -> None:
    """Some runs to chart: a batch of logins of a user no action redirects, on draft-free versions."""
    sim = window.simulator_view
    sim.setup.user_box.setCurrentText("jane.doe@example.com")
    sim.setup.password.setText("Correct-Horse-9")
    sim.batch_count.setValue(8)  # under the 10 SMS per hour Auth0 allows a user
    await sim.start_batch()


async def _simulate(window: MainWindow) -> None:
    """A login of the sample's admin, stepped up to a breakpoint before add-role-claims."""
    sim = window.simulator_view
    window.tabs.setCurrentWidget(sim)
    sim.setup.user_box.setCurrentText("jane.doe@example.com")
    sim.setup.password.setText("Correct-Horse-9")
    sim.breakpoints.set_checked("add-role-claims")
    while not (sim.run and sim.run.waiting):
        await sim.advance(False)
    sim.details.setCurrentWidget(sim.details.state)


def _session(app, loop, out: Path, suffix: str) -> list[Path]:
    with tempfile.TemporaryDirectory() as tmp:
        core = open_core(str(Path(tmp) / "workspace.sqlite"))
        window = MainWindow(core, QSettings(str(Path(tmp) / "settings.ini"), QSettings.Format.IniFormat))
        window.resize(1280, 800)  # the smallest screen the app is designed for
        window.show()
        shots = loop.run_until_complete(_shoot(window, out, suffix))
        loop.run_until_complete(core.close())
        window.close()
        del window
    return shots


def _editor() -> str:
    """Monaco, installed first if need be, so no screenshot shows the fallback editor just because Monaco
    was still installing; when it cannot be had, the screenshots say which editor they show."""
    if assets.disabled() or assets.root_without_sandbox():
        return "the app's own editor (Monaco is off here)"
    try:
        folder = assets.ensure_sync()
    except (EmulatorError, OSError) as exc:
        return f"the app's own editor (Monaco could not be installed: {exc})"
    return f"Monaco {assets.VERSION} ({folder})"


def main(argv: list[str] | None = None) -> int:
    args = argv if argv is not None else sys.argv[1:]
    out = Path(args[0] if args else "packaging/screenshots")
    themes = args[1:] or ["light", "dark"]
    out.mkdir(parents=True, exist_ok=True)
    print(f"Editor in these screenshots: {_editor()}", file=sys.stderr, flush=True)
    prepare_webengine()
    app = QApplication.instance() or QApplication(sys.argv[:1])
    loop = EventLoop(app)
    asyncio.set_event_loop(loop)
    shots = []
    with loop:
        for mode in themes:
            theme.apply(app, mode)
            shots += _session(app, loop, out, "" if mode == "light" else f"-{mode}")
    for path in shots:
        print(path, flush=True)
    # Qt's objects go before Python's teardown, in Qt's order: left to the interpreter's exit, the
    # offscreen platform crashed now and then on a busy machine (after every screenshot was written).
    app.shutdown()
    return 0


if __name__ == "__main__":
    sys.exit(main())
