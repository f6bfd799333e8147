"""A real browser for the tests: headless Chromium driven over the DevTools protocol on a pipe
(`--remote-debugging-pipe`: commands in on fd 3, answers out on fd 4, each a JSON text ended by
NUL), so no driver, no port and no extra package. It opens a page, and reports what it asked
of the network, what it said on its console, a screenshot and a PDF print."""

from __future__ import annotations

import base64
import contextlib
import json
import os
import shutil
import struct
import subprocess
import tempfile
import zlib
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

import pytest

CHROMIUM_NAMES = ("chromium", "chromium-browser", "google-chrome", "chrome")


def chromium() -> str:
    """The browser's path; without one the test skips, saying so, unless CI demands it
    (NIR_REQUIRE_CHROMIUM=1: then the missing browser is a failure)."""
    for name in CHROMIUM_NAMES:
        found = shutil.which(name)
        if found:
            return found
    message = "no Chromium here: install Debian's chromium to run the browser checks"
    if os.environ.get("NIR_REQUIRE_CHROMIUM"):
        pytest.fail(message + " (NIR_REQUIRE_CHROMIUM is set: CI refuses this skip)")
    pytest.skip(message)


@dataclass
class Visit:
    requests: list[str] = field(default_factory=list)  # every URL the page asked for
    console: list[str] = field(default_factory=list)  # errors and warnings, and exceptions
    screenshot: bytes = b""
    pdf: bytes = b""


class Browser:
    def __init__(self) -> None:
        commands_read, self._commands = os.pipe()
        self._answers, answers_write = os.pipe()
        self._profile = tempfile.mkdtemp(prefix="nir-chromium-")

        def on_3_and_4() -> None:  # in the child, before chromium starts
            os.dup2(commands_read, 3)
            os.dup2(answers_write, 4)

        self.process = subprocess.Popen(
            [
                chromium(),
                "--headless=new",
                "--remote-debugging-pipe",
                "--no-sandbox",  # CI runs as root, where Chromium's sandbox will not start
                "--disable-gpu",
                "--no-first-run",
                "--no-default-browser-check",
                f"--user-data-dir={self._profile}",
                "about:blank",
            ],
            stdin=subprocess.DEVNULL,
            stdout=subprocess.DEVNULL,
            stderr=subprocess.DEVNULL,
            pass_fds=(3, 4, commands_read, answers_write),  # 3 and 4: made in preexec_fn
            preexec_fn=on_3_and_4,
        )
        os.close(commands_read)
        os.close(answers_write)
        self._buffer = b""
        self._next = 0
        self.events: list[dict[str, Any]] = []

    def close(self) -> None:
        with contextlib.suppress(OSError, RuntimeError):
            self.send("Browser.close")
        try:
            self.process.wait(10)
        except subprocess.TimeoutExpired:
            self.process.kill()
            self.process.wait()
        for fd in (self._commands, self._answers):
            with contextlib.suppress(OSError):
                os.close(fd)
        shutil.rmtree(self._profile, ignore_errors=True)

    def send(self, method: str, session: str | None = None, **params: Any) -> dict[str, Any]:
        self._next += 1
        message: dict[str, Any] = {"id": self._next, "method": method, "params": params}
        if session:
            message["sessionId"] = session
        os.write(self._commands, json.dumps(message).encode() + b"\0")
        while True:
            answer = self._read()
            if answer.get("id") == self._next:
                if "error" in answer:
                    raise RuntimeError(f"{method}: {answer['error']}")
                return dict(answer.get("result", {}))
            self.events.append(answer)

    def wait_for(self, method: str, session: str) -> dict[str, Any]:
        for seen in self.events:
            if seen.get("method") == method and seen.get("sessionId") == session:
                return seen
        while True:
            answer = self._read()
            self.events.append(answer)
            if answer.get("method") == method and answer.get("sessionId") == session:
                return answer

    def _read(self) -> dict[str, Any]:
        while b"\0" not in self._buffer:
            chunk = os.read(self._answers, 1 << 20)
            if not chunk:
                raise RuntimeError("Chromium closed its pipe")
            self._buffer += chunk
        text, self._buffer = self._buffer.split(b"\0", 1)
        return dict(json.loads(text))

    def visit(self, page: Path) -> Visit:
        """Open `page`, wait for it to load, and take what it did, a screenshot and a print."""
        target = self.send("Target.createTarget", url="about:blank")["targetId"]
        session = self.send("Target.attachToTarget", targetId=target, flatten=True)["sessionId"]
        for domain in ("Page", "Network", "Runtime", "Log"):
            self.send(f"{domain}.enable", session)
        self.send("Emulation.setDeviceMetricsOverride", session, width=1000, height=1400,
                  deviceScaleFactor=1, mobile=False)  # fmt: skip
        self.events.clear()
        self.send("Page.navigate", session, url=page.resolve().as_uri())
        self.wait_for("Page.loadEventFired", session)
        visit = Visit()
        visit.screenshot = base64.b64decode(
            self.send(  # a quarter of the size: enough to tell a page from a blank one
                "Page.captureScreenshot",
                session,
                format="png",
                clip={"x": 0, "y": 0, "width": 1000, "height": 1400, "scale": 0.25},
            )["data"]
        )
        visit.pdf = base64.b64decode(
            self.send("Page.printToPDF", session, preferCSSPageSize=True)["data"]
        )
        for event in self.events:
            if event.get("sessionId") != session:
                continue
            method, params = event.get("method"), event.get("params", {})
            if method == "Network.requestWillBeSent":
                visit.requests.append(params["request"]["url"])
            elif method == "Runtime.exceptionThrown":
                visit.console.append(str(params["exceptionDetails"]))
            elif method == "Runtime.consoleAPICalled" and params["type"] in ("error", "warning"):
                visit.console.append(str(params["args"]))
            elif method == "Log.entryAdded" and params["entry"]["level"] in ("error", "warning"):
                visit.console.append(params["entry"]["text"])
        self.send("Target.closeTarget", targetId=target)
        return visit


def png_colours(png: bytes, limit: int = 64) -> int:
    """How many different colours a PNG holds (up to `limit`): 1 for a blank page. Decoded
    with the standard library: 8-bit RGB or RGBA, non-interlaced, as Chromium writes them."""
    assert png[:8] == b"\x89PNG\r\n\x1a\n", "not a PNG"
    width = height = channels = 0
    data = b""
    at = 8
    while at < len(png):
        (length,) = struct.unpack(">I", png[at : at + 4])
        kind = png[at + 4 : at + 8]
        body = png[at + 8 : at + 8 + length]
        if kind == b"IHDR":
            width, height, depth, colour, _c, _f, interlace = struct.unpack(">IIBBBBB", body)
            assert (depth, interlace) == (8, 0), (depth, interlace)
            assert colour in (2, 6), colour
            channels = 3 if colour == 2 else 4
        elif kind == b"IDAT":
            data += body
        at += 12 + length
    raw = zlib.decompress(data)
    stride = width * channels
    previous = bytearray(stride)
    colours: set[bytes] = set()
    for row in range(height):
        start = row * (stride + 1)
        method = raw[start]  # the row's filter
        line = bytearray(raw[start + 1 : start + 1 + stride])
        for i in range(stride):
            left = line[i - channels] if i >= channels else 0
            up = previous[i]
            corner = previous[i - channels] if i >= channels else 0
            if method == 1:
                line[i] = (line[i] + left) & 0xFF
            elif method == 2:
                line[i] = (line[i] + up) & 0xFF
            elif method == 3:
                line[i] = (line[i] + (left + up) // 2) & 0xFF
            elif method == 4:
                p = left + up - corner
                pa, pb, pc = abs(p - left), abs(p - up), abs(p - corner)
                guess = left if pa <= pb and pa <= pc else up if pb <= pc else corner
                line[i] = (line[i] + guess) & 0xFF
        previous = line
        if row % 7 == 0:  # every seventh row is plenty to tell a page from a blank one
            for x in range(0, stride, channels * 5):
                colours.add(bytes(line[x : x + 3]))
            if len(colours) >= limit:
                return limit
    return len(colours)
