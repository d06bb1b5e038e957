"""The reply as regions: greeting, body, sign-off, quotes and placeholders, on original offsets."""

from __future__ import annotations

import pytest

from complaint_lint.reply import split_reply
from complaint_lint.rules import load_rules

LAYOUT = load_rules().layout


def parts(text: str) -> dict:
    layout = split_reply(text, LAYOUT)
    cut = lambda r: text[r.start:r.end] if r else None  # noqa: E731
    return {
        "greeting": cut(layout.greeting),
        "body": cut(layout.body),
        "sign_off": cut(layout.sign_off),
        "quotes": [cut(q) for q in layout.quotes],
        "placeholders": [cut(p) for p in layout.placeholders],
    }


@pytest.mark.parametrize(("text", "greeting", "body", "sign_off"), [
    ("Hi Sam,\n\nYour refund is on its way.\n\nKind regards,\nJo\nAcme Support",
     "Hi Sam,", "Your refund is on its way.", "Kind regards,\nJo\nAcme Support"),
    ("Dear Ms. Rivera,\r\n\r\nThe fee is refunded.\r\n\r\nSincerely,\r\nJordan",
     "Dear Ms. Rivera,", "The fee is refunded.", "Sincerely,\r\nJordan"),
    ("Hi Sam, sorry about the jump in your bill.", "Hi Sam,", "sorry about the jump in your bill.", None),
    ("@acme_help @sam Sorry about that! ^AG", None, "Sorry about that!", " ^AG"),
    ("Hey, we are on it -Becky", "Hey,", "we are on it", " -Becky"),
    ("Hi there. The update is out today.", "Hi there.", "The update is out today.", None),
    ("No greeting here.\nThanks,\nBob", None, "No greeting here.", "Thanks,\nBob"),
])
def test_greeting_body_sign_off(text, greeting, body, sign_off):
    found = parts(text)
    assert (found["greeting"], found["body"], found["sign_off"]) == (greeting, body, sign_off)


def test_on_wrote_header_quotes_the_rest():
    text = "Thanks for waiting.\n\nOn Mon, 3 Mar 2025, Sam <s@example.com> wrote:\n> you are wrong\n> bad"
    found = parts(text)
    assert found["body"] == "Thanks for waiting."
    assert found["quotes"][-1].startswith("On Mon, 3 Mar 2025")


def test_interleaved_quote_lines_are_quotes_inside_the_body():
    text = "First answer.\n> your question\nSecond answer."
    found = parts(text)
    assert found["quotes"] == ["> your question"]
    assert found["body"] == text


def test_placeholders_of_common_helpdesks():
    text = "Hi {{ticket.requester.first_name}}, see [Customer Name], %NAME% and {first_name}."
    found = parts(text)
    assert found["greeting"] == "Hi {{ticket.requester.first_name}},"
    assert found["placeholders"] == ["{{ticket.requester.first_name}}", "[Customer Name]", "%NAME%", "{first_name}"]


def test_quoted_text_is_the_customer_message():
    text = "Sorry for the wait.\n\n> My order never arrived\n> and nobody answers"
    layout = split_reply(text, LAYOUT)
    assert layout.quoted_text(text) == "My order never arrived\nand nobody answers"
