"""The XML Schema of the register export, generated from ``spec`` (committed as
``docs/xml/kajet-register-1.xsd``; a test keeps the file equal to this output).

Regenerate: ``.venv/bin/python manage.py register_schema > docs/xml/kajet-register-1.xsd``.
"""

from __future__ import annotations

import os
from functools import cache

from lxml import etree

from kajet.records.xmlio.spec import (
    ENTITIES,
    FORMAT_VERSION,
    NAMESPACE,
    SCHOOL_FIELDS,
    YEAR_FIELDS,
    Entity,
    Field,
)

XS = "http://www.w3.org/2001/XMLSchema"
XML_LANG = "{http://www.w3.org/XML/1998/namespace}lang"

XS_TYPES = {
    "id": "xs:long",
    "ref": "xs:long",
    "str": "xs:string",
    "int": "xs:long",
    "bool": "xs:boolean",
    "date": "xs:date",
    "datetime": "xs:dateTime",
    "time": "xs:time",
    "decimal": "xs:decimal",
    "json": "xs:string",
}

SCHEMA_DOC = (
    "Kajet: rejestr szkoły za jeden rok szkolny (format w wersji 1) — cały dziennik "
    "elektroniczny: szkoła, rok i okresy, oddziały, uczniowie, rodzice, pracownicy, przedmioty, "
    "przydziały, plan lekcji, lekcje z tematami, frekwencja, oceny z kategoriami i wagami, "
    "oceny śródroczne i roczne, zachowanie, terminarz, zadania domowe, ogłoszenia, metadane "
    "wiadomości z potwierdzeniami przeczytania oraz historia zmian (kto, kiedy, co, wartość "
    "poprzednia i nowa). Rozporządzenie MEN z 25 sierpnia 2017 r., §21–§22. Każdy element "
    "zbiorczy zawiera wiersze jednego rodzaju; atrybut id jest identyfikatorem wiersza, a "
    "atrybuty odwołujące się do innych wierszy zawierają ich id (sprawdzane przez xs:keyref). "
    "Brak atrybutu oznacza wartość pustą. Daty i czasy w formacie ISO 8601 (czasy w UTC).",
    "Kajet: the register of a school for one school year (format version 1) — the whole "
    "e-register: school, year and terms, classes, students, guardians, staff, subjects, "
    "courses, timetable, lessons with topics, attendance, grades with categories and weights, "
    "term and annual grades, behaviour, calendar, homework, announcements, message metadata "
    "with read receipts, and the history of changes (who, when, what, old and new value). "
    "Polish regulation on school documentation of 25 August 2017, §21–§22. Each group element "
    "holds the rows of one kind; the id attribute identifies a row, and attributes that refer "
    "to other rows hold their id (checked by xs:keyref). A missing attribute means an empty "
    "value. Dates and times are ISO 8601 (instants in UTC).",
)


def _q(name: str) -> str:
    return f"{{{XS}}}{name}"


def _annotate(parent: etree._Element, pl: str, en: str) -> None:
    annotation = etree.SubElement(parent, _q("annotation"))
    for lang, text in (("pl", pl), ("en", en)):
        doc = etree.SubElement(annotation, _q("documentation"))
        doc.set(XML_LANG, lang)
        doc.text = text


def _type_name(tag: str) -> str:
    return tag[:1].upper() + tag[1:]


def _field_docs(field: Field) -> tuple[str, str]:
    pl, en = field.pl, field.en
    if field.kind == "ref":
        pl += f" Odwołanie do {field.target}/@id."
        en += f" Refers to {field.target}/@id."
    if field.kind == "json":
        pl += " Treść elementu: JSON."
        en += " Element content: JSON."
    return pl, en


def _attribute(parent: etree._Element, field: Field) -> None:
    attr = etree.SubElement(parent, _q("attribute"), name=field.name)
    attr.set("use", "required" if field.required else "optional")
    _annotate(attr, *_field_docs(field))
    if field.choices:
        simple = etree.SubElement(attr, _q("simpleType"))
        restriction = etree.SubElement(simple, _q("restriction"), base="xs:string")
        for choice in field.choices:
            etree.SubElement(restriction, _q("enumeration"), value=choice)
    else:
        attr.set("type", XS_TYPES[field.kind])


def _complex_type(
    root: etree._Element, name: str, pl: str, en: str, fields: tuple[Field, ...]
) -> None:
    ctype = etree.SubElement(root, _q("complexType"), name=name)
    _annotate(ctype, pl, en)
    json_fields = [f for f in fields if f.kind == "json"]
    if json_fields:
        seq = etree.SubElement(ctype, _q("sequence"))
        for field in json_fields:
            el = etree.SubElement(seq, _q("element"), name=field.name, type="xs:string")
            el.set("minOccurs", "1" if field.required else "0")
            _annotate(el, *_field_docs(field))
    for field in fields:
        if field.kind != "json":
            _attribute(ctype, field)


def _group(seq: etree._Element, entity: Entity) -> None:
    group = etree.SubElement(seq, _q("element"), name=entity.group)
    _annotate(
        group,
        f"Wiersze rodzaju {entity.tag}: {entity.pl}",
        f"The rows of kind {entity.tag}: {entity.en}",
    )
    inner = etree.SubElement(etree.SubElement(group, _q("complexType")), _q("sequence"))
    row = etree.SubElement(
        inner, _q("element"), name=entity.tag, type=f"k:{_type_name(entity.tag)}"
    )
    row.set("minOccurs", "0")
    row.set("maxOccurs", "1" if entity.single else "unbounded")


def _constraints(register: etree._Element) -> None:
    paths = {"school": "k:school", "schoolYear": "k:schoolYear"}
    paths.update({e.tag: f"k:{e.group}/k:{e.tag}" for e in ENTITIES})
    for tag, path in paths.items():
        key = etree.SubElement(register, _q("key"), name=f"{tag}Key")
        etree.SubElement(key, _q("selector"), xpath=path)
        etree.SubElement(key, _q("field"), xpath="@id")
    for entity in ENTITIES:
        for field in entity.fields:
            if field.kind != "ref":
                continue
            ref = etree.SubElement(
                register,
                _q("keyref"),
                name=f"{entity.tag}-{field.name}",
                refer=f"k:{field.target}Key",
            )
            etree.SubElement(ref, _q("selector"), xpath=paths[entity.tag])
            etree.SubElement(ref, _q("field"), xpath=f"@{field.name}")


def schema_tree() -> etree._Element:
    root = etree.Element(
        _q("schema"),
        nsmap={"xs": XS, "k": NAMESPACE},
        targetNamespace=NAMESPACE,
        elementFormDefault="qualified",
        attributeFormDefault="unqualified",
        version=FORMAT_VERSION,
    )
    _annotate(root, *SCHEMA_DOC)
    register = etree.SubElement(root, _q("element"), name="register")
    _annotate(
        register,
        "Rejestr szkoły za jeden rok szkolny (element główny).",
        "The register of a school for one school year (the root element).",
    )
    ctype = etree.SubElement(register, _q("complexType"))
    seq = etree.SubElement(ctype, _q("sequence"))
    for name, pl, en in (
        ("school", "Szkoła.", "The school."),
        ("schoolYear", "Eksportowany rok szkolny.", "The exported school year."),
    ):
        el = etree.SubElement(seq, _q("element"), name=name, type=f"k:{_type_name(name)}")
        _annotate(el, pl, en)
    for entity in ENTITIES:
        _group(seq, entity)
    version = etree.SubElement(ctype, _q("attribute"), name="formatVersion", type="xs:string")
    version.set("use", "required")
    version.set("fixed", FORMAT_VERSION)
    _annotate(version, "Wersja formatu (1).", "Version of the format (1).")
    exported = etree.SubElement(ctype, _q("attribute"), name="exportedAt", type="xs:dateTime")
    exported.set("use", "required")
    _annotate(exported, "Kiedy wykonano eksport.", "When the export was made.")
    _constraints(register)
    _complex_type(root, "School", "Szkoła (dane podstawowe).", "The school.", SCHOOL_FIELDS)
    _complex_type(root, "SchoolYear", "Rok szkolny.", "A school year.", YEAR_FIELDS)
    for entity in ENTITIES:
        _complex_type(root, _type_name(entity.tag), entity.pl, entity.en, entity.fields)
    return root


def schema_text() -> str:
    root = schema_tree()
    etree.indent(root, space="  ")
    body = etree.tostring(root, encoding="unicode")
    return f'<?xml version="1.0" encoding="UTF-8"?>\n{body}\n'


SCHEMA_PATH = os.path.join(
    os.path.dirname(__file__), "..", "..", "..", "docs", "xml", "kajet-register-1.xsd"
)


@cache
def schema() -> etree.XMLSchema:
    """The committed schema, parsed once per process."""
    return etree.XMLSchema(etree.parse(os.path.normpath(SCHEMA_PATH)))
