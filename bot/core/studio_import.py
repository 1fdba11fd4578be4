"""What /import was sent: a TikTok Studio download (CSV, .xlsx or a .zip of several), the bot's
own ``date,followers,…`` CSV, or something else, refused in one sentence that says what it is.

Bytes in, a plan out; nothing here touches the store. Limits are checked before anything is
decompressed or parsed, from sizes a zip declares (Python's ``zipfile`` never inflates an entry
past its declared size), so a zip bomb costs no memory.
"""

from __future__ import annotations

import io
import zipfile
from collections.abc import Sequence
from datetime import UTC, date, datetime, tzinfo
from pathlib import PurePosixPath

from bot.core.csv_import import (
    EARLIEST,
    MAX_BYTES,
    MAX_ROWS,
    ImportError_,
    ImportPlan,
    before_earliest,
    column_key,
    csv_rows,
    cut_list,
    decode,
    is_own_column,
    parse_csv,
    too_large,
)
from bot.domain.numbers import day, grouped, items, kept, punct
from bot.domain.studio import (
    LAYOUTS,
    Layout,
    StudioError,
    StudioImport,
    closest_layout,
    read_table,
    recognise,
)
from bot.i18n import N_, ngettext, pgettext, translate
from bot.i18n import gettext as _

#: At most this many entries in a zip (TikTok Studio's has a handful).
MAX_ZIP_ENTRIES = 50
#: At most this many bytes once a zip is inflated, all entries together.
MAX_UNZIPPED_BYTES = 20_000_000
#: An .xlsx is itself a zip of XML parts; a one-sheet workbook has about ten.
MAX_XLSX_PARTS = 100
#: At most this many bytes of XML in a workbook (a year of daily rows is well under 1 MB);
#: openpyxl holds a row's cells and the shared strings in memory, so this bounds it.
MAX_XLSX_BYTES = 5_000_000
#: Studio's widest sheet has 8 columns; cells beyond this are never read.
MAX_COLUMNS = 16

_ZIP_MAGIC = (b"PK\x03\x04", b"PK\x05\x06")
_KNOWN_MAGIC = ((b"%PDF", N_("a PDF document")), (b"\x89PNG", N_("a PNG image")),
                (b"\xff\xd8\xff", N_("a JPEG image")), (b"GIF8", N_("a GIF image")),
                (b"\x1f\x8b", N_("a gzip archive")), (b"Rar!", N_("a RAR archive")),
                (b"7z\xbc\xaf", N_("a 7-Zip archive")),
                (b"\xd0\xcf\x11\xe0", N_("an old Excel (.xls) file")))
_STUDIO_FILES = ", ".join(layout.value for layout in Layout)


#: Every column name exactly as TikTok Studio writes it.
_STUDIO_SPELLING = frozenset(c for columns in LAYOUTS.values() for c in columns)


def _too_large() -> ImportError_:
    return ImportError_(too_large(MAX_BYTES))


def read_upload(data: bytes, filename: str, *, now: datetime, downloaded: date,
                downloaded_given: bool = False, locale: str = "en",
                today: date | None = None, zone: tzinfo = UTC) -> ImportPlan | StudioImport:
    """Read an upload. ``downloaded`` is the day the Studio export was made (its dates have no
    year: they are counted back from it). Returns the bot's own CSV as an :class:`ImportPlan`
    (unchanged), anything from TikTok Studio as a :class:`StudioImport`. ``today`` is the
    creator's date and ``zone`` their time zone: the bot's CSV may hold no row dated after
    today nor timed after ``now``, and its times without an offset are theirs
    (:func:`~bot.core.csv_import.parse_csv`).

    Raises :class:`ImportError_` with one sentence for anything unusable; nothing is partial.
    """
    if len(data) > MAX_BYTES:
        raise _too_large()
    if downloaded < EARLIEST.date():
        raise ImportError_(f"downloaded={before_earliest(downloaded)}.")
    if today is not None and downloaded > today:
        raise ImportError_(_("downloaded=%(date)s is in the future (today is %(today)s).",
                             date=downloaded, today=day(today)))
    name = PurePosixPath(filename.replace("\\", "/")).name or _("the file")
    studio = StudioImport(downloaded=downloaded, downloaded_given=downloaded_given)
    try:
        if data.startswith(_ZIP_MAGIC):
            with _open_zip(data) as archive:
                if "xl/workbook.xml" in archive.namelist():
                    _read_xlsx(studio, data, archive, name, locale)
                else:
                    _read_zip(studio, archive, name, locale)
            return _dated_since_earliest(studio)
        for magic, what in _KNOWN_MAGIC:
            if data.startswith(magic):
                raise ImportError_(_("This is %(what)s, not a CSV, .xlsx or .zip from TikTok "
                                     "Studio or a CSV of your numbers.", what=translate(what)))
        text = decode(data)
        rows = _csv_rows(text)
        if rows and recognise(rows[0]) is None and _names_a_date(rows[0]):
            try:
                return parse_csv(data, now=now, today=today, zone=zone)
            except ImportError_:
                # The Studio sentence only when the header has a column written the way
                # Studio writes it (its own name, or its capitalised spelling): a typo in the
                # bot's CSV (date,followers,folowers) gets the CSV reader's answer.
                if closest_layout(rows[0]) is None or not any(
                        c.strip() in _STUDIO_SPELLING and (not is_own_column(c) or c != c.lower())
                        for c in rows[0]):
                    raise
                raise ImportError_(_unrecognised(rows[0], name)) from None
        _read_rows(studio, rows, name, locale)
    except StudioError as exc:
        raise ImportError_(exc.marked) from None
    return _dated_since_earliest(studio)


def _dated_since_earliest(studio: StudioImport) -> StudioImport:
    """``studio`` unchanged, or :class:`ImportError_` if a file holds a day before
    :data:`EARLIEST` (the same floor as the bot's CSV) or nothing at all would be stored (so
    an import never says "Imported" for nothing)."""
    for f in studio.files:
        if f.first is not None and f.first < EARLIEST.date():
            raise ImportError_(f"{kept(f.name)}{punct(': ')}{before_earliest(f.first)}.")
    if not (any(studio.daily.values()) or studio.videos or studio.territories
            or studio.genders or studio.activity or studio.snapshot_rows()):
        names = items(kept(f.name) for f in studio.files) or _("The file")
        raise ImportError_(_("%(files)s holds no numbers to import, so nothing was stored.",
                             files=names))
    return studio


def _names_a_date(header: Sequence[str]) -> bool:
    """The bot's own CSV: a ``date`` column, named as :func:`column_key` reads it in the
    creator's language (``Datum``, ``fecha``…), the same function the CSV reader uses (it
    checks the rest)."""
    return any(column_key(h) == "date" for h in header)


def _csv_rows(text: str) -> list[list[str]]:
    if not text or text.isspace():
        raise ImportError_(_("The file is empty: send a TikTok Studio download, or a CSV "
                             "with a header line such as date,followers,views and a row a "
                             "day."))
    return csv_rows(text, max_rows=MAX_ROWS + 1)  # the header and MAX_ROWS rows


def _read_rows(studio: StudioImport, rows: list[list[str]], name: str, locale: str) -> None:
    """One table (a CSV or a sheet): a Studio layout, or a refusal naming what it looks like."""
    if not rows:
        raise ImportError_(_("%(file)s is empty.", file=kept(name)))
    header = [c.strip() for c in rows[0]]
    layout = recognise(header)
    if layout is None:
        raise ImportError_(_unrecognised(header, name))
    read_table(studio, layout, name, rows[1:], locale=locale)


def _unrecognised(header: Sequence[str], name: str) -> str:
    near = closest_layout(header)
    if near is not None:
        layout, missing = near
        return ngettext("%(file)s looks like TikTok Studio's %(layout)s file but lacks the "
                        "column %(missing)s; send the file as TikTok Studio made it.",
                        "%(file)s looks like TikTok Studio's %(layout)s file but lacks the "
                        "columns %(missing)s; send the file as TikTok Studio made it.",
                        len(missing), file=kept(name), layout=layout.value, missing=items(missing))
    if any(is_own_column(c) for c in header if c.strip()):  # no date column (else ours)
        return _("%(file)s has columns of your numbers (%(columns)s) but no date column: "
                 "add one, with each row's date, e.g. date,followers,views.", file=kept(name),
                 columns=_quoted(header))
    if len([c for c in header if c.strip()]) < 2:
        first = _cut((header[0] if header else "").strip(), 40)
        return _("%(file)s is not a table (its first line is '%(first)s'), so neither a TikTok "
                 "Studio download (%(studio)s) nor a CSV of your numbers. Send a file as "
                 "TikTok Studio made it, or a CSV whose first line names its columns, such as "
                 "date,followers,views.", file=kept(name), first=kept(first),
                 studio=_STUDIO_FILES)
    return _("%(file)s is a table with the columns %(columns)s, so neither a TikTok Studio "
             "download (%(studio)s) nor a CSV of your numbers. Send a file as TikTok Studio "
             "made it, or a CSV whose first line names its columns, such as "
             "date,followers,views.", file=kept(name), columns=_quoted(header),
             studio=_STUDIO_FILES)


def _quoted(header: Sequence[str]) -> str:
    """The first eight named columns of ``header``, each quoted as the language quotes and cut
    to 30 characters, as a list that says how many more there are (:func:`cut_list`)."""
    named = [c.strip() for c in header if c.strip()]
    return cut_list([pgettext("a column name of the creator's file, quoted", "'%(column)s'",
                              column=kept(_cut(c, 30))) for c in named[:8]], len(named))


def _cut(text: str, most: int) -> str:
    """``text`` (a cell of the creator's file) to at most ``most`` characters, with "…" when
    cut, so a shown column name never reads as the whole of it."""
    return text if len(text) <= most else text[: most - 1] + "…"


def _open_zip(data: bytes) -> zipfile.ZipFile:
    try:
        return zipfile.ZipFile(io.BytesIO(data))
    except (zipfile.BadZipFile, ValueError, EOFError):
        raise ImportError_(_("The file starts like a zip but is damaged; download it again "
                             "from TikTok Studio.")) from None


def _check_sizes(infos: Sequence[zipfile.ZipInfo], workbook: bool, max_entries: int,
                 max_bytes: int = MAX_UNZIPPED_BYTES) -> None:
    """Refuse a zip (or, ``workbook``, an .xlsx: a zip of XML parts) with too many entries or
    too many unpacked bytes, in one whole sentence per case."""
    count, most = grouped(len(infos)), grouped(max_entries)
    if len(infos) > max_entries:
        raise ImportError_(
            _("The workbook holds %(count)s parts, more than the %(most)s allowed; save it "
              "again from TikTok Studio with one sheet.", count=count, most=most) if workbook
            else _("The zip holds %(count)s entries, more than the %(most)s allowed; send the "
                   "TikTok Studio files alone.", count=count, most=most))
    if sum(i.file_size for i in infos) > max_bytes:
        size = max_bytes // 1_000_000
        raise ImportError_(
            _("The workbook unpacks to more than %(size)s MB, far beyond a TikTok Studio "
              "export; nothing was read.", size=size) if workbook
            else _("The zip unpacks to more than %(size)s MB, far beyond a TikTok Studio "
                   "export; nothing was read.", size=size))


def _entry_bytes(archive: zipfile.ZipFile, info: zipfile.ZipInfo) -> bytes:
    if info.file_size > MAX_BYTES:
        raise _too_large()
    try:
        with archive.open(info) as stream:
            return stream.read(MAX_BYTES + 1)
    except (zipfile.BadZipFile, NotImplementedError, RuntimeError, OSError, EOFError):
        raise ImportError_(_("%(file)s in the zip is damaged or encrypted.",
                             file=kept(info.filename[:80]))) from None


def _read_zip(studio: StudioImport, archive: zipfile.ZipFile, name: str, locale: str) -> None:
    infos = archive.infolist()
    _check_sizes(infos, False, MAX_ZIP_ENTRIES)
    seen: dict[Layout, str] = {}
    for info in infos:
        entry = PurePosixPath(info.filename)
        if info.is_dir() or entry.name.startswith(".") or "__MACOSX" in entry.parts:
            continue
        suffix = entry.suffix.lower()
        if suffix not in (".csv", ".xlsx"):
            studio.ignored.append(entry.name)
            continue
        data = _entry_bytes(archive, info)
        before = len(studio.files)
        if data.startswith(_ZIP_MAGIC):
            if suffix != ".xlsx":
                studio.ignored.append(entry.name)
                continue
            with _open_zip(data) as inner:
                _read_xlsx(studio, data, inner, entry.name, locale)
        else:
            rows = _csv_rows(decode(data))
            if not rows or recognise(rows[0]) is None:
                studio.ignored.append(entry.name)
                continue
            _read_rows(studio, rows, entry.name, locale)
        for summary in studio.files[before:]:
            if summary.layout in seen:
                raise ImportError_(_("The zip holds two %(layout)s files (%(first)s, "
                                     "%(second)s); send one.", layout=summary.layout.value,
                                     first=kept(seen[summary.layout]),
                                     second=kept(summary.name)))
            seen[summary.layout] = summary.name
    if not studio.files:
        found = (cut_list([kept(n) for n in studio.ignored[:6]], len(studio.ignored))
                 if studio.ignored else _("nothing"))
        raise ImportError_(_("The zip %(file)s holds no TikTok Studio file (%(studio)s); it "
                             "holds: %(found)s.", file=kept(name), studio=_STUDIO_FILES,
                             found=found))


def _read_xlsx(studio: StudioImport, data: bytes, archive: zipfile.ZipFile, name: str,
               locale: str) -> None:
    """One-sheet workbook, every cell read as text (Studio stores numbers as strings)."""
    _check_sizes(archive.infolist(), True, MAX_XLSX_PARTS, MAX_XLSX_BYTES)
    import openpyxl  # a well-kept reader; imported here so CSV-only imports never load it

    try:
        book = openpyxl.load_workbook(io.BytesIO(data), read_only=True, data_only=True)
    except Exception:  # openpyxl raises many kinds for a broken workbook
        raise ImportError_(_("%(file)s is not a workbook I can read; download it again or "
                             "send the CSV.", file=kept(name))) from None
    try:
        if len(book.sheetnames) != 1:
            raise ImportError_(_("%(file)s has %(count)s sheets; TikTok Studio's has one: send "
                                 "the sheet you mean alone, or as CSV.", file=kept(name),
                                 count=len(book.sheetnames)))
        rows: list[list[str]] = []
        for values in book.worksheets[0].iter_rows(max_col=MAX_COLUMNS,
                                                           values_only=True):
            rows.append([_cell_text(v) for v in values])
            if len(rows) > MAX_ROWS + 1:
                raise ImportError_(_("%(file)s has more than %(rows)s rows.", file=kept(name),
                                     rows=grouped(MAX_ROWS)))
    finally:
        book.close()
    if any(not cell for row in rows[1:] for cell in row) and _formulas_without_values(data):
        raise ImportError_(_("The cells of %(file)s hold formulas without values; save the "
                             "sheet as values (or as CSV) and send it again.", file=kept(name)))
    while rows and not any(rows[0]):
        rows.pop(0)
    if rows:  # a sheet's used range can be wider than its header: cut to the header
        header = rows[0]
        while header and not header[-1]:
            header = header[:-1]
        width = len(header)
        rows = [header, *[(r + [""] * width)[:width] for r in rows[1:]]]
    _read_rows(studio, rows, name, locale)


def _formulas_without_values(data: bytes) -> bool:
    """Whether the workbook's sheet has a formula cell with no value saved with it (a sheet
    written by a program, never opened in a spreadsheet): openpyxl reads such a cell as empty
    with ``data_only=True``, and as the formula otherwise."""
    import openpyxl

    values = openpyxl.load_workbook(io.BytesIO(data), read_only=True, data_only=True)
    formulas = openpyxl.load_workbook(io.BytesIO(data), read_only=True, data_only=False)
    try:
        for shown, written in zip(
                values.worksheets[0].iter_rows(max_col=MAX_COLUMNS, values_only=True),
                formulas.worksheets[0].iter_rows(max_col=MAX_COLUMNS, values_only=True),
                strict=False):
            for value, formula in zip(shown, written, strict=False):
                if value is None and formula is not None and (
                        not isinstance(formula, str) or formula.startswith("=")):
                    return True
    finally:
        values.close()
        formulas.close()
    return False


def _cell_text(value: object) -> str:
    if value is None:
        return ""
    if isinstance(value, float) and value.is_integer():
        return str(int(value))
    return str(value)
