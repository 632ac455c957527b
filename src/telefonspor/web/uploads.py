"""Uploaded files: size limit, type by content (never by name), temporary storage per run."""

from __future__ import annotations

import io
import os
import re
import shutil
import uuid
import zipfile
from pathlib import Path
from typing import Final

from starlette.datastructures import UploadFile

from telefonspor.errors import InputError
from telefonspor.private import PRIVATE_DIR, PRIVATE_FILE, make_private_dir

_ZIP_MAGIC: Final = b"PK\x03\x04"
_OLE_MAGIC: Final = bytes.fromhex("D0CF11E0A1B11AE1")
_SNIFF_BYTES: Final = 64 * 1024
_CHUNK: Final = 1 << 20
_EXCEL_SUFFIXES: Final = frozenset({".xlsx", ".xlsm", ".xls"})
_UNSAFE = re.compile(r"[^A-Za-z0-9æøåÆØÅ._-]+")


class TooLarge(Exception):
    """The request body or the upload is over its limit; the message is Danish."""

    def __init__(self, message: str, title: str = "Filen er for stor") -> None:
        super().__init__(message)
        self.message = message
        self.title = title


def upload_too_large(limit_mb: int) -> TooLarge:
    return TooLarge(f"Upload højst {limit_mb} MB ad gangen (indstillingen web.max_upload_mb).")


def sniff(head: bytes, name: str) -> str:
    """The file type from its first bytes: 'xlsx', 'xls', 'ods', 'json', 'ldif' or 'csv'.

    Raises InputError (Danish, names the file) for anything else, and for a
    name that promises Excel when the content is not.
    """
    suffix = Path(name).suffix.lower()
    if head.startswith(_ZIP_MAGIC):
        return _zip_kind(head, name)
    if head.startswith(_OLE_MAGIC):
        return "xls"
    text = _as_text(head)
    if text is None:
        raise InputError(
            "filen er hverken et Excel-regneark, en CSV-fil eller en tekstfil. "
            "Gem KLIK-eksporten som .xlsx, .xls eller .csv og prøv igen.",
            path=name,
        )
    if suffix in _EXCEL_SUFFIXES:
        raise InputError(
            f"filen hedder {suffix}, men indholdet er ikke et Excel-regneark. "
            "Åbn den i Excel og gem den igen som .xlsx.",
            path=name,
        )
    stripped = text.lstrip("\ufeff \r\n\t")
    if stripped.startswith(("{", "[")):
        return "json"
    if stripped.startswith(("dn:", "version:")):
        return "ldif"
    return "csv"


def _zip_kind(head: bytes, name: str) -> str:
    # The head alone may not hold the zip directory; callers pass the whole file when small.
    try:
        names = set(zipfile.ZipFile(io.BytesIO(head)).namelist())
    except (zipfile.BadZipFile, NotImplementedError, ValueError):
        # A big file (its directory is at the end) or a damaged directory (a wrong version
        # field, a bad UTF-8 name): the reader checks it fully and names what is wrong.
        return "xlsx"
    if "xl/workbook.xml" in names:
        return "xlsx"
    if "content.xml" in names and "mimetype" in names:
        return "ods"
    raise InputError(
        "filen er en ZIP-fil, men ikke et Excel-regneark. Upload selve .xlsx-filen.", path=name
    )


def _as_text(head: bytes) -> str | None:
    if b"\x00" in head:
        return None
    for encoding in ("utf-8", "cp1252"):
        try:
            return head.decode(encoding)
        except UnicodeDecodeError as exc:
            # A multi-byte character cut at the end of the sample is still text.
            if encoding == "utf-8" and exc.start >= len(head) - 3:
                return head[: exc.start].decode(encoding)
    return None


def safe_name(name: str, kind: str) -> str:
    stem = _UNSAFE.sub("_", Path(name).stem).strip("._") or "fil"
    return f"{stem[:60]}.{kind}"


class UploadFolder:
    """One run's uploaded files in a private folder, removed by :meth:`remove`."""

    def __init__(self, root: Path, limit_mb: int) -> None:
        self.path = root / uuid.uuid4().hex
        make_private_dir(root)
        self.path.mkdir(mode=PRIVATE_DIR)
        self.path.chmod(PRIVATE_DIR)  # mkdir's mode is masked by the umask
        self._limit = limit_mb * 1024 * 1024
        self._limit_mb = limit_mb
        self._used = 0

    async def save(self, upload: UploadFile, prefix: str) -> Path:
        """Copy the upload into the folder under a safe name with the sniffed suffix."""
        name = upload.filename or "fil"
        await upload.seek(0)
        first = await upload.read(_SNIFF_BYTES)
        if not first:
            raise InputError("filen er tom.", path=name)
        size = await self._size(upload, len(first))
        if size <= _SNIFF_BYTES * 16:
            await upload.seek(0)
            kind = sniff(await upload.read(), name)
        else:
            kind = sniff(first, name)
        target = self.path / f"{prefix}-{safe_name(name, kind)}"
        await upload.seek(0)
        fd = os.open(target, os.O_WRONLY | os.O_CREAT | os.O_TRUNC, PRIVATE_FILE)
        with os.fdopen(fd, "wb") as out:
            while chunk := await upload.read(_CHUNK):
                out.write(chunk)
        return target

    async def _size(self, upload: UploadFile, first: int) -> int:
        size = first
        while chunk := await upload.read(_CHUNK):
            size += len(chunk)
        self._used += size
        if self._used > self._limit:
            raise upload_too_large(self._limit_mb)
        return size

    def remove(self) -> None:
        shutil.rmtree(self.path, ignore_errors=True)
