"""The mail tests' SMTP sink: aiosmtpd hands every message it accepts to this handler, which
writes it as one JSON file (envelope, decoded subject, plain-text and HTML parts), so that the
Rust tests read what a real SMTP server received.

Run as: python -m aiosmtpd -n -l 127.0.0.1:PORT -c json_sink.JsonSink FOLDER
(with this folder on PYTHONPATH)."""

import email
import email.policy
import json
import os
import uuid


class JsonSink:
    def __init__(self, folder):
        self.folder = folder
        os.makedirs(folder, exist_ok=True)

    @classmethod
    def from_cli(cls, parser, *args):
        if len(args) != 1:
            parser.error("JsonSink needs the folder to write messages into")
        return cls(args[0])

    async def handle_DATA(self, server, session, envelope):
        message = email.message_from_bytes(envelope.content, policy=email.policy.default)
        parts = {}
        for part in message.walk():
            kind = part.get_content_type()
            if kind in ("text/plain", "text/html") and kind not in parts:
                parts[kind] = part.get_content()
        record = {
            "mail_from": envelope.mail_from,
            "rcpt_tos": list(envelope.rcpt_tos),
            "from": str(message.get("From", "")),
            "to": str(message.get("To", "")),
            "subject": str(message.get("Subject", "")),
            "list_unsubscribe": str(message.get("List-Unsubscribe", "")),
            "text": parts.get("text/plain", ""),
            "html": parts.get("text/html", ""),
        }
        name = uuid.uuid4().hex
        temporary = os.path.join(self.folder, name + ".tmp")
        with open(temporary, "w", encoding="utf-8") as out:
            json.dump(record, out, ensure_ascii=False)
        # Renamed whole, so a reader never sees half a message.
        os.rename(temporary, os.path.join(self.folder, name + ".json"))
        return "250 Message accepted for delivery"
