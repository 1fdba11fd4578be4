"""A stand-in for a web browser, for ``BROWSER="python fake_browser.py %s"``: opens the URL,
follows TikTok's redirect to the callback (as a creator pressing Allow would), and appends the
final page to ``$FAKE_BROWSER_PAGE``. ``$FAKE_BROWSER_STATE`` replaces the ``state`` the
redirect carries (a forged or stale callback)."""

from __future__ import annotations

import os
import sys
import urllib.error
import urllib.request
from urllib.parse import parse_qsl, urlencode, urlsplit, urlunsplit


class _NoRedirect(urllib.request.HTTPRedirectHandler):
    def redirect_request(self, *args: object, **kwargs: object) -> None:
        return None


def fetch(url: str, *, follow: bool) -> tuple[int, str, str | None]:
    opener = urllib.request.build_opener() if follow else urllib.request.build_opener(
        _NoRedirect)
    try:
        with opener.open(url, timeout=30) as response:
            return response.status, response.read().decode(), None
    except urllib.error.HTTPError as exc:
        return exc.code, exc.read().decode(), exc.headers.get("Location")


def main(url: str) -> None:
    status, page, location = fetch(url, follow=False)
    if location is not None:
        forged = os.environ.get("FAKE_BROWSER_STATE")
        if forged:
            parts = urlsplit(location)
            query = [(k, forged if k == "state" else v) for k, v in parse_qsl(parts.query)]
            location = urlunsplit(parts._replace(query=urlencode(query)))
        status, page, _ = fetch(location, follow=True)
    out = os.environ.get("FAKE_BROWSER_PAGE")
    if out:
        with open(out, "a", encoding="utf-8") as file:
            file.write(f"{status}\n{page}\n")


if __name__ == "__main__":
    main(sys.argv[1])
