"""METS.xml of the archive package, as E-ARK CSIP/SIP 2.1 asks for it (the requirement ids are in the comments).

The root METS describes the whole package: the descriptive metadata (dmdSec), the documentation, the schemas
and the one representation's files (fileSec, each with size, MIME type, SHA-256 and CREATED), and the
structural map with the divisions CSIP makes mandatory (Metadata, Documentation, Schemas, Representations).
"""

from __future__ import annotations

import xml.etree.ElementTree as ET
from collections.abc import Sequence
from datetime import UTC, datetime
from urllib.parse import quote

from bot.adapters.archive.model import PackageFile

METS = "http://www.loc.gov/METS/"
CSIP = "https://DILCIS.eu/XML/METS/CSIPExtensionMETS"
SIP = "https://DILCIS.eu/XML/METS/SIPExtensionMETS"
XLINK = "http://www.w3.org/1999/xlink"
XSI = "http://www.w3.org/2001/XMLSchema-instance"
PROFILE = "https://earksip.dilcis.eu/profile/E-ARK-SIP.xml"
SCHEMA_LOCATIONS = (
    f"{METS} schemas/mets.xsd {XLINK} schemas/xlink.xsd "
    f"{CSIP} schemas/DILCISExtensionMETS.xsd {SIP} schemas/DILCISExtensionSIPMETS.xsd"
)
# The content information type: no E-ARK content information type specification covers a remiss, so OTHER
# with our own, documented in documentation/LASMIG.txt (CSIP4, CSIP5).
CONTENT_TYPE = "remissbot-remiss"
SOFTWARE = "remissbot"
ORGANISATION = "Malmö stad"

for _prefix, _uri in (("mets", METS), ("csip", CSIP), ("sip", SIP), ("xlink", XLINK), ("xsi", XSI)):
    ET.register_namespace(_prefix, _uri)


def mets_document(
    *,
    name: str,
    label: str,
    sender: str,
    version: str,
    created: datetime,
    descriptive: PackageFile,
    documentation: Sequence[PackageFile],
    schemas: Sequence[PackageFile],
    representation: tuple[str, Sequence[PackageFile]],
    md_type: str,
) -> bytes:
    """The root METS.xml's bytes (UTF-8, with an XML declaration)."""
    when = created.astimezone(UTC).isoformat(timespec="seconds")
    root = ET.Element(
        _m("mets"),
        {
            "OBJID": name,  # CSIP1: the package's id, also its folder's name
            "LABEL": label,  # SIP1
            "TYPE": "Other",  # CSIP2: no content category fits a case file better than "Other" …
            _q(CSIP, "OTHERTYPE"): "Remissärende",  # CSIP3: … named here
            _q(CSIP, "CONTENTINFORMATIONTYPE"): "OTHER",  # CSIP4
            _q(CSIP, "OTHERCONTENTINFORMATIONTYPE"): CONTENT_TYPE,  # CSIP5
            "PROFILE": PROFILE,  # CSIP6, SIP2
            _q(XSI, "schemaLocation"): SCHEMA_LOCATIONS,
        },
    )
    _header(root, when, sender, version)
    dmd = ET.SubElement(root, _m("dmdSec"), {"ID": "dmd-remiss", "CREATED": when, "STATUS": "CURRENT"})  # CSIP17-20
    _md_ref(dmd, descriptive, when, md_type)

    ids = _Ids()
    file_sec = ET.SubElement(root, _m("fileSec"), {"ID": "filesec"})  # CSIP58, CSIP59
    rep_name, rep_files = representation
    groups = [
        ("Documentation", "grp-documentation", documentation),  # CSIP60
        ("Schemas", "grp-schemas", schemas),  # CSIP113
        (f"Representations/{rep_name}", f"grp-{rep_name}", rep_files),  # CSIP114
    ]
    for use, group_id, members in groups:
        group = ET.SubElement(
            file_sec,
            _m("fileGrp"),
            {
                "ID": group_id,
                "USE": use,
                # CSIP62 asks it of the representation's group; the validator (CSIP63) of every group.
                _q(CSIP, "CONTENTINFORMATIONTYPE"): "OTHER",
                _q(CSIP, "OTHERCONTENTINFORMATIONTYPE"): CONTENT_TYPE,
            },
        )
        for member in members:
            _file(group, ids.next(), member, when)

    struct = ET.SubElement(root, _m("structMap"), {"ID": "structmap", "TYPE": "PHYSICAL", "LABEL": "CSIP"})
    top = ET.SubElement(struct, _m("div"), {"ID": "div-package", "LABEL": name})  # CSIP83-85
    ET.SubElement(top, _m("div"), {"ID": "div-metadata", "LABEL": "Metadata", "DMDID": "dmd-remiss"})  # CSIP88-92
    for label, group_id, div_id in (
        ("Documentation", "grp-documentation", "div-documentation"),  # CSIP93-96
        ("Schemas", "grp-schemas", "div-schemas"),  # CSIP97-100
        ("Representations", f"grp-{rep_name}", "div-representations"),  # CSIP101-104
    ):
        div = ET.SubElement(top, _m("div"), {"ID": div_id, "LABEL": label})
        ET.SubElement(div, _m("fptr"), {"FILEID": group_id})
    ET.indent(root, space="  ")
    body: bytes = ET.tostring(root, encoding="utf-8", xml_declaration=False)
    return b'<?xml version="1.0" encoding="UTF-8"?>\n' + body


def _header(root: ET.Element, when: str, sender: str, version: str) -> None:
    header = ET.SubElement(
        root,
        _m("metsHdr"),
        {
            "CREATEDATE": when,  # CSIP7
            "LASTMODDATE": when,  # CSIP8
            "RECORDSTATUS": "NEW",  # SIP3
            _q(CSIP, "OAISPACKAGETYPE"): "SIP",  # CSIP9, SIP4
        },
    )
    # CSIP10-16: the software that made the package.
    software = ET.SubElement(header, _m("agent"), {"ROLE": "CREATOR", "TYPE": "OTHER", "OTHERTYPE": "SOFTWARE"})
    ET.SubElement(software, _m("name")).text = SOFTWARE
    ET.SubElement(software, _m("note"), {_q(CSIP, "NOTETYPE"): "SOFTWARE VERSION"}).text = version
    # SIP15-SIP20 name the submitting agent; the archival creator (SIP9-SIP14) is the sending office.
    submitter = ET.SubElement(header, _m("agent"), {"ROLE": "CREATOR", "TYPE": "ORGANIZATION"})
    ET.SubElement(submitter, _m("name")).text = ORGANISATION
    archivist = ET.SubElement(header, _m("agent"), {"ROLE": "ARCHIVIST", "TYPE": "ORGANIZATION"})
    ET.SubElement(archivist, _m("name")).text = f"{ORGANISATION}, {sender}"


def _md_ref(parent: ET.Element, file: PackageFile, when: str, md_type: str) -> None:
    """CSIP22-30: a metadata file by reference, with its type, size, checksum and creation time."""
    ET.SubElement(
        parent,
        _m("mdRef"),
        {
            "LOCTYPE": "URL",
            _q(XLINK, "type"): "simple",
            _q(XLINK, "href"): href(file.path),
            "MDTYPE": "OTHER",
            "OTHERMDTYPE": md_type,
            "MIMETYPE": file.mimetype,
            "SIZE": str(len(file.data)),
            "CREATED": when,
            "CHECKSUM": file.sha256.upper(),
            "CHECKSUMTYPE": "SHA-256",
        },
    )


def _file(group: ET.Element, file_id: str, file: PackageFile, when: str) -> None:
    """CSIP67-79: a file with its type, size, creation time, checksum and location."""
    element = ET.SubElement(
        group,
        _m("file"),
        {
            "ID": file_id,
            "MIMETYPE": file.mimetype,
            "SIZE": str(len(file.data)),
            "CREATED": when,
            "CHECKSUM": file.sha256.upper(),
            "CHECKSUMTYPE": "SHA-256",
        },
    )
    ET.SubElement(
        element, _m("FLocat"), {"LOCTYPE": "URL", _q(XLINK, "type"): "simple", _q(XLINK, "href"): href(file.path)}
    )


def href(path: str) -> str:
    """A package path as a relative URL (spaces and å, ä, ö percent-encoded, '/' kept)."""
    return quote(path, safe="/")


class _Ids:
    """file-0001, file-0002, …: ids in the order the files are listed, so the same package has the same ids."""

    def __init__(self) -> None:
        self._count = 0

    def next(self) -> str:
        self._count += 1
        return f"file-{self._count:04d}"


def _m(tag: str) -> str:
    return _q(METS, tag)


def _q(namespace: str, name: str) -> str:
    return f"{{{namespace}}}{name}"
