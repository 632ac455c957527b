"""Fill the Danish explanation (``cause_detail``) and fix (``action``) of a rule, and name
the party responsible for a cause (pure text, no I/O).

The templates and parties are entries of :mod:`telefonspor.catalogue`; the README section
``docs/readme/aarsager.md`` lists the same codes.
"""

from __future__ import annotations

from dataclasses import dataclass, fields
from operator import attrgetter
from string import Formatter
from typing import Final

from telefonspor.catalogue import CAUSE, RULE, RULES
from telefonspor.model import PhoneValue
from telefonspor.texts import SLOT_LABELS, system_label

#: FK-ORG address role and OS2sync field per slot.
FKORG_FIELD: Final = {"direct": "FastnetTelefon", "mobile": "Telefon"}
SYNC_FIELD: Final = {"direct": "Landline", "mobile": "PhoneNumber"}
OS2MO_SETTING: Final = {
    "direct": "landline_scope_classes",
    "mobile": "phone_scope_classes",
}
#: The OS2sofd type to use instead of a type that is never sent.
OS2SOFD_TYPE: Final = {"direct": "LANDLINE", "mobile": "MOBILE"}


@dataclass(frozen=True, slots=True)
class Facts:
    """What the diagnosis saw; the templates pick the fields they need."""

    slot: str  # "direct" | "mobile"
    user: str  # the KLIK user id
    system: str = ""  # kind of the system the number was seen in
    account: str = ""  # the account in that system ("" -> the KLIK user id)
    number: str = ""  # the number as shown ("20 30 40 50")
    field: str = ""  # the system's own type/attribute name
    visibility: str = ""
    error: str = ""
    version: str = ""
    target: str = ""  # the next system (local system for a source, ...)
    sent: str = ""  # another value the system sends instead
    systems: str = ""  # the configured systems, for messages that name them all
    problem: str = ""  # Danish finding labels of an unusable value
    attribute: str = ""  # OS2sync-AD's phone attribute (os2sync_ad.phone_attribute)


def show_number(value: PhoneValue) -> str:
    """Danish numbers in pairs ("20 30 40 50"); anything else as written."""
    if value.e164 and value.e164.startswith("+45") and len(value.e164) == 11:
        digits = value.e164[3:]
        return " ".join(digits[i : i + 2] for i in range(0, 8, 2))
    return value.raw.strip()


#: rule -> (cause_detail, action), derived from the catalogue; str.format fields from Facts
#: plus derived names.
TEMPLATES: Final[dict[str, tuple[str, str]]] = {r.code: (r.detail, r.fix) for r in RULES}


def _names(template: str) -> set[str]:
    return {name for _, name, _, _ in Formatter().parse(template) if name is not None}


#: Rules whose texts name neither the holder nor the account (which falls back to the
#: holder): holders with the same other facts get the same texts.
HOLDER_FREE_RULES: Final = frozenset(
    code
    for code, (detail, action) in TEMPLATES.items()
    if not {"user", "account"} & (_names(detail) | _names(action))
)
#: Every fact but the holder, as one tuple (what a holder-free rule's texts depend on).
facts_but_holder: Final = attrgetter(*(f.name for f in fields(Facts) if f.name != "user"))


def responsible(cause: str, rule: str) -> str:
    """The party (a PARTY_CODES entry) that must act on ``cause`` lost by ``rule``."""
    entry = CAUSE.get(cause)
    if entry is None:
        return "klik_admin"
    if entry.party_by_rule:
        by_rule = RULE.get(rule)
        return by_rule.party if by_rule is not None else entry.party
    return entry.party


def explain(rule: str, facts: Facts) -> tuple[str, str]:
    """``(cause_detail, action)`` for ``rule``, filled with ``facts``."""
    detail, action = TEMPLATES[rule]
    values = {
        "slot": facts.slot,
        "user": facts.user,
        "account": facts.account or facts.user,
        "number": facts.number,
        "field": facts.field,
        "visibility": facts.visibility or "uangivet",
        "error": facts.error.strip().rstrip(".") or "ingen fejltekst",
        "version": facts.version,
        "sent": facts.sent,
        "systems": facts.systems,
        "problem": facts.problem,
        "attribute": facts.attribute or "telephoneNumber",
        "slot_label": SLOT_LABELS.get(facts.slot, facts.slot),
        "fkorg_field": FKORG_FIELD.get(facts.slot, ""),
        "sync_field": SYNC_FIELD.get(facts.slot, ""),
        "os2mo_setting": OS2MO_SETTING.get(facts.slot, ""),
        "os2sofd_type": OS2SOFD_TYPE.get(facts.slot, ""),
        "system_label": system_label(facts.system),
        "target_label": system_label(facts.target),
    }
    return detail.format(**values), action.format(**values)
