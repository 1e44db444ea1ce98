"""E-mail delivery after commit: SMTP when ``MAIL_SERVER`` is set, else ``.eml`` files in an outbox.

Mails are queued on the database session and sent only when its transaction commits, so a use
case that fails half-way sends nothing. ``create_app`` calls ``listen()``, which attaches the two
session listeners that do it.
"""

from __future__ import annotations

import logging
import smtplib
import time
from email.message import EmailMessage
from pathlib import Path

from flask import current_app
from sqlalchemy import event
from sqlalchemy.orm import Session

log = logging.getLogger(__name__)


def queue(session: Session, to: str, subject: str, body: str) -> None:
    message = EmailMessage()
    message["To"] = to
    message["From"] = current_app.config.get("MAIL_SENDER", "noreply@pool.example.com")
    message["Subject"] = subject
    message.set_content(body)
    pending = session.info.setdefault("outbox", [])
    pending.append((message, _delivery_settings()))


def _delivery_settings() -> dict:
    cfg = current_app.config
    outbox = cfg.get("MAIL_OUTBOX_DIR") or str(Path(current_app.instance_path) / "outbox")
    return {
        "server": cfg.get("MAIL_SERVER"),
        "port": int(cfg.get("MAIL_PORT") or 25),
        "username": cfg.get("MAIL_USERNAME"),
        "password": cfg.get("MAIL_PASSWORD"),
        "use_tls": str(cfg.get("MAIL_USE_TLS", "")).lower() in ("1", "true", "yes"),
        "outbox": outbox,
    }


def _deliver(message: EmailMessage, settings: dict) -> None:
    if settings["server"]:
        with smtplib.SMTP(settings["server"], settings["port"], timeout=10) as smtp:
            if settings["use_tls"]:
                smtp.starttls()
            if settings["username"]:
                smtp.login(settings["username"], settings["password"] or "")
            smtp.send_message(message)
        return
    folder = Path(settings["outbox"])
    folder.mkdir(parents=True, exist_ok=True)
    name = f"{time.strftime('%Y%m%dT%H%M%S')}-{time.monotonic_ns()}.eml"
    (folder / name).write_bytes(bytes(message))


def listen() -> None:
    """Send queued mails after every commit, drop them on rollback: on every SQLAlchemy session.

    The listeners are process-wide (on the ``Session`` class, not on one app): attached once, however
    many apps a process builds (the tests build one per test).
    """
    for name, listener in (("after_commit", _send_after_commit), ("after_rollback", _drop_after_rollback)):
        if not event.contains(Session, name, listener):
            event.listen(Session, name, listener)


def _send_after_commit(session: Session) -> None:
    for message, settings in session.info.pop("outbox", []):
        try:
            _deliver(message, settings)
        except (OSError, smtplib.SMTPException):  # a mail problem must not undo the committed work
            log.exception("Could not deliver a notification e-mail")


def _drop_after_rollback(session: Session) -> None:
    session.info.pop("outbox", None)
