"""Small gettext catalogues for tests that need a language with text in it (the real
catalogues are filled by translators; these tests must not depend on how far they got)."""

from __future__ import annotations

import functools
from collections.abc import Mapping
from pathlib import Path

import pytest
from babel.messages.catalog import Catalog
from babel.messages.pofile import write_po

from bot import i18n

#: A few messages per language, enough to see a reply, a button and the command menu.
SAMPLES: dict[str, dict[str | tuple[str, str], str]] = {
    "de": {"Delete everything I store about you?": "Alles löschen, was ich über dich speichere?",
           "Delete everything": "Alles löschen", "Cancel": "Abbrechen",
           "Delete everything stored about you (asks to confirm)":
               "Alles löschen, was über dich gespeichert ist (fragt vorher)",
           "Confirm the deletion.": "Die Löschung bestätigen.",
           # Discord names (context, name): a valid one, one made valid, one Discord refuses.
           ("command name", "forget"): "vergessen", ("option name", "confirm"): "Bestätigen",
           ("command name", "whoami"): "Wer bin ich?"},
    "es": {"Delete everything I store about you?": "¿Borro todo lo que guardo sobre ti?",
           "Delete everything": "Borrar todo", "Cancel": "Cancelar",
           "Delete everything stored about you (asks to confirm)":
               "Borra todo lo que se guarda sobre ti (pide confirmación)"},
    "ja": {"Settings updated.": "設定を更新しました。",
           "Nothing was deleted.": "何も削除していません。",
           "Language: %(value)s": "言語: %(value)s",
           "(Ctrl-D or /quit to leave)": "（Ctrl-D か /quit で終了）",
           "you › ": "あなた › ",
           "Bye! Your numbers are saved for next time.": "またね！数値は次回のために保存しました。",
           ("option name", "confirm"): "確認"},
}


def install(tmp_path: Path, monkeypatch: pytest.MonkeyPatch,
            samples: Mapping[str, Mapping[str | tuple[str, str], str]] = SAMPLES) -> Path:
    """Use catalogues in ``tmp_path`` with ``samples`` instead of ``bot/locales`` (a key
    ``(context, message)`` is a message in a context, see ``bot.i18n.pgettext``)."""
    monkeypatch.setattr(i18n, "LOCALES_DIR", tmp_path)
    # A cache of its own, undone with the rest: these catalogues never outlive the test.
    monkeypatch.setattr(i18n, "translations", functools.cache(i18n.translations.__wrapped__))
    for language, entries in samples.items():
        catalog = Catalog(locale=language)
        for key, translated in entries.items():
            context, english = key if isinstance(key, tuple) else (None, key)
            catalog.add(english, translated, context=context)
        po = i18n.catalogue_path(language)
        po.parent.mkdir(parents=True, exist_ok=True)
        with po.open("wb") as fp:
            write_po(fp, catalog)
    return tmp_path


def translated_messages(language: str) -> list[tuple[str, str]]:
    """``(msgid, msgstr)`` for every translated message of the real ``language`` catalogue,
    each plural form apart (the msgid of a plural is its singular): what the typography
    tests read."""
    from babel.messages.pofile import read_po

    with i18n.catalogue_path(language).open("rb") as fp:
        catalog = read_po(fp)
    found: list[tuple[str, str]] = []
    for message in catalog:
        if not message.id:
            continue
        msgid = message.id if isinstance(message.id, str) else message.id[0]
        strings = message.string if isinstance(message.string, tuple) else (message.string,)
        found.extend((msgid, str(string)) for string in strings if string)
    return found
