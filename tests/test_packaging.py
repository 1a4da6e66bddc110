"""The packaging configuration cannot rot silently (the build itself is too slow for every CI run; see
packaging/build.sh): the spec ships what the code reads at run time, where the code looks for it, and the
frozen entry point works, as the GUI and as the command line."""
from __future__ import annotations

import json
import subprocess
import sys
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
SPEC = (ROOT / "packaging" / "actions-emulator.spec").read_text()


def test_the_spec_ships_the_harness_fixtures_node_and_qtcharts_where_the_code_looks():
    from emulator.emulator import FIXTURES
    from emulator.runtime.host import HARNESS

    assert HARNESS.parent.relative_to(ROOT).as_posix() == "emulator/runtime/harness"
    assert '"emulator/runtime/harness"' in SPEC and '"emulator" / "runtime" / "harness"' in SPEC
    assert FIXTURES.relative_to(ROOT).as_posix() == "fixtures" and '(str(ROOT / "fixtures"), "fixtures")' in SPEC
    assert 'collect_data_files("nodejs"' in SPEC and 'endswith("/bin/node")' in SPEC and "binaries=NODE_BINARIES" in SPEC
    assert '"PySide6.QtCharts"' in SPEC
    assert 'packaging" / "entry.py"' in SPEC and (ROOT / "packaging" / "entry.py").exists()
    for js in ("host.js", "api.js", "http.js", "loader.js"):
        assert (HARNESS.parent / js).exists()


def test_the_entry_point_is_also_the_command_line():
    out = subprocess.run([sys.executable, str(ROOT / "packaging" / "entry.py"), "cli", "triggers", "--json"],
                         capture_output=True, text=True, timeout=60, cwd=ROOT, env={"PYTHONPATH": str(ROOT),
                                                                                    "PATH": "/usr/bin:/bin"})
    assert out.returncode == 0, out.stderr
    assert "post-login" in [t["id"] for t in json.loads(out.stdout)]


def test_build_script_and_desktop_entry():
    build = (ROOT / "packaging" / "build.sh").read_text()
    assert "pyinstaller" in build and "packaging/actions-emulator.spec" in build and "smoke_test.py" in build
    desktop = (ROOT / "packaging" / "actions-emulator.desktop").read_text()
    assert "Exec=actions-emulator-app" in desktop and "Type=Application" in desktop and "Icon=actions-emulator" in desktop
    from app.main import ICON

    assert ICON.exists() and '(str(ROOT / "app" / "resources"), "app/resources")' in SPEC


def test_the_spec_ships_monaco_and_qtwebengine_where_the_app_looks():
    from app.widgets.monaco import assets, scheme

    assert scheme.PAGE.relative_to(ROOT).as_posix() == "app/widgets/monaco/page"
    assert '(str(ROOT / "app" / "widgets" / "monaco" / "page"), "app/widgets/monaco/page")' in SPEC
    # assets.find() looks in <frozen app>/monaco; the spec puts Monaco's min/ folder there.
    assert 'DATAS.append((str(MONACO), "monaco"))' in SPEC and '"monaco"' in Path(assets.__file__).read_text()
    assert '"PySide6.QtWebEngineWidgets"' in SPEC and "QtWebEngineCore" not in SPEC.split("excludes=")[1]
