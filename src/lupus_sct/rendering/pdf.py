"""The one PDF builder: HTML to PDF with WeasyPrint, air-gapped (every URL fetch is refused).

Both the programme report and the decision-aid handout are built here, so the rule "a PDF fetches
nothing" is written once. Fonts come from the system (fontconfig); stylesheets are passed as text.
"""

from __future__ import annotations

from collections.abc import Sequence
from typing import Any

from lupus_sct.rendering.errors import RenderingError


def refuse_fetch(url: str, *args: object, **kwargs: object) -> dict[str, Any]:
    """Refuse ``url``: rendering never touches a network or a file (WeasyPrint logs a warning)."""
    raise RenderingError(f"the PDF is rendered offline and fetches nothing (asked for {url!r})")


def _refusing_fetcher(weasyprint: Any) -> Any:
    # WeasyPrint 68 and later take a URLFetcher object (with 70, a plain function fails with
    # AttributeError on the first URL instead of being refused); older versions take a function.
    base = getattr(weasyprint, "URLFetcher", None)
    if base is None:
        return refuse_fetch

    class RefuseEveryFetch(base):  # type: ignore[misc, valid-type]
        def fetch(self, url: str, headers: object = None) -> dict[str, Any]:
            return refuse_fetch(url)

    return RefuseEveryFetch()


def html_to_pdf(
    html: str, *, stylesheets: Sequence[str] = (), base_url: str | None = None
) -> bytes:
    """``html`` (with extra ``stylesheets``, as CSS text) as PDF bytes, fetching nothing."""
    # Imported here: loading Pango takes a second, and only the PDF needs it.
    import weasyprint  # type: ignore[import-untyped, unused-ignore]  # ships no type information

    fetcher = _refusing_fetcher(weasyprint)
    document = weasyprint.HTML(string=html, base_url=base_url, url_fetcher=fetcher)
    sheets = [weasyprint.CSS(string=css, url_fetcher=fetcher) for css in stylesheets]
    pdf = document.write_pdf(stylesheets=sheets or None)
    if pdf is None:  # write_pdf without a target always returns bytes; kept for the type checker
        raise RenderingError("WeasyPrint returned no PDF")
    return bytes(pdf)
