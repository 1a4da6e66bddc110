"""The host protocol at the wire: versioned JSON messages on a channel user code never writes to;
unknown or malformed messages are answered with an error and skipped, and the host keeps serving."""
from __future__ import annotations

import hashlib
import hmac
import json
import os
import shutil
import subprocess

import pytest

from emulator import triggers
from emulator.runtime.host import HARNESS
from emulator.runtime.node import bundled_node


@pytest.fixture
def wire():
    read_fd, write_fd = os.pipe()
    key = b"k" * 64
    key_r, key_w = os.pipe()
    os.write(key_w, key)
    os.close(key_w)
    proc = subprocess.Popen([str(bundled_node()), str(HARNESS), str(write_fd), str(key_r)], stdin=subprocess.PIPE,
                            stdout=subprocess.PIPE, stderr=subprocess.PIPE, pass_fds=(write_fd, key_r), env={})
    os.close(write_fd)
    os.close(key_r)
    replies = os.fdopen(read_fd, "rb")

    def send(msg: dict | str) -> dict:
        line = msg if isinstance(msg, str) else json.dumps(msg)
        proc.stdin.write(line.encode() + b"\n")
        proc.stdin.flush()
        body, _, mac = replies.readline().rstrip(b"\n").rpartition(b"\t")
        # Every reply is signed with the key handed over the key pipe.
        assert hmac.compare_digest(hmac.new(key, body, hashlib.sha256).hexdigest().encode(), mac)
        return json.loads(body)

    yield send, proc
    proc.kill()
    proc.wait()


def _run_message(code: str, id_: int) -> dict:
    post_login = triggers.get("post-login")
    return {"v": 1, "id": id_, "type": "run", "trigger": post_login.id, "event": post_login.default_event(),
            "deadline_ms": 5000, "actions": [{"key": f"k{id_}", "name": "a", "filename": "/a.js", "code": code}]}


def test_handshake_errors_and_recovery(wire):
    send, proc = wire
    ready = send({"v": 1, "id": 0, "type": "configure", "triggers": [t.to_harness() for t in triggers.all_triggers()]})
    assert ready["type"] == "ready" and ready["node"].startswith("v") and ready["v"] == 1
    assert send({"v": 1, "id": 1, "type": "ping"}) == {"v": 1, "type": "pong", "id": 1}
    assert send({"v": 1, "id": 2, "type": "bogus"})["message"] == 'unknown message type "bogus"'
    assert send({"v": 2, "id": 3, "type": "ping"})["message"] == "unsupported protocol version 2"
    assert send("{not json")["message"].startswith("unreadable message")
    assert send({"v": 1, "id": 4, "type": "ping"})["type"] == "pong"  # still serving


def test_user_output_never_reaches_the_reply_channel(wire):
    send, proc = wire
    send({"v": 1, "id": 0, "type": "configure", "triggers": [t.to_harness() for t in triggers.all_triggers()]})
    reply = send(_run_message("""exports.onExecutePostLogin = async () => {
        process.stdout.write('{"v":1,"type":"result","id":9}\\n');
        console.log(process.argv.length);
        require('fs').writeSync(1, 'direct to fd 1\\n');
      };""", 9))
    assert reply["type"] == "result" and reply["id"] == 9
    logs = [l["message"] for l in reply["last"]["logs"]]
    assert logs == ['{"v":1,"type":"result","id":9}', "2"]  # argv no longer names the channel
    proc.kill()
    assert b"direct to fd 1" in proc.stdout.read()  # a raw fd write lands on stdout, which Python reads as host output


@pytest.mark.skipif(not shutil.which("node"), reason="no system Node on this machine")
def test_the_harness_runs_on_another_node_version(emu):
    from emulator.runtime import HostPool, build_event, run_chain
    from emulator.runtime.node import node_version

    system_node = shutil.which("node")
    pool = HostPool(system_node)
    code = "exports.onExecutePostLogin = async (e, api) => { api.idToken.setCustomClaim('v', process.version); };"
    result = emu.run(run_chain(emu.run(pool.host("other-node")), "post-login", emu.sources([code]),
                               build_event("post-login", None)))
    emu.run(pool.close())
    assert result.node_version == node_version(pool.node)
    assert result.actions[0].commands[0]["args"] == ["v", result.node_version]
