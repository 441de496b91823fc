"""
Names people give themselves (a comment's name, a story's byline): one line that shows
what it says, and nothing it could pass for.

- Text is stored normalised (NFC), so one name is one string however it was typed.
- Direction controls (U+202A–U+202E, U+2066–U+2069 and the marks U+200E, U+200F,
  U+061C) are refused: "\\u202erotidE" reads "Editor". Templates also show every name
  in `<bdi>`, so no name, not even one stored earlier, reorders the words around it.
- Other control and format characters are refused, and so is a name that is empty once
  its invisible characters are set aside (zero-width spaces, Hangul fillers...).
  Zero-width non-joiners and joiners, which Persian and Indic names need, are kept
  between two letters; at either end or doubled they only hide.
- A word that mixes scripts ("Jоhn" with a Cyrillic "о") is refused, by the "resolved
  script set" of Unicode UTS #39 §5.1: the scripts every character of the word could
  be written in, Common and Inherited characters fitting any, Han fitting Japanese
  with kana, Korean with Hangul and Bopomofo. Two words in two scripts are fine.

`clean_line()` holds for any one-line field people send; `clean_name()` adds what a
name needs. Both return the text to store, or raise ValidationError with a `code`.
"""

import unicodedata

from django.core.exceptions import ValidationError
from fontTools.unicodedata import script, script_extension, script_name

BIDI_CONTROLS = frozenset(
    "\u061c\u200e\u200f"  # Arabic letter mark, left-to-right and right-to-left marks
    "\u202a\u202b\u202c\u202d\u202e"  # embeddings, pop, overrides
    "\u2066\u2067\u2068\u2069"  # isolates
)
JOINERS = frozenset("\u200c\u200d")  # zero-width non-joiner, zero-width joiner
# Characters that are letters, marks or symbols to Unicode yet show nothing alone.
BLANK = frozenset(
    "\u115f\u1160\u3164\uffa0"  # Hangul fillers
    "\u2800"  # Braille pattern blank
    "\u17b4\u17b5"  # Khmer inherent vowels
)
# Scripts a resolved set may also be written in (UTS #39 §5.1, "augmented" sets).
AUGMENTED = {
    "Hani": {"Hanb", "Jpan", "Kore"},
    "Hira": {"Jpan"},
    "Kana": {"Jpan"},
    "Hang": {"Kore"},
    "Bopo": {"Hanb"},
}
ANY_SCRIPT = frozenset({"Zyyy", "Zinh"})  # Common, Inherited


def clean_line(value):
    """One line as typed, normalised: no direction, control or stray joiner characters."""
    value = unicodedata.normalize("NFC", value).strip()
    _refuse_bidi_controls(value)
    _refuse_control_characters(value)
    _refuse_stray_joiners(value)
    return value


def clean_name(value):
    """A person's name to store and show: `clean_line()`, visible, one script a word."""
    value = unicodedata.normalize("NFC", value).strip()
    _refuse_bidi_controls(value)
    # Before the control characters: zero-width spaces alone are told as invisible.
    if not any(is_visible(character) for character in value):
        raise ValidationError(
            "This name is only blank or invisible characters: give a name readers can see.",
            code="invisible",
        )
    value = clean_line(value)
    for word in value.split():
        if resolved_scripts(word) == set():
            raise ValidationError(
                "“%(word)s” mixes letters of different scripts (%(scripts)s) in one word, "
                "so it could pass for another name: write each word in one script.",
                code="mixed_script",
                params={"word": word, "scripts": ", ".join(_script_names(word))},
            )
    return value


def is_visible(character):
    """Whether the character shows something on its own (a letter, digit, sign...)."""
    category = unicodedata.category(character)
    return not (character.isspace() or character in BLANK or category[0] in "CM")


def resolved_scripts(word):
    """The scripts all of `word` can be written in (UTS #39): empty when it mixes
    scripts, None when any script would do (digits, punctuation, emoji)."""
    resolved = None
    for character in word:
        scripts = script_extension(character)
        if scripts & ANY_SCRIPT:
            continue
        augmented = set(scripts).union(*(AUGMENTED.get(code, ()) for code in scripts))
        resolved = augmented if resolved is None else resolved & augmented
    return resolved


def _script_names(word):
    codes = {script(c) for c in word} - ANY_SCRIPT
    return sorted(script_name(code) for code in codes)


def _describe(character):
    name = unicodedata.name(character, "").lower()
    return f"U+{ord(character):04X} {name}".strip()


def _refuse_bidi_controls(value):
    found = next((c for c in value if c in BIDI_CONTROLS), None)
    if found is not None:
        raise ValidationError(
            "This holds an invisible character that changes the direction of text "
            "(%(character)s), so it could read as something else: type it again without it.",
            code="bidi_control",
            params={"character": _describe(found)},
        )


def _refuse_control_characters(value):
    for character in value:
        if character in JOINERS:
            continue
        category = unicodedata.category(character)
        if category in ("Cc", "Cf", "Cs", "Zl", "Zp"):
            raise ValidationError(
                "This text holds invisible control characters (here %(character)s), as text "
                "pasted from another program may: remove them and send it again.",
                code="control_character",
                params={"character": _describe(character)},
            )


def _is_joinable(character):
    """Letters and their marks, as in Persian and Indic words, or emoji sequences."""
    return unicodedata.category(character) in (
        *("Lu", "Ll", "Lt", "Lm", "Lo", "Mn", "Mc", "Me"),
        *("So", "Sk"),
    )


def _refuse_stray_joiners(value):
    for i, character in enumerate(value):
        if character not in JOINERS:
            continue
        before = value[i - 1] if i > 0 else ""
        after = value[i + 1] if i + 1 < len(value) else ""
        if not (before and after and _is_joinable(before) and _is_joinable(after)):
            raise ValidationError(
                "A zero-width joiner or non-joiner (%(character)s) belongs between two "
                "letters, as in Persian or Hindi words; here it is at an end or doubled: "
                "remove it and send it again.",
                code="joiner",
                params={"character": _describe(character)},
            )
