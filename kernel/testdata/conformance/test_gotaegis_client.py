"""What jupyter_kernel_test leaves out, checked with jupyter_client's own KernelManager:
interrupts in both modes, stdin, stop_on_error, restart with history, comms and shutdown.

scripts/test-jupyter runs it with JUPYTER_PATH holding the "gotaegis" kernelspec.
"""

import json
import os
import queue
import shutil
import tempfile
import time
import unittest

from jupyter_client.kernelspec import KernelSpecManager
from jupyter_client.manager import KernelManager
from jupyter_client.utils import run_sync

TIMEOUT = 30


def start(interrupt_mode):
    """Start a kernel from a copy of the gotaegis kernelspec with the given interrupt mode."""
    spec = KernelSpecManager().get_kernel_spec("gotaegis")
    root = tempfile.mkdtemp()
    name = "gotaegis-" + interrupt_mode
    os.makedirs(os.path.join(root, "kernels", name))
    with open(os.path.join(root, "kernels", name, "kernel.json"), "w") as f:
        json.dump({"argv": spec.argv, "display_name": name, "language": "go",
                   "interrupt_mode": interrupt_mode}, f)
    ksm = KernelSpecManager(kernel_dirs=[os.path.join(root, "kernels")])
    km = KernelManager(kernel_name=name, kernel_spec_manager=ksm)
    km.start_kernel()
    kc = km.client()
    kc.start_channels()
    kc.wait_for_ready(timeout=60)
    return km, kc, root


def run(kc, code):
    """Execute code, waiting for its reply and output without printing them."""
    return kc.execute_interactive(code, timeout=TIMEOUT, output_hook=lambda msg: None)


def collect(kc, msg_id):
    """Return the IOPub messages of msg_id up to its idle status."""
    out = []
    deadline = time.monotonic() + TIMEOUT
    while time.monotonic() < deadline:
        msg = kc.get_iopub_msg(timeout=TIMEOUT)
        if msg["parent_header"].get("msg_id") != msg_id:
            continue
        out.append(msg)
        if msg["msg_type"] == "status" and msg["content"]["execution_state"] == "idle":
            return out
    raise AssertionError("no idle status for " + msg_id)


def reply_to(kc, msg_id):
    while True:
        msg = kc.get_shell_msg(timeout=TIMEOUT)
        if msg["parent_header"].get("msg_id") == msg_id:
            return msg


def wait_running(kc, msg_id):
    """Wait until the cell of msg_id has started (its execute_input was published)."""
    while True:
        msg = kc.get_iopub_msg(timeout=TIMEOUT)
        if (msg["parent_header"].get("msg_id") == msg_id
                and msg["msg_type"] == "execute_input"):
            return


class InterruptTests(unittest.TestCase):
    def check_interrupt(self, mode):
        km, kc, root = start(mode)
        try:
            msg_id = kc.execute("for {\n}")
            wait_running(kc, msg_id)
            km.interrupt_kernel()
            reply = reply_to(kc, msg_id)
            self.assertEqual(reply["content"]["status"], "error")
            self.assertEqual(reply["content"]["ename"], "KeyboardInterrupt")
            self.assertTrue(km.is_alive())
            reply = run(kc, "40+2")
            self.assertEqual(reply["content"]["status"], "ok")
        finally:
            kc.stop_channels()
            km.shutdown_kernel()
            shutil.rmtree(root)

    def test_interrupt_message_mode(self):
        self.check_interrupt("message")

    def test_interrupt_signal_mode(self):
        self.check_interrupt("signal")


class SessionTests(unittest.TestCase):
    @classmethod
    def setUpClass(cls):
        cls.km, cls.kc, cls.root = start("message")

    @classmethod
    def tearDownClass(cls):
        cls.kc.stop_channels()
        cls.km.shutdown_kernel()
        shutil.rmtree(cls.root)

    def test_stdin(self):
        kc = self.kc
        msg_id = kc.execute('var who string\nfmt.Scanln(&who)\nfmt.Println("hello,", who)',
                            allow_stdin=True)
        req = kc.get_stdin_msg(timeout=TIMEOUT)
        self.assertEqual(req["msg_type"], "input_request")
        self.assertEqual(req["parent_header"]["msg_id"], msg_id)
        kc.input("hunter")
        self.assertEqual(reply_to(kc, msg_id)["content"]["status"], "ok")
        texts = [m["content"]["text"] for m in collect(kc, msg_id) if m["msg_type"] == "stream"]
        self.assertEqual("".join(texts), "hello, hunter\n")

    def test_stop_on_error(self):
        kc = self.kc
        # The failure comes at run time, after the sleep, so the second request is queued by then.
        first = kc.execute('import "time"\ntime.Sleep(time.Second)\npanic("stop")')
        queued = kc.execute('fmt.Println("must not run")')
        self.assertEqual(reply_to(kc, first)["content"]["status"], "error")
        self.assertEqual(reply_to(kc, queued)["content"]["status"], "aborted")
        reply = run(kc, "1+1")
        self.assertEqual(reply["content"]["status"], "ok")

    def test_silent_and_store_history(self):
        kc = self.kc
        before = run(kc, "0")["content"]["execution_count"]
        msg_id = kc.execute('fmt.Println("quiet")', silent=True)
        reply = reply_to(kc, msg_id)
        self.assertEqual(reply["content"]["execution_count"], before)
        types = [m["msg_type"] for m in collect(kc, msg_id)]
        self.assertEqual(types, ["status", "status"])
        msg_id = kc.execute("7", store_history=False)
        self.assertEqual(reply_to(kc, msg_id)["content"]["execution_count"], before)
        after = run(kc, "8")["content"]["execution_count"]
        self.assertEqual(after, before + 1)

    def test_comms(self):
        kc = self.kc
        msg_id = kc.comm_info()
        self.assertEqual(reply_to(kc, msg_id)["content"]["comms"], {})
        msg = kc.session.msg("comm_open", {"comm_id": "c1", "target_name": "jupyter.widget",
                                           "data": {}})
        kc.shell_channel.send(msg)
        closed = [m for m in collect(kc, msg["header"]["msg_id"])
                  if m["msg_type"] == "comm_close"]
        self.assertEqual([m["content"]["comm_id"] for m in closed], ["c1"])

    def test_restart_keeps_history(self):
        kc, km = self.kc, self.km
        run(kc, '"before restart"')
        km.restart_kernel()
        kc.wait_for_ready(timeout=60)
        msg_id = kc.history(hist_access_type="search", pattern='"before restart"', raw=True,
                            output=False)
        history = reply_to(kc, msg_id)["content"]["history"]
        self.assertGreaterEqual(len(history), 1)
        msg_id = kc.history(hist_access_type="tail", n=1, raw=True, output=False)
        reply_to(kc, msg_id)
        run(kc, "1")
        msg_id = kc.history(hist_access_type="tail", n=1, raw=True, output=False)
        latest = reply_to(kc, msg_id)["content"]["history"][0]
        self.assertGreater(latest[0], history[-1][0], "a restart starts a new session")


class ShutdownTests(unittest.TestCase):
    def test_shutdown_exits(self):
        km, kc, root = start("message")
        try:
            msg_id = kc.shutdown(restart=False)
            reply = None
            deadline = time.monotonic() + TIMEOUT
            while time.monotonic() < deadline:
                try:
                    msg = run_sync(kc.control_channel.get_msg)(timeout=1)
                except queue.Empty:
                    continue
                if msg["parent_header"].get("msg_id") == msg_id:
                    reply = msg
                    break
            self.assertIsNotNone(reply, "no shutdown_reply on control")
            self.assertEqual(reply["content"], {"status": "ok", "restart": False})
            deadline = time.monotonic() + 10
            while km.is_alive() and time.monotonic() < deadline:
                time.sleep(0.1)
            self.assertFalse(km.is_alive(), "the kernel did not exit after shutdown_request")
        finally:
            kc.stop_channels()
            km.shutdown_kernel(now=True)
            shutil.rmtree(root)


if __name__ == "__main__":
    unittest.main()
