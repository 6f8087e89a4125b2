"""Reading an import's input: a folder, a .zip or a file, into memory.

A zip is never extracted: its members are read in memory, and an archive naming a
path outside itself (zip-slip) or too large to hold is refused outright.
"""

from __future__ import annotations

import json
import posixpath
import zipfile
from collections.abc import Callable
from dataclasses import dataclass, field
from pathlib import Path, PurePosixPath

from django.utils.translation import gettext as _

from newstart.directory.hsds import profile
from newstart.directory.hsds.import_report import Problem
from newstart.directory.hsds.tables import TABLES_BY_NAME, TABLES_BY_PATH

DATAPACKAGE = "datapackage.json"
# Far above any directory's data (10,000 services are a few tens of MB), far below a zip bomb.
MAX_TOTAL_BYTES = 2 * 1024**3


@dataclass(frozen=True)
class SourceFile:
    name: str  # as shown in messages: the path inside the input
    data: bytes
    encoding: str = "utf-8"


@dataclass
class Source:
    """The input, read: either tabular (CSV files by table) or JSON files."""

    kind: str  # "tabular" or "json"
    tables: dict[str, SourceFile] = field(default_factory=dict)  # tabular: table name -> CSV
    translations: SourceFile | None = None  # tabular: the profile's translations table
    json_files: list[SourceFile] = field(default_factory=list)
    warnings: list[Problem] = field(default_factory=list)


class SourceError(Exception):
    def __init__(self, problems: list[Problem]) -> None:
        self.problems = problems
        super().__init__("; ".join(str(problem) for problem in problems))


def _fail(name: str, reason: str) -> SourceError:
    return SourceError([Problem(name, "", "", reason)])


class _Folder:
    """The same reading interface over a folder on disk and a zip archive in memory."""

    def __init__(self, label: str, names: list[str], read: Callable[[str], bytes]) -> None:
        self.label = label
        self.names = names  # POSIX paths relative to the input's root, files only
        self._read = read

    def read(self, name: str) -> bytes:
        return self._read(name)


def _disk_folder(root: Path) -> _Folder:
    names = sorted(path.relative_to(root).as_posix() for path in root.rglob("*") if path.is_file())
    return _Folder(root.name, names, lambda name: (root / name).read_bytes())


def _zip_folder(path: Path) -> _Folder:
    problems: list[Problem] = []
    contents: dict[str, bytes] = {}
    try:
        with zipfile.ZipFile(path) as archive:
            members = archive.infolist()
            total = 0
            for member in members:
                name = member.filename
                parts = PurePosixPath(name.replace("\\", "/")).parts
                if name.startswith(("/", "\\")) or ".." in parts or (parts and ":" in parts[0]):
                    problems.append(
                        Problem(path.name, name, "", _("the archive names a path outside itself; refusing the archive"))
                    )
                elif member.flag_bits & 0x1:
                    problems.append(Problem(path.name, name, "", _("encrypted archive members cannot be read")))
                elif not member.is_dir():
                    total += member.file_size
            if total > MAX_TOTAL_BYTES:
                problems.append(
                    Problem(
                        path.name,
                        "",
                        "",
                        _("the archive unpacks to more than %(size)s bytes") % {"size": MAX_TOTAL_BYTES},
                    )
                )
            if problems:
                raise SourceError(problems)
            for member in members:
                if not member.is_dir():
                    contents[member.filename] = archive.read(member)
    except (zipfile.BadZipFile, OSError, RuntimeError) as error:
        raise _fail(path.name, _("not a readable zip archive (%(error)s)") % {"error": error}) from error
    return _Folder(path.name, sorted(contents), contents.__getitem__)


def _is_json_data(name: str) -> bool:
    return name.lower().endswith(".json") and posixpath.basename(name) != DATAPACKAGE


def _tabular(folder: _Folder, base: str) -> Source:
    """A datapackage (datapackage.json at `base`), or CSV files named as the catalogue names them."""
    source = Source("tabular")
    prefix = f"{base}/" if base else ""
    available = {name[len(prefix) :]: name for name in folder.names if name.startswith(prefix)}
    package_name = prefix + DATAPACKAGE
    encodings: dict[str, str] = {}
    paths: dict[str, str] = {}  # table -> path inside base
    if package_name in folder.names:
        try:
            package = json.loads(folder.read(package_name).decode("utf-8-sig"))
        except (UnicodeDecodeError, json.JSONDecodeError) as error:
            raise _fail(package_name, _("not valid JSON (%(error)s)") % {"error": error}) from error
        resources = package.get("resources") if isinstance(package, dict) else None
        if not isinstance(resources, list):
            raise _fail(package_name, _('a datapackage needs a "resources" list'))
        for index, resource in enumerate(resources):
            resource_path = resource.get("path") if isinstance(resource, dict) else None
            if not isinstance(resource_path, str):
                raise _fail(package_name, _("resource %(index)s has no single path") % {"index": index + 1})
            parts = PurePosixPath(resource_path).parts
            if resource_path.startswith("/") or ".." in parts or "://" in resource_path:
                raise _fail(
                    package_name,
                    _("resource path %(path)s is outside the datapackage; only local files are read")
                    % {"path": resource_path},
                )
            name = str(resource.get("name", ""))
            catalogue = TABLES_BY_NAME.get(name) or TABLES_BY_PATH.get(posixpath.basename(resource_path))
            if name == profile.TRANSLATIONS_TABLE or posixpath.basename(resource_path) == profile.TRANSLATIONS_PATH:
                table = profile.TRANSLATIONS_TABLE
            elif catalogue is not None:
                table = catalogue.name
            else:
                source.warnings.append(
                    Problem(package_name, "", "", _("resource %(name)s is not an HSDS table; ignored") % {"name": name})
                )
                continue
            paths[table] = resource_path
            if isinstance(resource.get("encoding"), str):
                encodings[table] = resource["encoding"]
    # Tables the datapackage does not list are still read when their file is there.
    for catalogue_table in TABLES_BY_NAME.values():
        paths.setdefault(catalogue_table.name, catalogue_table.path)
    paths.setdefault(profile.TRANSLATIONS_TABLE, profile.TRANSLATIONS_PATH)
    for table, resource_path in paths.items():
        if resource_path not in available:
            continue  # every table is optional
        file = SourceFile(
            available[resource_path], folder.read(available[resource_path]), encodings.get(table, "utf-8")
        )
        if table == profile.TRANSLATIONS_TABLE:
            source.translations = file
        else:
            source.tables[table] = file
    return source


def _from_folder(folder: _Folder) -> Source:
    packages = [name for name in folder.names if posixpath.basename(name) == DATAPACKAGE]
    if packages:
        # The shallowest datapackage.json: a zip of a folder holds it one level down.
        package = min(packages, key=lambda name: (name.count("/"), name))
        return _tabular(folder, posixpath.dirname(package))
    csv_names = [name for name in folder.names if posixpath.basename(name) in TABLES_BY_PATH]
    if csv_names:
        base = min((posixpath.dirname(name) for name in csv_names), key=lambda name: (name.count("/"), name))
        source = _tabular(folder, base)
        source.warnings.append(
            Problem(folder.label, "", "", _("no datapackage.json; CSV files read by their HSDS file names"))
        )
        return source
    json_names = [name for name in folder.names if _is_json_data(name)]
    if not json_names:
        raise _fail(folder.label, _("no HSDS data found: expected datapackage.json with CSV files, or JSON files"))
    return Source("json", json_files=[SourceFile(name, folder.read(name)) for name in json_names])


def source_read(*, path: Path) -> Source:
    """Read the input at `path` into memory. Raises SourceError when it cannot be read."""
    if not path.exists():
        raise _fail(str(path), _("no such file or folder"))
    try:
        if path.is_dir():
            return _from_folder(_disk_folder(path))
        if path.name == DATAPACKAGE:
            return _from_folder(_disk_folder(path.parent))
        if path.suffix.lower() == ".zip" or zipfile.is_zipfile(path):
            return _from_folder(_zip_folder(path))
        if path.suffix.lower() == ".csv":
            raise _fail(path.name, _("a CSV file alone is not a dataset: give the folder or zip with datapackage.json"))
        return Source("json", json_files=[SourceFile(path.name, path.read_bytes())])
    except PermissionError as error:
        raise _fail(str(path), _("cannot be read (%(error)s)") % {"error": error}) from error


def decode_text(file: SourceFile) -> str:
    """The file's text; UTF-8 with or without a byte-order mark unless the datapackage names another encoding."""
    encoding = file.encoding.lower().replace("_", "-")
    if encoding in ("utf-8", "utf8"):
        encoding = "utf-8-sig"
    try:
        return file.data.decode(encoding)
    except LookupError as error:
        raise _fail(file.name, _("unknown encoding %(encoding)s") % {"encoding": file.encoding}) from error
    except UnicodeDecodeError as error:
        raise _fail(
            file.name,
            _("not %(encoding)s text at byte %(position)s; save it as UTF-8")
            % {"encoding": file.encoding, "position": error.start},
        ) from error
