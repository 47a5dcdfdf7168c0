"""A real SMTP server (aiosmtpd) on 127.0.0.1 that records messages and can refuse some."""

from __future__ import annotations

import socket
from dataclasses import dataclass, field

import pytest
from aiosmtpd.controller import Controller


@dataclass
class RecordingHandler:
    messages: list = field(default_factory=list)
    refuse: dict[str, str] = field(default_factory=dict)  # address → SMTP reply

    async def handle_RCPT(self, server, session, envelope, address, rcpt_options):
        if address in self.refuse:
            return self.refuse[address]
        envelope.rcpt_tos.append(address)
        return "250 OK"

    async def handle_DATA(self, server, session, envelope):
        self.messages.append(envelope)
        return "250 Message accepted"


def _free_port() -> int:
    with socket.socket() as sock:  # aiosmtpd cannot take port 0: pick one first
        sock.bind(("127.0.0.1", 0))
        return sock.getsockname()[1]


def serve_smtp(app, handler):
    """Run ``handler`` as an SMTP server on 127.0.0.1 that ``app`` sends to, until closed."""
    controller = Controller(handler, hostname="127.0.0.1", port=_free_port())
    controller.start()
    app.config["MAIL_PORT"] = controller.port
    try:
        yield handler
    finally:
        controller.stop()


@pytest.fixture
def smtp_server(app):
    yield from serve_smtp(app, RecordingHandler())
