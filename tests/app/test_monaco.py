"""Monaco in the real app, offscreen: it loads from the npm registry's package (installed into the cache
on first use), completes `api.` with the trigger's own methods and their signatures, finds, tokenizes a
URL in a string as a string, squiggles an unknown api method, a missing secret and dependency, checks
an event against the trigger's schema, diffs versions side by side, hosts breakpoints in its gutter,
and follows the dark theme. When Monaco can't be had, the basic editor is used and the status bar says
why; when it arrives mid-session, the editors move into it with what they held."""
from __future__ import annotations

import asyncio
import json
import re

import pytest
from PySide6.QtCore import QPoint, Qt
from PySide6.QtGui import QColor
from PySide6.QtTest import QTest
from PySide6.QtWidgets import QApplication

from app import theme
from app.startup import open_core
from app.widgets.code_editor import CodeEditor
from app.widgets.editors import EditorHost, EditorKit
from app.widgets.monaco import assets
from app.window import MainWindow
from emulator.runtime.deps import DependencyCache, DependencyError

from .conftest import basic_settings, close_window, open_window
from .test_debugger import _until


@pytest.fixture(scope="module")
def monaco_folder():
    try:
        return asyncio.run(assets.ensure())
    except DependencyError as exc:  # only when the npm registry can't be reached and nothing is cached
        pytest.skip(f"monaco-editor is not available: {exc}")


@pytest.fixture
def win(qtbot, aloop, tmp_path, monaco_folder):
    window = open_window(qtbot, aloop, tmp_path, editor="monaco")
    yield window
    close_window(aloop, window)


def js(aloop, view, script: str, timeout: float = 10.0):
    """Evaluate `script` in an editor's page and return its (JSON) value."""
    box = []
    view.run_js(f"JSON.stringify((() => {{ return {script}; }})())", lambda value: box.append(value))
    _until(aloop, lambda: box, timeout)
    return json.loads(box[0]) if box[0] is not None else None


def js_until(aloop, view, script: str, timeout: float = 15.0):
    """Poll `script` in the page until it returns something truthy; return it."""
    result = None

    async def poll():
        nonlocal result
        while True:
            box = []
            view.run_js(f"JSON.stringify((() => {{ try {{ return {script}; }} catch (e) {{ return null; }} }})())",
                        lambda value: box.append(value))
            while not box:
                await asyncio.sleep(0.02)
            result = json.loads(box[0]) if box[0] else None
            if result:
                return
            await asyncio.sleep(0.1)

    aloop.run_until_complete(asyncio.wait_for(poll(), timeout))
    return result


def type_keys(aloop, target, text: str) -> None:
    """Type as a person does: Chromium handles each key before the next comes (Qt's keyClicks sends
    them all at once, faster than the page moves its focus)."""
    for ch in text:
        QTest.keyClick(target, ch)
        aloop.run_until_complete(asyncio.sleep(0.03))


def _focus(aloop, host: EditorHost):
    """Give the editor the keyboard focus as a click would (Qt's, then the page's); return the widget
    that takes key events."""
    host.window().activateWindow()
    host.setFocus()
    _until(aloop, lambda: host.impl.focusProxy() is not None and host.impl.focusProxy().hasFocus())
    js(aloop, host.impl, "(ae.editor.focus(), true)")
    return host.impl.focusProxy()


def _ready(aloop, host: EditorHost):
    assert host.is_monaco, "the editor should be Monaco's"
    host.impl.ensure_loaded()
    _until(aloop, lambda: host.impl.is_ready, 30)
    return host.impl


def _new_action(win, name: str, trigger: str = "post-login", code: str | None = None):
    view = win.actions_view
    view.create_action(name, trigger)
    if code is not None:
        view.editor.setPlainText(code)
    return view


def _suggestions(aloop, editor, line: int, column: int) -> list[str]:
    js(aloop, editor, f"(ae.editor.focus(), ae.editor.setPosition({{lineNumber: {line}, column: {column}}}), "
                      "ae.editor.trigger('test', 'editor.action.triggerSuggest', {}), true)")
    return js_until(aloop, editor, "(() => { const rows = [...document.querySelectorAll("
                                   "'.suggest-widget.visible .monaco-list-row .label-name')]"
                                   ".map(r => r.textContent.trim()); return rows.length ? rows : null; })()")


def test_monaco_loads_offscreen_with_the_action(win, aloop):
    view = win.actions_view
    view.select("add-role-claims")
    editor = _ready(aloop, view.editor)
    assert js(aloop, editor, "ae.editor.getValue()") == win.core.action("sample", "add-role-claims")["code"]
    assert win.editor_label.text() == "Editor: Monaco"
    # Typing in Monaco reaches Python's copy and marks the draft edited.
    js(aloop, editor, "(ae.editor.executeEdits('test', [{range: new monaco.Range(1, 1, 1, 1), text: '// x\\n'}]), true)")
    _until(aloop, lambda: view.editor.toPlainText().startswith("// x\n"))
    assert view.dirty


def test_completions_list_the_triggers_methods_with_signatures(win, aloop):
    view = _new_action(win, "claims", code="exports.onExecutePostLogin = async (event, api) => {\n  api.\n};\n")
    editor = _ready(aloop, view.editor)
    names = _suggestions(aloop, editor, 2, 7)
    assert {"access", "accessToken", "idToken", "redirect", "cache"} <= set(names)
    js(aloop, editor, "(ae.editor.trigger('test', 'hideSuggestWidget', {}), true)")
    js(aloop, editor, "(ae.editor.setValue('exports.onExecutePostLogin = async (event, api) => {\\n  api.access.\\n};\\n'),"
                      " true)")
    assert "deny" in _suggestions(aloop, editor, 2, 14)
    # The focused entry shows its signature from the generated declarations, with the registry's doc.
    signature = js_until(aloop, editor, "(() => { const d = document.querySelector("
                                        "'.suggest-widget.visible .monaco-list-row.focused .details-label');"
                                        " return d && d.textContent.includes('deny(') ? d.textContent : null; })()")
    assert "deny(reason: string" in signature and "PostLoginAPI" in signature
    # Another trigger's action gets that trigger's api: no idToken at the client-credentials grant.
    win.actions_view._set_dirty(False)
    view = _new_action(win, "m2m", "credentials-exchange",
                       "exports.onExecuteCredentialsExchange = async (event, api) => {\n  api.\n};\n")
    names = _suggestions(aloop, editor, 2, 7)
    assert "accessToken" in names and "idToken" not in names and "redirect" not in names


def test_find_with_the_keyboard(win, aloop):
    view = win.actions_view
    view.select("deny-blocked-countries")
    editor = _ready(aloop, view.editor)
    target = _focus(aloop, view.editor)
    QTest.keyClick(target, Qt.Key.Key_F, Qt.KeyboardModifier.ControlModifier)
    js_until(aloop, editor, "document.querySelector('.find-widget.visible') !== null")
    type_keys(aloop, target, "blocked")
    count = js_until(aloop, editor, "(() => { const m = document.querySelector('.find-widget .matchesCount');"
                                    " return m && /of/.test(m.textContent) ? m.textContent : null; })()")
    code = win.core.action("sample", "deny-blocked-countries")["code"]
    assert count == f"1 of {code.lower().count('blocked')}"  # case-insensitive by default, as in VS Code
    QTest.keyClick(target, Qt.Key.Key_Return)  # the next match
    js_until(aloop, editor, "document.querySelector('.find-widget .matchesCount').textContent.startsWith('2 of')")
    # Replace all (Ctrl+H, the replacement, Ctrl+Alt+Enter) edits the draft, which Python sees.
    QTest.keyClick(target, Qt.Key.Key_H, Qt.KeyboardModifier.ControlModifier)
    js_until(aloop, editor, "document.activeElement && document.activeElement.closest('.replace-part') !== null")
    type_keys(aloop, target, "banned")
    QTest.keyClick(target, Qt.Key.Key_Return, Qt.KeyboardModifier.ControlModifier | Qt.KeyboardModifier.AltModifier)
    _until(aloop, lambda: "blocked" not in view.editor.toPlainText().lower())
    assert view.editor.toPlainText().count("banned") == code.lower().count("blocked") and view.dirty
    # Ctrl+S in Monaco saves the draft.
    js(aloop, editor, "(ae.editor.focus(), true)")
    QTest.keyClick(target, Qt.Key.Key_S, Qt.KeyboardModifier.ControlModifier)
    _until(aloop, lambda: not view.dirty)
    assert "banned" in win.core.action("sample", "deny-blocked-countries")["code"]


def test_a_url_inside_a_string_is_not_a_comment(win, aloop):
    code = "exports.onExecutePostLogin = async (event, api) => {\n" \
           "  api.redirect.sendUserTo('https://age-check.example.com/verify'); // a real comment\n};\n"
    view = _new_action(win, "redirector", code=code)
    editor = _ready(aloop, view.editor)
    js_until(aloop, editor, f"ae.editor.getValue() === {json.dumps(code)}")
    tokens = js(aloop, editor, "ae.tokens(2).map(t => [t.offset, t.type])")
    line = code.splitlines()[1]
    url_at = line.index("https://")
    kind_at = [kind for offset, kind in tokens if offset <= url_at][-1]
    assert kind_at.startswith("string"), tokens
    comment_at = line.index("// a real")
    assert [kind for offset, kind in tokens if offset <= comment_at][-1].startswith("comment")
    assert not any(kind.startswith("comment") for offset, kind in tokens if offset < comment_at)


def test_unknown_api_method_secret_and_dependency_get_warnings(win, aloop):
    code = ("const _ = require('lodash');\n"
            "exports.onExecutePostLogin = async (event, api) => {\n"
            "  api.access.denyy(event.secrets.API_KEY);\n};\n")
    view = _new_action(win, "typo", code=code)
    editor = _ready(aloop, view.editor)
    view.check_syntax()
    markers = js_until(aloop, editor, "(() => { const m = ae.markers().filter(m => m.owner === 'lint');"
                                      " return m.length >= 3 ? m.map(m => [m.startLineNumber, m.startColumn,"
                                      " m.severity, m.message]) : null; })()")
    by_line = {line: (col, severity, message) for line, col, severity, message in markers if "denyy" in message}
    assert by_line[3][0] == 14 and by_line[3][1] == 4  # on `denyy`; 4 is Monaco's Warning
    assert "Did you mean deny?" in by_line[3][2]
    messages = " | ".join(m[3] for m in markers)
    assert "API_KEY is not a secret of this action" in messages
    assert "lodash is not a dependency of this action" in messages
    # Fixing the call clears its warning.
    view.editor.setPlainText(code.replace("denyy", "deny"))
    view.check_syntax()
    js_until(aloop, editor, "!ae.markers().some(m => m.message.includes('denyy'))")


def test_syntax_errors_from_node_are_marked_on_their_line(win, aloop):
    view = _new_action(win, "broken", code="exports.onExecutePostLogin = async (event, api) => {\n  const = 1;\n};\n")
    editor = _ready(aloop, view.editor)
    view.check_syntax()
    marker = js_until(aloop, editor, "(() => { const m = ae.markers().find(m => m.owner === 'errors');"
                                     " return m ? [m.startLineNumber, m.severity, m.message] : null; })()")
    assert marker[0] == 2 and marker[1] == 8 and "SyntaxError" in marker[2]  # 8: Monaco's Error


def test_the_event_editor_checks_the_triggers_schema(win, aloop):
    view = win.actions_view
    view.select("add-role-claims")
    view.tabs.setCurrentWidget(view.test)
    event = view.test.current_event()
    event["user"]["email"] = 42
    view.test.event_editor.setPlainText(json.dumps(event, indent=2))
    editor = _ready(aloop, view.test.event_editor)
    line = json.dumps(event, indent=2).splitlines().index('    "email": 42,') + 1
    marker = js_until(aloop, editor, "(() => { const m = ae.markers().find(m => /string/i.test(m.message));"
                                     " return m ? [m.startLineNumber, m.message] : null; })()", timeout=20)
    assert marker[0] == line


def test_versions_diff_side_by_side(win, aloop):
    view = win.actions_view
    view.select("email-domain-policy")
    view.tabs.setCurrentWidget(view.versions)
    view.versions.a.setCurrentText("v1")
    view.versions.b.setCurrentText("v2")
    assert view.versions.show_diff()
    diff = _ready(aloop, view.versions.diff)
    sides = js_until(aloop, diff, "(() => { const m = ae.diff.getModel(); return m && m.modified.getValue() ?"
                                  " [m.original.getValue(), m.modified.getValue()] : null; })()")
    code = {v["number"]: v["code"] for v in win.core.versions("sample", "email-domain-policy")}
    v1, v2 = code[1], code[2]
    assert sides[0].endswith(v1) and sides[1].endswith(v2)
    changes = js_until(aloop, diff, "(() => { const c = ae.diff.getLineChanges(); return c && c.length ? c.length : null; })()")
    assert changes >= 1


def test_breakpoints_in_monacos_gutter(win, aloop):
    view = win.actions_view
    view.select("add-role-claims")
    editor = _ready(aloop, view.editor)
    top = js(aloop, editor, "ae.editor.getTopForLineNumber(8) - ae.editor.getScrollTop()")
    height = js(aloop, editor, "ae.editor.getOption(monaco.editor.EditorOption.lineHeight)")
    target = editor.focusProxy() or editor
    QTest.mouseClick(target, Qt.MouseButton.LeftButton, pos=QPoint(8, int(top + height / 2)))
    _until(aloop, lambda: 8 in view.editor.breakpoints)
    assert [b["line"] for b in win.core.breakpoints("sample", "add-role-claims")] == [8]
    js_until(aloop, editor, "document.querySelector('.ae-bp') !== null")
    # F9 toggles the breakpoint on the cursor's line.
    js(aloop, editor, "(ae.editor.focus(), ae.editor.setPosition({lineNumber: 8, column: 3}), true)")
    QTest.keyClick(target, Qt.Key.Key_F9)
    _until(aloop, lambda: not view.editor.breakpoints)


def _light_share(image, every: int = 3) -> float:
    """The share of near-white pixels: a light background shows up as a large share."""
    light = total = 0
    for y in range(0, image.height(), every):
        for x in range(0, image.width(), every):
            c = QColor(image.pixel(x, y))
            total += 1
            light += min(c.red(), c.green(), c.blue()) > 225
    return light / total


def test_the_dark_theme_leaves_no_light_background(win, aloop):
    app = QApplication.instance()
    try:
        theme.apply(app, "dark")
        view = win.actions_view
        view.select("verify-age-redirect")
        view.check_syntax()
        shares = {}
        for tab in range(win.tabs.count()):
            win.tabs.setCurrentIndex(tab)
            pages = [None] if win.tabs.widget(tab) is not view else range(view.tabs.count())
            for page in pages:
                if page is not None:
                    view.tabs.setCurrentIndex(page)
                for host in win.findChildren(EditorHost):
                    if host.isVisible() and host.is_monaco:
                        _ready(aloop, host)
                        # Monaco took the dark theme: the page and every editor in it have the palette's Base.
                        js_until(aloop, host.impl, "[document.body, ...document.querySelectorAll("
                                                   "'.monaco-editor-background')].every(e => getComputedStyle(e)"
                                                   ".backgroundColor === 'rgb(30, 30, 30)')")
                aloop.run_until_complete(asyncio.sleep(0.5))  # Chromium paints the new theme
                name = win.tabs.tabText(tab) + ("" if page is None else f"/{view.tabs.tabText(page)}")
                shares[name] = _light_share(win.grab().toImage())
        assert all(share < 0.02 for share in shares.values()), shares
    finally:
        theme.apply(app, "light")


def test_the_basic_editor_when_monaco_cannot_be_had(qtbot, aloop, tmp_path, monkeypatch):
    # An empty cache and an npm registry that refuses connections: a real install that fails.
    monkeypatch.setenv("ACTIONS_EMULATOR_DEPS_CACHE", str(tmp_path / "cache"))
    monkeypatch.setenv("npm_config_registry", "http://127.0.0.1:9/")
    core = open_core(str(tmp_path / "ws.sqlite"))
    window = MainWindow(core, basic_settings(tmp_path, editor="monaco"))
    qtbot.addWidget(window)
    window.show()
    try:
        aloop.run_until_complete(window.start_core())
        _until(aloop, lambda: window.ops.editors.problem is not None, 60)
        assert isinstance(window.actions_view.editor.impl, CodeEditor)
        assert window.editor_label.text().startswith("Editor: basic — Monaco unavailable (")
        assert "registry" in window.editor_label.text()
        window.actions_view.select("add-role-claims")
        assert window.actions_view.editor.toPlainText() == core.action("sample", "add-role-claims")["code"]
    finally:
        aloop.run_until_complete(core.close())


def test_editors_move_into_monaco_when_it_arrives(qtbot, aloop, tmp_path, monaco_folder):
    kit = EditorKit("monaco", cache=DependencyCache(tmp_path / "empty"))
    assert not kit.monaco
    host = EditorHost(kit, "code")
    qtbot.addWidget(host)
    host.show()
    host.set_context("post-login", ["API_KEY"])
    host.setPlainText("exports.onExecutePostLogin = async (event, api) => {};\n")
    host.enable_breakpoints(True)
    host.toggle_breakpoint(1)
    seen = []
    host.breakpoints_changed.connect(seen.append)
    kit.folder = monaco_folder  # as obtain() sets it once the install is done
    kit.available.emit()
    assert host.is_monaco
    editor = _ready(aloop, host)
    assert js(aloop, editor, "ae.editor.getValue()") == "exports.onExecutePostLogin = async (event, api) => {};\n"
    assert host.breakpoints == {1: {"condition": None, "log": None}} and host.context[1] == ("API_KEY",)
    js_until(aloop, editor, "document.querySelector('.ae-bp') !== null")
    host.toggle_breakpoint(1)  # the host's signals now come from Monaco's editor
    assert seen == [{}]


def test_the_basic_editor_also_reads_a_url_in_a_string_as_a_string(qtbot):
    editor = CodeEditor()
    qtbot.addWidget(editor)
    line = "api.redirect.sendUserTo('https://age-check.example.com/verify'); // a real comment"
    editor.setPlainText(line)
    editor.highlighter.rehighlight()
    formats = {(r.start, r.length): r.format.foreground().color().name()
               for r in editor.document().firstBlock().layout().formats()}
    string_at, comment_at = line.index("'https"), line.index("// a real")
    assert formats[(string_at, len("'https://age-check.example.com/verify'"))] == theme.css("string")
    assert formats[(comment_at, len(line) - comment_at)] == theme.css("comment")
    assert not any(start < comment_at and color == theme.css("comment") for (start, _), color in formats.items())


def test_a_dependency_that_ships_types_completes(win, aloop):
    from emulator.runtime.deps import DependencyCache

    try:
        aloop.run_until_complete(DependencyCache.default().ensure([("dayjs", "1")]))
    except DependencyError as exc:
        pytest.skip(f"dayjs is not available: {exc}")
    code = "const dayjs = require('dayjs');\nexports.onExecutePostLogin = async (event, api) => {\n  dayjs().\n};\n"
    win.core.create_action("sample", "dated", "post-login", code, dependencies=[{"name": "dayjs", "version": "1"}])
    view = win.actions_view
    view.reload_tree(select="dated")
    editor = _ready(aloop, view.editor)
    assert editor.context[3] == ("dayjs",)
    names = _suggestions(aloop, editor, 3, 11)
    # dayjs's own methods (the list shows its first rows; none of these words is in the code).
    assert {"add", "day"} <= set(names) and not {"add", "day"} & set(re.findall(r"\w+", code))


def test_the_debugger_shows_the_paused_line_in_monaco_and_evaluates_on_hover(win, aloop):
    from .conftest import wait_signal

    view, pane = win.actions_view, win.debugger
    view.select("add-role-claims")
    win.core.set_breakpoints("sample", "add-role-claims", [{"line": 8}])
    view.tabs.setCurrentWidget(view.test)
    wait_signal(aloop, pane.paused_changed, lambda: aloop.call_soon(view.test.run), value=True)
    source = _ready(aloop, pane.source)
    _until(aloop, lambda: pane.source.exec_line == 8)
    # The paused line: an arrow in the gutter and the line tinted, in the middle of the view.
    js_until(aloop, source, "document.querySelector('.ae-exec') !== null && document.querySelector('.ae-exec-line') !== null")
    assert js(aloop, source, "ae.editor.getPosition().lineNumber") == 8
    assert js(aloop, source, "ae.editor.getOption(monaco.editor.EditorOption.readOnly)") is True
    # Hovering `roles` asks the paused frame for its value.
    column = win.core.action("sample", "add-role-claims")["code"].splitlines()[7].index("roles") + 2
    js(aloop, source, f"(ae.editor.setPosition({{lineNumber: 8, column: {column}}}),"
                      " ae.editor.trigger('test', 'editor.action.showHover', {}), true)")
    text = js_until(aloop, source, "(() => { const h = document.querySelector('.monaco-hover-content');"
                                   " return h && h.textContent.includes('roles =') ? h.textContent : null; })()")
    assert "roles = Array(0)" in text or "roles = Array(" in text
    wait_signal(aloop, view.test_finished, lambda: pane.control("resume"))
    js_until(aloop, source, "document.querySelector('.ae-exec') === null")


def test_the_edit_menu_acts_on_the_focused_editor_and_help_lists_the_shortcuts(win, aloop):
    from app import edit_menu

    view = win.actions_view
    view.select("add-role-claims")
    editor = _ready(aloop, view.editor)
    _focus(aloop, view.editor)
    assert edit_menu.focused_editor() is editor
    assert edit_menu.run("select_all")
    lines = len(view.editor.toPlainText().splitlines())
    js_until(aloop, editor, f"ae.editor.getSelection().endLineNumber >= {lines} && ae.editor.getSelection()"
                            ".startLineNumber === 1")
    assert edit_menu.run("go_to_line")  # Monaco's own "go to line" box opens
    js_until(aloop, editor, "document.querySelector('.quick-input-widget') !== null"
                            " && document.querySelector('.quick-input-widget').style.display !== 'none'")
    rows = dict(edit_menu.shortcut_rows(win))
    assert rows["Action › Deploy"] == "Ctrl+Shift+D" and rows["Edit › Go to line…"] == "Ctrl+G"
    assert rows["Edit › Find…"] == "Ctrl+F" and "F9" in dict((k, v) for v, k in rows.items())
    dialog = edit_menu.ShortcutsDialog(win)
    assert dialog.table.rowCount() == len(rows)


def test_a_modules_code_completes_its_own_secrets(win, aloop):
    """An Actions Module has no event or api: its editor knows `actions.secrets` (the module's own)."""
    view = win.actions_view
    win.core.create_module("sample", "crm", "module.exports = {};\n", secrets={"CRM_TOKEN": "t"})
    view.reload_tree(select="crm", kind="module")
    assert view.kind.name == "module"
    view.editor.setPlainText("const token = actions.secrets.\nmodule.exports = {};\n")
    editor = _ready(aloop, view.editor)
    assert "CRM_TOKEN" in _suggestions(aloop, editor, 1, 31)
    js(aloop, editor, "(ae.editor.trigger('test', 'hideSuggestWidget', {}), true)")
    view._set_dirty(False)


def test_coverage_shades_monacos_gutter_with_the_counts_on_hover(win, aloop):
    from .conftest import wait_signal

    view = win.actions_view
    view.select("add-role-claims")
    editor = _ready(aloop, view.editor)
    view.coverage_button.setChecked(True)
    view.tabs.setCurrentWidget(view.test)
    wait_signal(aloop, view.test_finished, lambda: aloop.call_soon(view.test.run))
    _until(aloop, lambda: view.editor.coverage is not None)
    view.tabs.setCurrentIndex(0)  # back to the code: a hidden editor draws no gutter
    hit = js_until(aloop, editor, "document.querySelectorAll('.ae-cov-hit').length || null")
    assert hit > 0
    ran = [line for line, count in view.editor.coverage.items() if count > 0]
    js(aloop, editor, f"(ae.editor.setPosition({{lineNumber: {ran[0]}, column: 3}}),"
                      " ae.editor.trigger('test', 'editor.action.showHover', {}), true)")
    text = js_until(aloop, editor, "(() => { const h = document.querySelector('.monaco-hover-content');"
                                   " return h && h.textContent.includes('Coverage:') ? h.textContent : null; })()")
    assert "Coverage: ran" in text
    view.coverage_button.setChecked(False)
    js_until(aloop, editor, "document.querySelectorAll('.ae-cov-hit').length === 0")


def test_as_root_without_the_sandbox_flag_the_app_keeps_its_own_editor_and_says_why(monkeypatch, tmp_path,
                                                                                     monaco_folder, aloop):
    """Chromium will not start as root with its sandbox: the app must not exit, it uses its editor."""
    import os

    monkeypatch.setattr(os, "geteuid", lambda: 0, raising=False)
    monkeypatch.delenv("QTWEBENGINE_CHROMIUM_FLAGS", raising=False)
    monkeypatch.delenv("QTWEBENGINE_DISABLE_SANDBOX", raising=False)
    kit = EditorKit("monaco", cache=DependencyCache(tmp_path / "empty"))
    assert not kit.monaco and "running as root" in kit.describe() and "--no-sandbox" in kit.describe()
    assert aloop.run_until_complete(kit.obtain()) is False  # no install attempt, no Monaco view
    monkeypatch.setenv("QTWEBENGINE_CHROMIUM_FLAGS", "--no-sandbox")
    assert EditorKit("monaco", cache=DependencyCache(tmp_path / "empty")).problem is None
