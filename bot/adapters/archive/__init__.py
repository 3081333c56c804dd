"""A remiss's archive package: an E-ARK SIP (CSIP/SIP 2.1) for the e-archive (`remissbot archive`)."""

from bot.adapters.archive.command import archive_command, archive_when_closed, write_archive
from bot.adapters.archive.files import PackageExists, listed_files, save_package, save_zip, verify_package
from bot.adapters.archive.model import ArchivePackage, PackageFile
from bot.adapters.archive.package import build_archive, package_name

__all__ = [
    "ArchivePackage",
    "PackageExists",
    "PackageFile",
    "archive_command",
    "archive_when_closed",
    "build_archive",
    "listed_files",
    "package_name",
    "save_package",
    "save_zip",
    "verify_package",
    "write_archive",
]
