"""Static files under names that carry a hash of their content, cached for a year.

`site.css` is served as `/static/site.<hash>.css`: a change of content is a change of name, so
browsers and proxies may keep every file for a year without ever showing a stale one.
"""

from __future__ import annotations

import hashlib
import mimetypes
from dataclasses import dataclass
from functools import cache
from pathlib import Path
from typing import Final

from litestar import Response, get
from litestar.exceptions import NotFoundException
from litestar.params import FromPath

STATIC_DIR: Final = Path(__file__).parent / "static"
YEAR: Final = 365 * 24 * 3600


@dataclass(frozen=True)
class StaticFile:
    body: bytes
    media_type: str
    etag: str


@cache
def _files() -> tuple[dict[str, str], dict[str, StaticFile]]:
    """(plain name -> hashed name, hashed name -> file), read once."""
    names: dict[str, str] = {}
    files: dict[str, StaticFile] = {}
    for path in sorted(STATIC_DIR.iterdir()):
        if not path.is_file():
            continue
        body = path.read_bytes()
        digest = hashlib.sha256(body).hexdigest()[:12]
        hashed = f"{path.stem}.{digest}{path.suffix}"
        media_type = mimetypes.guess_type(path.name)[0] or "application/octet-stream"
        if media_type.startswith("text/") or media_type.endswith("javascript"):
            media_type += "; charset=utf-8"
        names[path.name] = hashed
        files[hashed] = StaticFile(body, media_type, f'"{digest}"')
    return names, files


def static_url(name: str) -> str:
    """The URL of a static file by its plain name (`site.css`)."""
    return f"/static/{_files()[0][name]}"


@get("/static/{name:str}", include_in_schema=False, opt={"no_csrf": True})
async def static_file(name: FromPath[str]) -> Response[bytes]:
    """A fingerprinted file; unknown names (an old hash) are 404."""
    found = _files()[1].get(name)
    if found is None:
        raise NotFoundException()
    return Response(found.body, media_type=found.media_type, headers={
        "Cache-Control": f"public, max-age={YEAR}, immutable", "ETag": found.etag,
        "X-Content-Type-Options": "nosniff"})


@get("/favicon.ico", include_in_schema=False, opt={"no_csrf": True})
async def favicon() -> Response[bytes]:
    """Browsers ask for this path even when the page names its icon."""
    names, files = _files()
    found = files[names["favicon.svg"]]
    return Response(found.body, media_type=found.media_type, headers={
        "Cache-Control": "public, max-age=86400", "X-Content-Type-Options": "nosniff"})
