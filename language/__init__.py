"""Dutch and English for everything a person reads.

- `translate(text, language)`: a core `Sentence` (or a plain literal) in that language.
- `choose(...)` and `from_environment(...)`: which language a request or a command speaks.
- `translations(language)`: the gettext object of that language (Jinja2's i18n extension,
  `{% trans %}` in the dashboard's templates).
- `format_date` and `format_moment`: dates per locale, moments in the office's time zone.

The catalogs are gettext `.po` files in `language/locales/<lang>/LC_MESSAGES/`, one per
domain (`method` for the core's sentences, `web` for pages and problem documents, `cli`
for the command line), read with babel at first use. English is the source language: its
texts are the message ids, with each Sentence's code as the message context.
"""

from lemniscate.language.catalogs import translations
from lemniscate.language.choice import (
    DEFAULT_LANGUAGE,
    LANGUAGE_ENV,
    LANGUAGES,
    Language,
    choose,
    from_environment,
)
from lemniscate.language.dates import format_date, format_moment, office_zone
from lemniscate.language.translate import translate, translate_all

__all__ = [
    "DEFAULT_LANGUAGE",
    "LANGUAGES",
    "LANGUAGE_ENV",
    "Language",
    "choose",
    "format_date",
    "format_moment",
    "from_environment",
    "office_zone",
    "translate",
    "translate_all",
    "translations",
]
