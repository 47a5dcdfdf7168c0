"""A mailing's messages assembled as bytes: what every recipient shares — the From and
Reply-To headers, the boundaries, the attachments and the senders' logos, base64-encoded —
is built once per mailing by ``Layout``; each recipient's message is then their own headers
and two text parts around those bytes, plus any part of their own (an invitation's ``.ics``).

Why not ``email.message`` objects: building and flattening a MIME tree per recipient cost more
than the SMTP dialogue itself, and re-encoding a 2 MB PDF for each of 10,000 recipients is
pure waste. The output is plain RFC 5322 / MIME with CRLF line ends, sent unchanged by
``smtplib.SMTP.sendmail``; every header value is checked for line breaks (no header
injection), non-ASCII words become RFC 2047 encoded words, non-ASCII file names RFC 2231
parameters, and the boundaries start with "=_", which neither base64 nor an encoded word can
hold. The tests parse the messages back with the ``email`` package.

Shape: multipart/mixed [ multipart/related [ multipart/alternative [ text, html ], logos… ],
attachments…, the recipient's own parts… ], each level present only when it has content.
"""

from __future__ import annotations

import base64
import secrets
from collections.abc import Sequence
from dataclasses import dataclass
from email.header import Header
from email.utils import encode_rfc2231, formataddr, formatdate, parseaddr

CRLF = "\r\n"
_SAFE_NAME = frozenset("abcdefghijklmnopqrstuvwxyzABCDEFGHIJKLMNOPQRSTUVWXYZ0123456789 ._-()")


@dataclass(frozen=True)
class Part:
    """A file in a message: an attachment, or, with a ``content_id``, an image that the HTML
    shows as ``cid:<content_id>``. ``content_type`` may carry parameters
    (``text/calendar; method=REQUEST; charset=utf-8``)."""

    filename: str
    content_type: str
    data: bytes
    content_id: str = ""


@dataclass(frozen=True)
class Headers:
    """What differs from one recipient to the next in the message's header."""

    to_name: str
    to_address: str
    subject: str
    message_id: str
    list_unsubscribe: str  # "<https://…>, <mailto:…>"


def check_header(name: str, value: str) -> None:
    if "\r" in value or "\n" in value:
        raise ValueError(f"{name}: a header cannot hold a line break")


def address(value: str) -> str:
    """``Name <address>`` with the name encoded when it is not ASCII."""
    check_header("address", value)
    return address_of(*parseaddr(value))


def address_of(name: str, addr: str) -> str:
    """``Name <address>``: an ASCII name quoted when it must be, another one encoded."""
    if not name or name.isascii():
        return formataddr((name, addr))
    if len(name.encode("utf-8")) <= WORD_BYTES:  # one encoded word: most names
        return f"{_words(name)[0]} <{addr}>"
    return formataddr((name, addr), charset="utf-8").replace("\n", CRLF)


def _b64(data: bytes) -> bytes:
    return base64.encodebytes(data).replace(b"\n", b"\r\n")


def _param(key: str, value: str) -> str:
    if all(ch in _SAFE_NAME for ch in value):
        return f'{key}="{value}"'
    return f"{key}*={encode_rfc2231(value, 'utf-8')}"


def encode_part(part: Part) -> bytes:
    """One file as a MIME body part, its headers and base64 content."""
    check_header("filename", part.filename)
    check_header("content type", part.content_type)
    lines = [f"Content-Type: {part.content_type}; {_param('name', part.filename)}",
             "Content-Transfer-Encoding: base64"]
    if part.content_id:
        check_header("content id", part.content_id)
        lines += [f"Content-ID: <{part.content_id}>",
                  f"Content-Disposition: inline; {_param('filename', part.filename)}"]
    else:
        lines.append(f"Content-Disposition: attachment; {_param('filename', part.filename)}")
    return (CRLF.join(lines) + CRLF + CRLF).encode("ascii") + _b64(part.data)


def _text_part(subtype: str, text: str) -> bytes:
    return (f'Content-Type: text/{subtype}; charset="utf-8"{CRLF}'
            f"Content-Transfer-Encoding: base64{CRLF}{CRLF}").encode("ascii") + \
        _b64(text.encode("utf-8"))


def _multipart(boundary: str, parts: Sequence[bytes]) -> bytes:
    delimiter = f"{CRLF}--{boundary}{CRLF}".encode("ascii")
    return (b"--" + boundary.encode("ascii") + CRLF.encode("ascii")
            + delimiter.join(parts) + f"{CRLF}--{boundary}--{CRLF}".encode("ascii"))


def _encoded(value: str) -> str:
    """A header value, folded, in RFC 2047 encoded words when it is not ASCII."""
    if value.isascii():
        if len(value) <= 60:
            return value
        return Header(value, "us-ascii").encode().replace("\n", CRLF)
    return f"{CRLF} ".join(_words(value))


WORD_BYTES = 45  # 60 base64 characters: "=?utf-8?b?…?=" stays within 75 (RFC 2047)


def _words(value: str) -> list[str]:
    """``value`` as base64 encoded words, never splitting a character between two."""
    words: list[str] = []
    chunk: list[str] = []
    size = 0
    for char in value:
        width = len(char.encode("utf-8"))
        if size + width > WORD_BYTES:
            words.append("".join(chunk))
            chunk, size = [], 0
        chunk.append(char)
        size += width
    words.append("".join(chunk))
    return [f"=?utf-8?b?{base64.b64encode(w.encode('utf-8')).decode('ascii')}?=" for w in words]


class Layout:
    """The shared shape of a mailing's messages (see the module's docstring)."""

    def __init__(self, from_address: str, reply_to: str, attachments: Sequence[Part] = (),
                 inline: Sequence[Part] = ()) -> None:
        self.sender = parseaddr(from_address)[1]
        seed = secrets.token_hex(12)
        self._alternative, self._related, self._mixed = (
            f"=_alt_{seed}", f"=_rel_{seed}", f"=_mix_{seed}")
        fixed = [f"From: {address(from_address)}"]
        if reply_to:
            fixed.append(f"Reply-To: {address(reply_to)}")
        fixed += ["List-Unsubscribe-Post: List-Unsubscribe=One-Click", "MIME-Version: 1.0"]
        self._inline = [encode_part(p) for p in inline]
        self._attachments = [encode_part(p) for p in attachments]
        self._fixed = CRLF.join(fixed)

    def message(self, headers: Headers, text: str, html: str,
                extra: Sequence[Part] = ()) -> bytes:
        """The whole message of one recipient, ready for ``sendmail``."""
        for name, value in (("To", headers.to_name), ("To", headers.to_address),
                            ("Subject", headers.subject), ("Message-ID", headers.message_id),
                            ("List-Unsubscribe", headers.list_unsubscribe)):
            check_header(name, value)
        body = _multipart(self._alternative, [_text_part("plain", text), _text_part("html", html)])
        kind = f'multipart/alternative; boundary="{self._alternative}"'
        if self._inline:
            body = (f"Content-Type: {kind}{CRLF}{CRLF}").encode("ascii") + body
            body = _multipart(self._related, [body, *self._inline])
            kind = f'multipart/related; type="multipart/alternative"; boundary="{self._related}"'
        if self._attachments or extra:
            body = (f"Content-Type: {kind}{CRLF}{CRLF}").encode("ascii") + body
            body = _multipart(self._mixed, [body, *self._attachments,
                                            *(encode_part(p) for p in extra)])
            kind = f'multipart/mixed; boundary="{self._mixed}"'
        unsubscribe = headers.list_unsubscribe.replace(", ", f",{CRLF} ")
        head = (f"{self._fixed}{CRLF}"
                f"To: {address_of(headers.to_name, headers.to_address)}{CRLF}"
                f"Subject: {_encoded(headers.subject)}{CRLF}"
                f"Date: {formatdate(localtime=False)}{CRLF}"
                f"Message-ID: {headers.message_id}{CRLF}"
                f"List-Unsubscribe: {unsubscribe}{CRLF}"
                f"Content-Type: {kind}{CRLF}{CRLF}")
        return head.encode("utf-8") + body
