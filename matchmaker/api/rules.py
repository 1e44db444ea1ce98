"""The web forms' input rules, restated as JSON Schema for the API's request bodies and queries.

Limits are read from the form classes themselves (``Length``, ``DataRequired``, the vocabulary
their choices come from), so a change to a form changes the API and its document with it. The
API then feeds every body through the same form, which stays the final judge: the schema only
promises nothing that the form would refuse, so schema-valid input is accepted.
"""

from __future__ import annotations

from wtforms.validators import DataRequired, InputRequired, Length

from matchmaker.api.schema import Schema, String
from matchmaker.forms import CONTROL_CHARS, MONEY_LIMIT

# Characters the forms refuse anywhere (NUL, C0/C1 controls, line/paragraph separators) …
CTRL = CONTROL_CHARS.pattern[1:-1]
# … and the whitespace that ``str.strip`` removes and that is not already a control character.
SPACE = r"\t\n\r \xa0\u1680\u2000-\u200a\u202f\u205f\u3000"

ANY_TEXT = rf"^[^{CTRL}]*$"
NON_BLANK = rf"^[^{CTRL}]*[^{CTRL}{SPACE}][^{CTRL}]*$"
# A keyword has no separator the web form splits on (, ， 、 ; ； whitespace).
KEYWORD = rf"^[^{CTRL}{SPACE},，、;；]+$"
# The form strips, then requires ^[0-9+\-() ]{5,30}$: no space at either end keeps the two equal.
PHONE = r"^[0-9+\-()][0-9+\-() ]{3,28}[0-9+\-()]$"
# A plain address that the form's e-mail validator always accepts (labels ≤ 63, no "--").
_LABEL = r"[A-Za-z0-9]{1,20}(-[A-Za-z0-9]{1,20}){0,2}"
EMAIL = rf"^[A-Za-z0-9_+-]{{1,32}}(\.[A-Za-z0-9_+-]{{1,30}})?@({_LABEL}\.){{1,4}}[A-Za-z]{{2,20}}$"
REGISTRATION_NO = r"^[0-9A-Za-z-]*$"

KEYWORDS_MIN, KEYWORDS_MAX, KEYWORD_LENGTH = 1, 5, 20  # matchmaker.forms.KeywordsField.pre_validate
MONEY_MAX = MONEY_LIMIT

TEXT_MESSAGE = ("Must not be blank or contain control characters.", "不能为空白，也不能含控制字符。")
ANY_TEXT_MESSAGE = ("Must not contain control characters.", "不能含控制字符。")
MESSAGES = {
    PHONE: (
        "Enter a phone number (digits, spaces, + - and brackets; 5 to 30 characters).",
        "请输入电话号码（数字、空格、+ - 和括号，5 至 30 个字符）。",
    ),
    EMAIL: ("Enter an e-mail address such as name@example.com.", "请输入电子邮箱地址，例如 name@example.com。"),
    KEYWORD: ("A keyword has no spaces or separators (, 、 ;).", "关键词不能含空格或分隔符（, 、 ;）。"),
    REGISTRATION_NO: ("Letters, digits and hyphens only.", "只能包含字母、数字和连字符。"),
}


def validators_of(form_class, name: str) -> list:
    return list(getattr(form_class, name).kwargs.get("validators", ()))


def is_required(form_class, name: str) -> bool:
    return any(isinstance(v, (DataRequired, InputRequired)) for v in validators_of(form_class, name))


def max_length(form_class, name: str) -> int | None:
    lengths = [v.max for v in validators_of(form_class, name) if isinstance(v, Length) and v.max not in (None, -1)]
    return min(lengths) if lengths else None


def text(
    form_class, name: str, pattern: str | None = None, description: str = "", example: str | None = None
) -> Schema:
    """A text field of ``form_class`` as a string schema: its length limit, blank or not, its pattern."""
    required = is_required(form_class, name)
    if pattern is None:
        pattern = NON_BLANK if required else ANY_TEXT
    message = MESSAGES.get(pattern) or (TEXT_MESSAGE if pattern == NON_BLANK else ANY_TEXT_MESSAGE)
    return String(
        max_length=max_length(form_class, name),
        min_length=1 if required else 0,
        pattern=pattern,
        message=message,
        description=description,
        example=example,
    )
