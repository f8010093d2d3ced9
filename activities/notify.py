"""Delivering follow-ups: e-mail over SMTP and webhooks (CloudEvents signed per Standard
Webhooks, as subscriptions are: `activities.webhooks`), each its own activity so a
failing channel is retried without repeating the others. Every delivery is also a log line.

Configured by environment (read when the activity runs, so a worker restart picks up a
change):
- LEMNISCATE_SMTP_HOST, LEMNISCATE_SMTP_PORT (25), LEMNISCATE_SMTP_FROM,
  LEMNISCATE_SMTP_USER, LEMNISCATE_SMTP_PASSWORD, LEMNISCATE_SMTP_STARTTLS (false)
- LEMNISCATE_PROGRAMME_OFFICE_EMAIL: where escalations to the programme office go
- LEMNISCATE_WEBHOOK_URLS (comma-separated), LEMNISCATE_WEBHOOK_SECRET (`whsec_<base64>`; a
  plain-text secret from before still works: its UTF-8 bytes are the key)
A channel that is not configured is skipped, and says so in the log.
"""

from __future__ import annotations

import hashlib
import os
import smtplib
import urllib.request
from collections.abc import Mapping
from email.message import EmailMessage

import structlog
from pydantic import BaseModel, ConfigDict, Field
from temporalio import activity

from lemniscate.activities import invitations, webhooks
from lemniscate.cluster.codec import ENV_ENCRYPTION_KEYS
from lemniscate.language import choose, format_moment, translate
from lemniscate.models.outbound import OutboundEvent
from lemniscate.models.playbook import Audience
from lemniscate.models.records import Record
from lemniscate.models.sentence import Sentence, from_wire
from lemniscate.states.followup_model import FollowUp
from lemniscate.states.words import follow_up_kind_word

log = structlog.get_logger("lemniscate.notify")


class Notification(Record):
    coalition_id: str
    coalition_name: str
    workflow_id: str
    follow_up: FollowUp

    @property
    def delivery_id(self) -> str:
        """Stable across retries, so a receiver can drop a duplicate."""
        return f"{self.workflow_id}:{self.follow_up.key}"


class ChannelSettings(BaseModel):
    model_config = ConfigDict(frozen=True)

    smtp_host: str | None = None
    smtp_port: int = 25
    smtp_from: str = "lemniscate@localhost"
    smtp_user: str | None = None
    smtp_password: str | None = None
    smtp_starttls: bool = False
    programme_office_email: str | None = None
    webhook_urls: list[str] = Field(default_factory=list)
    webhook_secret: str | None = None

    @classmethod
    def from_env(cls, env: Mapping[str, str] | None = None) -> ChannelSettings:
        source = os.environ if env is None else env

        def get(name: str) -> str | None:
            return source.get(f"LEMNISCATE_{name}") or None

        return cls(
            smtp_host=get("SMTP_HOST"),
            smtp_port=int(get("SMTP_PORT") or 25),
            smtp_from=get("SMTP_FROM") or "lemniscate@localhost",
            smtp_user=get("SMTP_USER"),
            smtp_password=get("SMTP_PASSWORD"),
            smtp_starttls=(get("SMTP_STARTTLS") or "false").lower() in ("1", "true", "yes"),
            programme_office_email=get("PROGRAMME_OFFICE_EMAIL"),
            webhook_urls=[u.strip() for u in (get("WEBHOOK_URLS") or "").split(",") if u.strip()],
            webhook_secret=get("WEBHOOK_SECRET"),
        )


def _bound(n: Notification, channel: str) -> structlog.typing.FilteringBoundLogger:
    info = activity.info()
    bound: structlog.typing.FilteringBoundLogger = log.bind(
        channel=channel,
        coalition_id=n.coalition_id,
        workflow_id=n.workflow_id,
        kind=n.follow_up.kind.value,
        key=n.follow_up.key,
        attempt=info.attempt,
    )
    return bound


def encrypted() -> bool:
    """Whether payloads are encrypted: then what they hide stays out of the logs too."""
    return bool(os.environ.get(ENV_ENCRYPTION_KEYS, "").strip())


@activity.defn(name="log_follow_up")
def log_follow_up(n: Notification) -> None:
    f = n.follow_up
    # A log is no encrypted store: with encryption on, the line says that a follow-up is
    # due and which, and the message (partner names, action titles) stays in the history.
    content = {} if encrypted() else {"recipients": f.recipients, "message": f.message}
    _bound(n, "log").info("follow-up", audience=f.audience.value, due_at=f.due_at.isoformat(), **content)


@activity.defn(name="email_follow_up")
def email_follow_up(n: Notification) -> str:
    settings = ChannelSettings.from_env()
    bound = _bound(n, "email")
    to = list(n.follow_up.addresses)
    if n.follow_up.audience == Audience.programme_office and settings.programme_office_email:
        to.append(settings.programme_office_email)
    if settings.smtp_host is None or not to:
        bound.info("e-mail skipped", reason="no SMTP host" if to else "no known address")
        return "skipped"
    message = EmailMessage()
    message["From"] = settings.smtp_from
    recipients = list(dict.fromkeys(to))
    # Partners' addresses are theirs (`states.redaction` withholds them from other readers):
    # a follow-up to several goes to each without showing them the others'.
    message["To"] = recipients[0] if len(recipients) == 1 else "undisclosed-recipients:;"
    language = choose()  # the office's: a follow-up goes to people whose choice is not known here
    said = from_wire(n.follow_up.said) if n.follow_up.said else n.follow_up.message
    kind = follow_up_kind_word(n.follow_up.kind)
    subject = Sentence("mail.subject", "[{name}] {kind}", name=n.coalition_name, kind=kind)
    message["Subject"] = translate(subject, language)
    message["Message-ID"] = f"<{hashlib.sha256(n.delivery_id.encode()).hexdigest()}@lemniscate>"
    body = Sentence(
        "mail.body",
        "{message}\n\nCoalition: {name} ({id})\nDue: {due}\n",
        message=said,
        name=n.coalition_name,
        id=n.coalition_id,
        due=format_moment(n.follow_up.due_at, language),
    )
    message.set_content(translate(body, language))
    if n.follow_up.invitation is not None:
        request = invitations.calendar_request(
            n.follow_up.invitation, recipients, settings.smtp_from, n.follow_up.due_at, language
        )
        # RFC 6047: the request's METHOD on the part too, so mail clients offer to accept it.
        message.add_attachment(
            request, subtype="calendar", filename="invite.ics", params={"method": "REQUEST"}
        )
    with smtplib.SMTP(settings.smtp_host, settings.smtp_port, timeout=30) as smtp:
        if settings.smtp_starttls:
            smtp.starttls()
        if settings.smtp_user and settings.smtp_password:
            smtp.login(settings.smtp_user, settings.smtp_password)
        refused = smtp.send_message(message, to_addrs=recipients)
    bound.info("e-mail sent", to=", ".join(recipients), refused=sorted(refused))
    return "sent"


# The operator's own system may redirect (unlike a subscriber's, `activities.publish`).
_OPENER = urllib.request.build_opener()


@activity.defn(name="webhook_follow_up")
def webhook_follow_up(n: Notification) -> str:
    settings = ChannelSettings.from_env()
    bound = _bound(n, "webhook")
    if not settings.webhook_urls:
        bound.info("webhook skipped", reason="no LEMNISCATE_WEBHOOK_URLS")
        return "skipped"
    # The operator's own system: the follow-up whole, addresses too (unlike a subscriber's).
    event = OutboundEvent(
        id=n.delivery_id,
        type="follow_up",
        coalition_id=n.coalition_id,
        at=n.follow_up.due_at,
        follow_up=n.follow_up.model_dump(mode="json"),
    )
    body = webhooks.cloud_event(event)
    keys = [settings.webhook_secret] if settings.webhook_secret else []
    for url in settings.webhook_urls:
        headers = webhooks.headers(n.delivery_id, body, keys)  # each attempt its own timestamp
        request = urllib.request.Request(url, data=body, headers=headers, method="POST")
        status = webhooks.post(_OPENER, request, f"{url} refused the webhook")
        bound.info("webhook delivered", url=url, status=status)
    return "sent"


CHANNELS = (log_follow_up, email_follow_up, webhook_follow_up)
# How the read model names each channel (`FollowUpRecord.channels`).
CHANNEL_NAMES = {"log_follow_up": "log", "email_follow_up": "email", "webhook_follow_up": "webhook"}
