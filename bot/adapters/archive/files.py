"""Writing a package to disk whole (or not at all) and reading one back against its METS.xml."""

from __future__ import annotations

import hashlib
import os
import shutil
import tempfile
import xml.etree.ElementTree as ET
import zipfile
from dataclasses import dataclass
from pathlib import Path
from urllib.parse import unquote

from bot.adapters.archive.mets import METS, XLINK
from bot.adapters.archive.model import ZIP_DATE, ArchivePackage


class PackageExists(Exception):
    """The package's folder is already in the output folder; nothing was written."""


def save_package(package: ArchivePackage, out_dir: Path) -> Path:
    """Write the package as the folder out_dir/<name>: first into a hidden folder beside it, then renamed, so
    a failure (a full disk, no permission) leaves nothing half-written. OSError when it cannot be written."""
    target = out_dir / package.name
    if target.exists():
        raise PackageExists(str(target))
    out_dir.mkdir(parents=True, exist_ok=True)
    staging = Path(tempfile.mkdtemp(prefix=f".{package.name}.", dir=out_dir))
    try:
        for file in package.files:
            path = staging.joinpath(*file.path.split("/"))
            path.parent.mkdir(parents=True, exist_ok=True)
            path.write_bytes(file.data)
        for folder in (staging / "metadata" / "preservation",):  # CSIPSTR6: the folder CSIP expects
            folder.mkdir(parents=True, exist_ok=True)
        staging.chmod(0o755)
        staging.rename(target)
    except BaseException:
        shutil.rmtree(staging, ignore_errors=True)
        raise
    return target


def save_zip(package: ArchivePackage, out_dir: Path) -> Path:
    """The package as out_dir/<name>.zip (the folder <name> inside), for archives that take one file: entries
    in the package's order, each dated ZIP_DATE, so the same package gives the same zip. Written to a hidden
    file first, then renamed."""
    target = out_dir / f"{package.name}.zip"
    if target.exists():
        raise PackageExists(str(target))
    out_dir.mkdir(parents=True, exist_ok=True)
    handle, name = tempfile.mkstemp(prefix=f".{package.name}.", suffix=".zip", dir=out_dir)
    staging = Path(name)
    try:
        with os.fdopen(handle, "wb") as file, zipfile.ZipFile(file, "w", zipfile.ZIP_DEFLATED) as archive:
            for member in package.files:
                entry = zipfile.ZipInfo(f"{package.name}/{member.path}", date_time=ZIP_DATE)
                entry.compress_type = zipfile.ZIP_DEFLATED
                entry.external_attr = 0o644 << 16
                archive.writestr(entry, member.data)
        staging.chmod(0o644)
        staging.rename(target)
    except BaseException:
        staging.unlink(missing_ok=True)
        raise
    return target


@dataclass(frozen=True)
class Listed:
    """A file as METS.xml lists it."""

    path: str
    size: int
    sha256: str


def listed_files(package_dir: Path) -> list[Listed]:
    """Every file and metadata reference in the package's METS.xml, with its size and SHA-256."""
    root = ET.parse(package_dir / "METS.xml").getroot()  # noqa: S314  (our own file, read back)
    found = []
    for element in root.iter():
        if element.tag not in (f"{{{METS}}}file", f"{{{METS}}}mdRef"):
            continue
        location = element if element.tag.endswith("mdRef") else element.find(f"{{{METS}}}FLocat")
        href = location.get(f"{{{XLINK}}}href", "") if location is not None else ""
        if element.get("CHECKSUMTYPE") != "SHA-256":
            raise ValueError(f"{href}: checksum type {element.get('CHECKSUMTYPE')!r}, not SHA-256")
        found.append(Listed(unquote(href), int(element.get("SIZE", "-1")), element.get("CHECKSUM", "").lower()))
    return found


def verify_package(package_dir: Path) -> list[str]:
    """Re-hash every file METS.xml lists against its size and checksum; the problems found (none: [])."""
    problems = []
    listed = listed_files(package_dir)
    for item in listed:
        path = package_dir / item.path
        if ".." in Path(item.path).parts or not path.is_file():
            problems.append(f"{item.path}: missing")
            continue
        data = path.read_bytes()
        if len(data) != item.size:
            problems.append(f"{item.path}: {len(data)} bytes, METS says {item.size}")
        if hashlib.sha256(data).hexdigest() != item.sha256:
            problems.append(f"{item.path}: SHA-256 differs from METS")
    known = {item.path for item in listed} | {"METS.xml"}
    for path in sorted(p for p in package_dir.rglob("*") if p.is_file()):
        relative = path.relative_to(package_dir).as_posix()
        if relative not in known:
            problems.append(f"{relative}: not in METS")
    return problems
