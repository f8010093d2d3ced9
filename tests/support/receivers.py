"""Real local peers for notification tests: an SMTP server and an HTTP webhook receiver, and
a delivery checked as a receiver checks it (`verify_delivery`)."""

from __future__ import annotations

import os
import threading
from collections.abc import Iterator, Mapping
from contextlib import contextmanager
from dataclasses import dataclass, field
from email import message_from_bytes
from email.message import Message
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer
from typing import Any

from aiosmtpd.controller import Controller
from aiosmtpd.smtp import SMTP, Envelope, Session
from cloudevents.core.base import BaseCloudEvent
from cloudevents.core.bindings.http import HTTPMessage, from_http_event
from standardwebhooks.webhooks import Webhook

from lemniscate.activities.targets import ALLOW_PRIVATE_ENV
from tests.support.ports import free_ports


@dataclass
class Mailbox:
    messages: list[Message] = field(default_factory=list)

    async def handle_DATA(self, server: SMTP, session: Session, envelope: Envelope) -> str:
        assert isinstance(envelope.content, bytes)
        message = message_from_bytes(envelope.content)
        message["X-Envelope-To"] = ", ".join(envelope.rcpt_tos)
        self.messages.append(message)
        return "250 OK"


@contextmanager
def smtp_server() -> Iterator[tuple[int, Mailbox]]:
    (port,) = free_ports(1)
    mailbox = Mailbox()
    controller = Controller(mailbox, hostname="127.0.0.1", port=port)
    controller.start()
    try:
        yield port, mailbox
    finally:
        controller.stop()


@dataclass
class Webhooks:
    """Answers each POST with the next status in `statuses` (the last one repeats)."""

    statuses: list[int] = field(default_factory=lambda: [200])
    received: list[tuple[int, dict[str, str], bytes]] = field(default_factory=list)
    lock: threading.Lock = field(default_factory=threading.Lock)

    def next_status(self) -> int:
        with self.lock:
            index = min(len(self.received), len(self.statuses) - 1)
            return self.statuses[index]

    def accepted(self) -> list[tuple[dict[str, str], bytes]]:
        return [(headers, body) for status, headers, body in self.received if status == 200]


@contextmanager
def webhook_receiver(hooks: Webhooks, *, allow_private: bool = True) -> Iterator[str]:
    """A receiver on 127.0.0.1; while it runs, subscriptions and deliveries may target
    loopback addresses (`LEMNISCATE_WEBHOOK_ALLOW_PRIVATE`), as an operator would allow them
    for receivers on the same machine. `allow_private=False` leaves the default."""

    class Handler(BaseHTTPRequestHandler):
        def do_POST(self) -> None:
            body = self.rfile.read(int(self.headers.get("Content-Length", "0")))
            status = hooks.next_status()
            with hooks.lock:
                # Names in lower case, as HTTP compares them (urllib sends `Webhook-id`).
                hooks.received.append((status, {k.lower(): v for k, v in self.headers.items()}, body))
            self.send_response(status)
            self.end_headers()

        def log_message(self, format: str, *args: Any) -> None:
            pass

    server = ThreadingHTTPServer(("127.0.0.1", 0), Handler)
    thread = threading.Thread(target=server.serve_forever, daemon=True)
    thread.start()
    before = os.environ.get(ALLOW_PRIVATE_ENV)
    if allow_private:
        os.environ[ALLOW_PRIVATE_ENV] = "1"
    try:
        yield f"http://127.0.0.1:{server.server_address[1]}/hook"
    finally:
        if before is None:
            os.environ.pop(ALLOW_PRIVATE_ENV, None)
        else:
            os.environ[ALLOW_PRIVATE_ENV] = before
        server.shutdown()
        server.server_close()


def verify_delivery(headers: Mapping[str, str], body: bytes, secret: str) -> BaseCloudEvent:
    """A delivery as a receiver checks it, with the libraries receivers use: the signature
    by `standardwebhooks` (raises `WebhookVerificationError`), the body by the CloudEvents
    SDK. `secret` in the `whsec_` form."""
    Webhook(secret).verify(body, dict(headers))
    return from_http_event(HTTPMessage(headers=dict(headers), body=body))
