"""What a ``DATABASE_URL`` names, without importing any database driver: deciding that a URL
is SQLite must not load asyncpg (a console ``ask`` on SQLite never needs it)."""

from __future__ import annotations

from urllib.parse import parse_qsl, unquote, unquote_plus, urlsplit, urlunsplit

#: URL schemes of a PostgreSQL server (compared without regard to case, as URL schemes are).
POSTGRES_SCHEMES = ("postgresql", "postgres")
#: Query parameters of a PostgreSQL URL whose value is a secret (libpq's ``password`` and
#: ``sslpassword``; any other parameter whose name holds "password" is masked too).
_SECRET_PARAMETERS = ("password", "sslpassword")
_MASK = "***"


def url_scheme(url: str) -> str:
    """The scheme of ``url`` in lower case (``"postgresql"`` for ``POSTGRESQL://…``); ``""``
    for a bare path. Never raises (a malformed host part does not matter here)."""
    head, colon, _ = url.partition(":")
    if not colon or not head or not head[0].isalpha() \
            or not all(c.isalnum() or c in "+-." for c in head):
        return ""
    return head.lower()


def is_postgres_url(url: str) -> bool:
    """Whether ``url`` names a PostgreSQL server: its scheme is ``postgresql`` or ``postgres``,
    in any case (a malformed one such as ``postgresql:/host`` included, so that it is refused
    as a PostgreSQL URL, not opened as a SQLite file)."""
    return url_scheme(url) in POSTGRES_SCHEMES


def postgres_url_problem(url: str) -> str | None:
    """What is wrong with the shape of the PostgreSQL URL ``url`` before any driver reads it,
    as a clause (``None``: nothing this check sees). The driver (asyncpg) checks the rest."""
    scheme = url_scheme(url)
    if not url[len(scheme) + 1:].startswith("//"):
        return (f"it needs two slashes after '{url[:len(scheme)]}:' "
                "(postgresql://user@host:5432/dbname)")
    return None


def _secret(name: str) -> bool:
    key = unquote_plus(name).strip().lower()
    return key in _SECRET_PARAMETERS or "password" in key


def _masked_query(query: str) -> str:
    """``query`` with the value of every password-like parameter replaced by ``***``; every
    other parameter kept exactly as written."""
    pairs = []
    for pair in query.split("&"):
        name, equals, _ = pair.partition("=")
        pairs.append(f"{name}={_MASK}" if equals and _secret(name) else pair)
    return "&".join(pairs)


def _masked_netloc(netloc: str) -> str:
    """``user:password@host`` -> ``user:***@host`` (the last ``@`` ends the user part)."""
    userinfo, at, hosts = netloc.rpartition("@")
    if not at or ":" not in userinfo:
        return netloc
    return f"{userinfo.split(':', 1)[0]}:{_MASK}@{hosts}"


def _masked_by_hand(url: str) -> str:
    """:func:`redacted` for what :func:`urlsplit` cannot read (an unclosed IPv6 bracket) or
    reads without a host part (``postgresql:/user:pw@host``, one slash): the same rules on
    the text after ``scheme:`` and its slashes, up to the first ``/``, ``?`` or ``#``."""
    scheme = url_scheme(url)
    body = url[len(scheme) + 1:] if scheme else url
    slashes = body[:len(body) - len(body.lstrip("/"))]
    rest = body[len(slashes):]
    end = min((i for i in (rest.find(c) for c in "/?#") if i >= 0), default=len(rest))
    netloc, tail = rest[:end], rest[end:]
    path, question, query = tail.partition("?")
    query, hash_, fragment = query.partition("#")
    return (f"{url[:len(url) - len(body)]}{slashes}{_masked_netloc(netloc)}{path}{question}"
            f"{_masked_query(query)}{hash_}{fragment}")


def redacted(url: str) -> str:
    """``url`` without any password, fit for a log line, an error or ``creator-advisor info``:
    the password of the user part (``user:***@host``) and the value of password-like query
    parameters (``?password=***``, ``sslpassword=***``) are masked. Never raises, even for a
    malformed URL (``[::1`` without its bracket): that is when it is printed in an error."""
    try:
        parts = urlsplit(url)
    except ValueError:  # e.g. "Invalid IPv6 URL": mask by the same rules, without the parser
        return _masked_by_hand(url)
    if not parts.netloc and is_postgres_url(url):  # postgresql:/user:pw@host (one slash)
        return _masked_by_hand(url)
    netloc, query = _masked_netloc(parts.netloc), _masked_query(parts.query)
    if (netloc, query) == (parts.netloc, parts.query):
        return url  # nothing secret: as written (urlunsplit would rewrite sqlite:///x as sqlite:/x)
    return urlunsplit(parts._replace(netloc=netloc, query=query))


def url_passwords(url: str) -> list[str]:
    """The passwords :func:`redacted` masks in ``url``, as written and decoded, for the log
    redaction filter (a driver's message might quote one). Never raises."""
    masked = redacted(url)
    if masked == url:
        return []
    found: list[str] = []
    scheme = url_scheme(url)
    rest = (url[len(scheme) + 1:] if scheme else url).lstrip("/")
    netloc = rest[:min((i for i in (rest.find(c) for c in "/?#") if i >= 0), default=len(rest))]
    userinfo = netloc.rpartition("@")[0]
    if ":" in userinfo:
        found.append(userinfo.split(":", 1)[1])
    query = url.partition("?")[2].partition("#")[0]
    for pair in query.split("&"):
        name, equals, value = pair.partition("=")
        if equals and _secret(name):
            found.append(value)
    found += [unquote(s) for s in found] + [v for k, v in parse_qsl(query) if _secret(k)]
    return sorted({s for s in found if s})
