"""The Simulator and Timings areas over a real core and the sample tenant: step a login through a
breakpoint with an edited event, answer an SMS code read from the outbox pane, come back from a redirect
with a signed session token, re-run and reopen runs, deterministic mode shown, a batch with progress and
Cancel while the window keeps redrawing, and every chart with data in it. No sleeps: waits are on
signals."""
from __future__ import annotations

import json
import time

import pytest
from PySide6.QtCore import QPoint, Qt, QTimer
from PySide6.QtTest import QTest
from PySide6.QtWidgets import QTableWidgetItem

from app.startup import open_core
from app.window import MainWindow

from .conftest import basic_settings, wait_signal

JANE, JANE_PASSWORD = "jane.doe@example.com", "Correct-Horse-9"
SAM, SAM_PASSWORD = "sam.lee@example.org", "Battery-Staple-7"


@pytest.fixture
def win(qtbot, aloop, tmp_path):
    core = open_core(str(tmp_path / "ws.sqlite"))
    window = MainWindow(core, basic_settings(tmp_path))
    qtbot.addWidget(window)
    window.resize(1280, 800)  # the smallest screen the app is designed for
    window.show()
    aloop.run_until_complete(window.start_core())
    window.tabs.setCurrentWidget(window.simulator_view)
    yield window
    aloop.run_until_complete(window.core.close())


def _as(sim, email: str, password: str) -> None:
    sim.setup.user_box.setCurrentText(email)
    sim.setup.password.setText(password)


def _step(aloop, sim, answer=None):
    return wait_signal(aloop, sim.stepped, lambda: sim.advance(False, answer))


def _run(aloop, sim):
    return wait_signal(aloop, sim.stepped, lambda: sim.advance(True))


def _tree(tree) -> dict[str, object]:
    return {tree.topLevelItem(i).text(0): tree.topLevelItem(i) for i in range(tree.topLevelItemCount())}


def test_step_a_login_through_a_breakpoint_edit_the_event_then_answer_the_otp_from_the_outbox(win, aloop, qtbot):
    sim = win.simulator_view
    _as(sim, JANE, JANE_PASSWORD)
    sim.breakpoints.set_checked("add-role-claims")
    assert sim.breakpoints.selected() == ["add-role-claims"]
    run = _step(aloop, sim)  # identifier: route-enterprise-users runs
    assert sim.stepper.current_state().endswith("Identifier (login-post-identifier)") or run.state == "password"
    # Between steps, the prompt says where the run is and what the keys do (not "Pick a flow...").
    assert sim.prompt.currentWidget() is sim.prompt.idle
    assert sim.prompt.idle_label.text().endswith("F10 steps, F5 continues.")
    assert sim.prompt.idle_label.text().startswith(("Next: ", "Paused before "))
    while not run.waiting:
        run = _step(aloop, sim)
    assert run.waiting["for"] == "event" and run.waiting["action"] == "add-role-claims"
    assert sim.prompt.currentWidget() is sim.prompt.pages["event"]
    assert "▶  ● add-role-claims v1" in [sim.stepper.chain.item(i).text() for i in range(sim.stepper.chain.count())]
    assert sim.stepper.current_state().endswith("post-login actions")
    event = json.loads(sim.prompt.event_editor.toPlainText())
    assert event["authorization"]["roles"] == ["admin"]
    event["authorization"]["roles"] = ["auditor"]  # edited at the breakpoint
    sim.prompt.event_editor.setPlainText(json.dumps(event, indent=2))
    run = wait_signal(aloop, sim.stepped, sim.prompt.send_event.click)
    last = _tree(sim.details.action)
    assert last["Action"].text(1).startswith("add-role-claims v1")
    console = last["Console"]
    assert console.child(0).text(1) == "jane.doe@example.com: roles auditor"
    claims = _tree(sim.details.state)["claims"]
    roles = claims.child(0).child(0)  # id_token › https://example.com/roles
    assert roles.text(0) == "https://example.com/roles" and roles.child(0).text(1) == "auditor"

    run = _run(aloop, sim)  # on to mfa-for-admins: jane has no enrolled phone yet
    assert run.waiting == {"for": "phone"} and sim.prompt.currentWidget() is sim.prompt.pages["phone"]
    sim.prompt.phone.setText("+14255550123")
    run = wait_signal(aloop, sim.stepped, lambda: qtbot.mouseClick(sim.prompt.send_phone, Qt.MouseButton.LeftButton))
    assert run.waiting["for"] == "otp" and sim.prompt.currentWidget() is sim.prompt.pages["otp"]
    sim.details.setCurrentWidget(sim.details.outbox)
    assert sim.details.outbox.item(0, 1).text() == "+14255550123"
    # At 1280x800 the message (which holds the code) is the first column, on screen and wide enough.
    sim.details.setCurrentWidget(sim.details.outbox)
    outbox = sim.details.outbox
    assert outbox.columnViewportPosition(0) == 0 and outbox.columnWidth(0) >= 150
    assert outbox.columnViewportPosition(0) + outbox.columnWidth(0) <= outbox.viewport().width()
    code = sim.details.outbox.item(0, 0).text().split()[0]  # what the person reads off the SMS
    sim.prompt.otp.setText("000000")
    run = wait_signal(aloop, sim.stepped, sim.prompt.otp.returnPressed.emit)
    assert run.waiting["for"] == "otp" and sim.prompt.otp_error.text() == "Invalid otp_code."
    sim.prompt.otp.setText(code)
    run = wait_signal(aloop, sim.stepped, sim.prompt.otp.returnPressed.emit)
    assert run.status == "success"  # after Run, an answer runs on to the next pause: here, the end
    result = _tree(sim.details.result)
    assert result["Outcome"].text(1) == "success"
    assert result["ID token"].text(1) == "signature verified (RS256, tenant JWKS)"
    id_token = result["ID token"]
    roles = next(id_token.child(i) for i in range(id_token.childCount())
                 if id_token.child(i).text(0) == "https://example.com/roles")
    assert [roles.child(i).text(1) for i in range(roles.childCount())] == ["auditor"]  # the edited event's
    # The claim's name is shown whole, not elided in the middle.
    tree = sim.details.result
    name_room = tree.columnWidth(0) - 2 * tree.indentation()  # the claim sits one level down
    assert name_room > tree.fontMetrics().horizontalAdvance("https://example.com/roles") + 8
    logs = [result["Tenant logs"].child(i).text(0) for i in range(result["Tenant logs"].childCount())]
    assert logs[-1] == "s" and {"gd_send_sms", "gd_auth_failed", "gd_enrollment_complete"} <= set(logs)
    assert sim.prompt.currentWidget() is sim.prompt.done and "SUCCESS" in sim.prompt.title.text()


def test_a_redirect_continues_with_a_signed_session_token(win, aloop):
    sim = win.simulator_view
    _as(sim, SAM, SAM_PASSWORD)
    run = _run(aloop, sim)
    assert run.status == "redirected" and run.waiting["for"] == "continue"
    assert sim.prompt.url.text().startswith("https://age-check.example.com/verify?session_token=")
    assert sim.prompt.secret_box.currentText() == "SESSION_TOKEN_SECRET"
    assert "redirect" in _tree(sim.details.state)
    sim.prompt.claims.setPlainText('{\n  "age_verified": true\n}')  # claims span lines
    # At 1280x800 the fields are at least as wide as what they hold: the secret's whole name, the claims.
    metrics = sim.prompt.secret_box.fontMetrics()
    assert sim.prompt.secret_box.width() > metrics.horizontalAdvance("SESSION_TOKEN_SECRET")
    assert sim.prompt.claims.width() > metrics.horizontalAdvance('  "age_verified": true')
    assert sim.prompt.claims.height() >= 3 * metrics.height()
    sim.prompt.sign_button.click()
    answer = sim.prompt.continue_answer()
    assert answer["query"]["session_token"].count(".") == 2
    run = wait_signal(aloop, sim.stepped, sim.prompt.continue_button.click)
    assert run.status == "success", run.error
    sam = next(u for u in win.core.users("sample") if u["email"] == SAM)
    assert sam["app_metadata"]["age_verified"] is True  # set by onContinuePostLogin

    rerun = wait_signal(aloop, sim.stepped, sim.rerun)  # sam is verified now: no redirect this time
    assert rerun.id != run.id and rerun.status == "success"
    ids = [sim.runs.item(i).data(256) for i in range(sim.runs.count())]
    assert ids[:2] == [rerun.id, run.id]
    sim.runs.itemClicked.emit(sim.runs.item(1))  # reopen the earlier run
    assert sim.run.id == run.id and "success" in sim.status.text()


def test_deterministic_mode_is_shown_and_fixes_the_code(win, aloop):
    sim = win.simulator_view
    assert sim.banner.isHidden()
    sim.setup.deterministic.setChecked(True)
    assert not sim.banner.isHidden() and "every SMS code is 123456" in sim.banner.text()
    assert "seed 42" in sim.banner.text()
    sim.setup.set_kind("sms_mfa")
    _as(sim, JANE, JANE_PASSWORD)
    sim.setup.phone.setText("+14255550123")
    run = _run(aloop, sim)
    assert run.deterministic and run.waiting["for"] == "otp"
    assert sim.details.outbox.item(0, 0).text().startswith("123456")
    assert "(deterministic)" in _tree(sim.details.result)["Outcome"].text(1)
    sim.setup.deterministic.setChecked(False)
    assert not sim.banner.isHidden()  # still shown: the open run is deterministic


def test_a_batch_shows_progress_can_be_cancelled_and_the_window_keeps_redrawing(win, aloop):
    sim = win.simulator_view
    _as(sim, JANE, JANE_PASSWORD)
    win.core.set_bindings("sample", "post-login", ["add-role-claims"])  # fast runs, no MFA
    sim.batch_count.setValue(1000)
    gaps, last = [], [time.perf_counter()]

    def tick():
        now = time.perf_counter()
        gaps.append((now - last[0]) * 1000)
        last[0] = now
        sim.batch_progress.repaint()  # a real redraw, each tick

    timer = QTimer(interval=20)
    timer.timeout.connect(tick)

    def cancel_at_25(value: int) -> None:
        if value >= 25:
            sim.cancel_batch()

    def start_then_cancel():
        timer.start()
        sim.start_batch()
        sim.batch_progress.valueChanged.connect(cancel_at_25)

    result = wait_signal(aloop, sim.batch_finished, start_then_cancel, timeout=120)
    timer.stop()
    assert 25 <= result.runs < 1000 and result.statuses == {"success": result.runs}
    assert sim.batch_progress.value() == result.runs and "(cancelled)" in sim.batch_label.text()
    assert sim.batch_button.isEnabled() and not sim.cancel_button.isEnabled()
    gaps.sort()
    assert len(gaps) > 10
    # The UI thread served a 20 ms timer and repainted throughout; 95% of the gaps under 100 ms.
    assert gaps[int(len(gaps) * 0.95)] < 100, gaps[-10:]


def test_a_batch_shows_its_own_summary_with_its_failures(win, aloop):
    sim = win.simulator_view
    _as(sim, JANE, JANE_PASSWORD)
    run = _step(aloop, sim)  # a run in progress before the batch
    assert sim.run is run
    win.core.create_action("sample", "every-other", "post-login",
                           "exports.onExecutePostLogin = async (event, api) => {"
                           " if (event.stats.logins_count % 2) api.access.deny('odd login'); };")
    win.core.deploy("sample", "every-other")
    win.core.set_bindings("sample", "post-login", ["every-other"])
    sim.batch_count.setValue(4)
    result = wait_signal(aloop, sim.batch_finished, sim.start_batch, timeout=120)
    assert result.statuses.get("denied") and sim.run is None  # the earlier run no longer shows
    summary = sim.prompt.title.text()
    assert sim.prompt.currentWidget() is sim.prompt.done and summary.startswith("<b>Batch: 4 runs in ")
    failed_id = result.failures[0][0]
    assert f"href='run:{failed_id}'" in summary and "odd login" in summary and "href='timings:'" in summary
    sim.prompt.title.linkActivated.emit(f"run:{failed_id}")  # a failure's link opens that run
    assert sim.run.id == failed_id and sim.run.status == "denied"
    states = [sim.stepper.states.item(i).text() for i in range(sim.stepper.states.count())]
    assert states[2].startswith("✗  post-login actions") and states[3].startswith("–  SMS second factor")
    sim.prompt.title.linkActivated.emit("timings:")
    assert win.tabs.currentWidget() is win.timings_view
    # Earlier runs: who, on which application, the outcome and the time.
    first = sim.runs.item(0).text()
    assert JANE in first and "My Web App" in first and " ms" in first
    # A log line of a batch run leads back to that run.
    logs = win.logs_view
    wait_signal(aloop, logs.refreshed, lambda: win.tabs.setCurrentWidget(logs))
    logs.table.selectRow(0)
    run_id = next(r["id"] for r in win.core.flow_runs("sample")
                  if json.loads(logs.detail.toPlainText())["log_id"] in win.core.flow_run(r["id"]).logs)
    assert f"href='run:{run_id}'" in logs.links.text()
    logs.links.linkActivated.emit(f"run:{run_id}")
    assert win.tabs.currentWidget() is sim and sim.run.id == run_id


def test_timings_charts_have_data_hover_names_the_run_and_click_opens_it(win, aloop):
    sim = win.simulator_view
    _as(sim, JANE, JANE_PASSWORD)
    # A 40 ms action next to a sub-millisecond one: their points never overlap under the mouse.
    win.core.create_action("sample", "wait-40ms", "post-login",
                           "exports.onExecutePostLogin = async () => { await new Promise((r) => setTimeout(r, 40)); };")
    win.core.deploy("sample", "wait-40ms")
    win.core.set_bindings("sample", "post-login", ["deny-blocked-countries", "wait-40ms"])
    sim.batch_count.setValue(4)
    wait_signal(aloop, sim.batch_finished, sim.start_batch, timeout=120)
    logs = win.logs_view  # hidden during the batch: it catches up when shown
    shown = wait_signal(aloop, logs.refreshed, lambda: win.tabs.setCurrentWidget(logs))
    assert shown and [logs.table.item(r, 1).text() for r in range(shown)].count("s") == 4
    timings = win.timings_view
    count = wait_signal(aloop, timings.refreshed, lambda: win.tabs.setCurrentWidget(timings))
    assert count >= 8
    series = timings.durations.chart_.series()
    assert {s.name() for s in series} >= {"deny-blocked-countries", "wait-40ms"}
    assert len({s.color().name() for s in series}) == len(series)  # each series its own colour
    assert all(s.count() >= 4 for s in series)
    labels = [label for label, _stats in timings.versions.boxes]
    assert {"deny-blocked-countries v1", "wait-40ms v1"} <= set(labels)
    assert all(stats["count"] >= 4 for _label, stats in timings.versions.boxes)
    # Each row's name sits on the category axis, left of its box: hovering the row names it.
    row = labels.index("wait-40ms v1")
    plot = timings.versions._plot()
    assert timings.versions.row_at(plot.top() + row * 26 + 13) == row
    # The waterfall keeps a row height per bar and scrolls instead of squeezing its labels.
    assert timings.waterfall.minimumHeight() >= 24 * len(timings.waterfall.bars)
    bars = timings.waterfall.bars
    assert {b["kind"] for b in bars} == {"trigger", "action", "step"}
    assert timings.waterfall.chart_.series()[0].count() == 5  # offset + trigger + step + action + failed sets
    # The mouse over the newest wait-40ms point, then a click on it.
    chart = timings.durations
    line = next(s for s in series if s.name() == "wait-40ms")
    at = chart.mapFromScene(chart.chart_.mapToPosition(line.at(line.count() - 1), line))
    QTest.mouseMove(chart.viewport(), at + QPoint(25, 25))
    hovered = wait_signal(aloop, chart.point_hovered, lambda: QTest.mouseMove(chart.viewport(), at))
    assert hovered["action"] == "wait-40ms" and hovered["ms"] > 30
    assert hovered["flow_run"] == timings.rows[-1]["flow_run"]
    QTest.mouseClick(chart.viewport(), Qt.MouseButton.LeftButton, Qt.KeyboardModifier.NoModifier, at)
    assert win.tabs.currentWidget() is sim and sim.run.id == hovered["flow_run"]
    assert timings.waterfall.chart_.title().endswith(hovered["flow_run"][:8])
    timings.log_scale.setChecked(True)
    assert timings.durations.chart_.axes()[1].titleText() == "ms (log)"


def test_signup_with_new_credentials_then_reset_the_password_from_the_emailed_link(win, aloop):
    sim = win.simulator_view
    sim.setup.set_kind("signup")
    assert [sim.breakpoints.topLevelItem(i).text(0) for i in range(sim.breakpoints.topLevelItemCount())] == [
        "every action", "signup-post-identifier", "pre-user-registration"]
    sim.setup.user_box.setCurrentText("(new credentials)")
    sim.setup.email.setText("new@example.net")
    sim.setup.password.setText("short")
    run = _run(aloop, sim)
    assert run.status == "failed" and run.error["code"] == "invalid_password"
    assert "invalid_password" in sim.prompt.title.text()
    sim.setup.password.setText("Str0ng-Passw0rd!")
    run = _run(aloop, sim)
    assert run.status == "success" and _tree(sim.details.result)["user"]
    assert sim.setup.user_box.findText("new@example.net") > 0  # the new user can be picked from now on
    assert sim.setup.email.text() == "new@example.net"  # and what was typed stays

    sim.setup.set_kind("password_reset")
    run = _run(aloop, sim)
    assert run.waiting["for"] == "link" and sim.prompt.currentWidget() is sim.prompt.pages["link"]
    assert sim.details.outbox.item(0, 1).text() == "new@example.net"
    run = wait_signal(aloop, sim.stepped, sim.prompt.auto_requested.emit)  # "Follow the link in the e-mail"
    assert run.waiting["for"] == "new_password" and sim.prompt.currentWidget() is sim.prompt.pages["new_password"]
    sim.prompt.new_password.setText("abc")
    run = wait_signal(aloop, sim.stepped, lambda: sim.advance(True))
    assert run.waiting["for"] == "new_password" and sim.prompt.password_error.text()
    sim.prompt.new_password.setText("An0ther-Passw0rd!")
    run = wait_signal(aloop, sim.stepped, lambda: sim.advance(True))
    assert run.status == "success"
    assert _tree(sim.details.result)["result_url"].text(1) == "https://app.example.com/password-changed"
    logs = _tree(sim.details.result)["Tenant logs"]
    assert [logs.child(i).text(0) for i in range(logs.childCount())] == ["scpr", "fcp", "scp"]


def test_a_rendered_form_is_answered_and_a_broken_event_is_never_sent(win, aloop):
    core = win.core
    core.create_action("sample", "terms-form", "post-login", """
exports.onExecutePostLogin = async (event, api) => { api.prompt.render('ap_terms'); };
exports.onContinuePostLogin = async (event, api) => {
  api.idToken.setCustomClaim('https://example.com/accepted', event.prompt.fields.accept);
};""")
    core.deploy("sample", "terms-form")
    win.ops.call(win, core.set_bindings, "sample", "post-login", ["terms-form"])  # as the Flows tab does
    sim = win.simulator_view
    assert sim.breakpoints.topLevelItem(2).child(0).text(0) == "terms-form"  # the list followed the change
    _as(sim, JANE, JANE_PASSWORD)
    sim.breakpoints.set_checked("terms-form")
    run = _run(aloop, sim)
    assert run.waiting["for"] == "event"
    sim.prompt.event_editor.setPlainText('{"user": ')  # broken JSON: the line is named, nothing is sent
    assert not sim.prompt.send_event.isEnabled() and sim.prompt.event_error.text().startswith("Line 1")
    assert sim.advance(True) is None and "answer it first" in sim.status.text()
    sim.prompt.event_editor.setPlainText(sim.prompt._original_event)
    run = wait_signal(aloop, sim.stepped, sim.prompt.send_event.click)
    assert run.waiting["for"] == "form" and sim.prompt.currentWidget() is sim.prompt.pages["form"]
    assert "ap_terms" in sim.prompt.form_label.text()
    sim.prompt.fields.setItem(0, 0, QTableWidgetItem("accept"))
    sim.prompt.fields.setItem(0, 1, QTableWidgetItem("yes"))
    run = wait_signal(aloop, sim.stepped, sim.prompt.submit_form.click)
    # The breakpoint stops again before the same action's onContinuePostLogin, with the form's fields.
    assert run.waiting["for"] == "event" and run.waiting["handler"] == "onContinuePostLogin"
    assert json.loads(sim.prompt.event_editor.toPlainText())["prompt"]["fields"] == {"accept": "yes"}
    assert "onContinuePostLogin" in sim.prompt.event_label.text()
    run = wait_signal(aloop, sim.stepped, sim.prompt.send_event.click)
    assert run.status == "success"
    claims = core.flow_view(run)["report"]["tokens"]["claims"]["id_token"]
    assert claims["https://example.com/accepted"] == "yes"


def test_a_machine_to_machine_exchange_runs_the_credentials_exchange_actions(win, aloop):
    core = win.core
    core.create_action("sample", "m2m-claims", "credentials-exchange",
                       "exports.onExecuteCredentialsExchange = async (event, api) => {"
                       " api.accessToken.setCustomClaim('https://example.com/app', event.client.name); };")
    core.deploy("sample", "m2m-claims")
    core.set_bindings("sample", "credentials-exchange", ["m2m-claims"])
    sim = win.simulator_view
    sim.setup.set_kind("client_credentials")
    assert [sim.breakpoints.topLevelItem(i).text(0) for i in range(sim.breakpoints.topLevelItemCount())] == [
        "every action", "credentials-exchange"]
    run = _run(aloop, sim)
    assert run.status == "success", run.error
    assert run.inputs["audience"] == "https://api.example.com/orders"  # the tenant's first API
    assert [s["state"] for s in core.flow_view(run)["stepper"]] == ["exchange", "tokens"]
    assert "Client credentials" in sim.status.text()


def test_a_custom_token_exchange_from_the_simulator(win, aloop):
    core = win.core
    jane = next(u for u in core.users("sample") if u["email"] == JANE)
    core.create_action("sample", "legacy-exchange", "custom-token-exchange",
                       "exports.onExecuteCustomTokenExchange = async (event, api) => {"
                       " api.authentication.setUserById(event.transaction.subject_token); };")
    core.deploy("sample", "legacy-exchange")
    core.set_token_exchange_profile("sample", "legacy", "urn:acme:legacy-token", "legacy-exchange")
    sim = win.simulator_view
    sim.set_tenant("sample")
    sim.setup.set_kind("token_exchange")
    setup = sim.setup
    assert setup.form.isRowVisible(setup.subject_token) and not setup.form.isRowVisible(setup.email)
    assert setup.subject_type.currentText() == "urn:acme:legacy-token"  # the tenant's profiles offered
    setup.subject_token.setText(jane["user_id"])
    run = _run(aloop, sim)  # the sample's post-login enrolls Jane in MFA, which a token exchange cannot do
    assert run.status == "failed" and "enrollWith is not supported in a Custom Token Exchange" in \
        run.error["error_description"]
    core.set_bindings("sample", "post-login", ["add-role-claims"])
    run = _run(aloop, sim)
    assert run.status == "success", run.error
    assert core.flow_view(run)["report"]["tokens"]["claims"]["access_token"]["sub"] == jane["user_id"]
    sim.setup.set_kind("login")
    assert setup.form.isRowVisible(setup.email) and not setup.form.isRowVisible(setup.subject_token)


def test_detail_trees_show_dates_copy_values_and_elide_in_the_middle(qtbot):
    from PySide6.QtGui import QGuiApplication

    from app.widgets import json_tree

    tree = json_tree.tree()
    qtbot.addWidget(tree)
    token = json_tree.add(tree, "id_token", {"exp": 1_800_000_000, "sub": "auth0|" + "x" * 80,
                                             "updated_at": 1_800_000_000_123, "logins_count": 1_800_000_000})
    exp, sub, updated, count = (token.child(i) for i in range(4))
    assert exp.text(1) == "1800000000  (2027-01-15 08:00:00 UTC)"
    assert updated.text(1).endswith("(2027-01-15 08:00:00 UTC)")
    assert count.text(1) == "1800000000"  # a count is not a time
    assert tree.textElideMode() == Qt.TextElideMode.ElideMiddle and sub.toolTip(1) == sub.text(1)
    json_tree.copy_value(sub)
    assert QGuiApplication.clipboard().text() == "auth0|" + "x" * 80
    json_tree.copy_value(token)  # a container copies as JSON
    assert json.loads(QGuiApplication.clipboard().text())["exp"] == 1_800_000_000
    assert json_tree.path_of(exp) == "id_token.exp"


def test_a_batch_comes_back_from_a_redirect_with_the_answer_given_once(win, aloop):
    """sam.lee is sent to an age check whose page signs a session token: a batch cannot make one up, and
    says what it needs; once the user has answered the redirect in the Simulator, batches use that answer."""
    sim = win.simulator_view
    _as(sim, SAM, SAM_PASSWORD)
    sim.batch_count.setValue(2)
    result = wait_signal(aloop, sim.batch_finished, sim.start_batch, timeout=120)
    assert result.statuses == {"redirected": 2}
    assert "answer once in the Simulator before a batch" in sim.prompt.title.text()
    run = _run(aloop, sim)  # the user answers the redirect once, by hand
    sim.prompt.claims.setPlainText('{"age_verified": true}')
    sim.prompt.sign_button.click()
    assert wait_signal(aloop, sim.stepped, sim.prompt.continue_button.click).status == "success", run.error
    sam = next(u for u in win.core.users("sample") if u["email"] == SAM)
    win.core.update_user("sample", sam["user_id"], app_metadata={"age_verified": None})  # redirected again
    assert not next(u for u in win.core.users("sample") if u["email"] == SAM)["app_metadata"].get("age_verified")
    result = wait_signal(aloop, sim.batch_finished, sim.start_batch, timeout=120)
    assert result.statuses == {"success": 2}, result.failures


def test_picking_a_sample_user_hints_at_its_password(win):
    setup = win.simulator_view.setup
    setup.user_box.setCurrentText(SAM)
    assert setup.password.placeholderText() == f"the sample's password for this user: {SAM_PASSWORD}"
    win.core.create_user("sample", email="someone@example.net", password="Whatever-123")
    setup.reload_users()
    setup.user_box.setCurrentText("someone@example.net")
    assert setup.password.placeholderText() == "the password the user types"
