"""The urging letter (văn bản đôn đốc) to one agency, from the Word template
`templates/urging_letter.docx` (Nghị định 30/2020/NĐ-CP layout, editable in Word)."""

from __future__ import annotations

from dataclasses import dataclass, field
from datetime import date, timedelta
from io import BytesIO
from pathlib import Path
from typing import Any

from theodoi.outputs.digest import AgencyDigest, agency_addressee, agency_digest
from theodoi.outputs.labels import Issuer, place_and_date, vn_date
from theodoi.outputs.registry import renderer
from theodoi.tracking.models import Agency

TEMPLATE = Path(__file__).resolve().parent / "templates" / "urging_letter.docx"
DOCX = "application/vnd.openxmlformats-officedocument.wordprocessingml.document"
SUBJECT = "đôn đốc thực hiện các nhiệm vụ quá hạn, sắp đến hạn"
# Agencies are asked to update the tracking system within this many days of the letter.
REPLY_DAYS = 7


class NothingToUrge(Exception):
    """The agency has no overdue or due-soon task on the date: there is nothing to write."""


@dataclass
class UrgingLetter:
    """What one urging letter says: the agency's digest and who writes."""

    digest: AgencyDigest
    issuer: Issuer = field(default_factory=Issuer)
    written_on: date | None = None

    @property
    def agency(self) -> Agency:
        return self.digest.agency

    @property
    def addressee(self) -> str:
        """Who the letter is addressed to: "Ủy ban nhân dân thành phố Cần Thơ", "Bộ Công an"."""
        return agency_addressee(self.agency)

    @property
    def filename_stem(self) -> str:
        return f"don-doc-{self.agency.registry_id}-{self.digest.as_of.isoformat()}"

    def plans_text(self) -> str:
        """The plans the tasks come from, as the first sentence cites them."""
        cited = []
        for number, title in self.digest.plans():
            if number and title:
                cited.append(f"{title} (Quyết định số {number})")
            else:
                cited.append(title or f"Quyết định số {number}")
        if not cited:
            return "các kế hoạch được giao"
        return "; ".join(cited)

    def context(self) -> dict[str, Any]:
        """The template's fields."""
        as_of = self.digest.as_of
        written = self.written_on or as_of
        rows = [
            {
                "index": index,
                "code": row.code,
                "name": row.name,
                "plan": row.plan_label,
                "due": row.due_label,
                "status": row.status_label
                + (f" {row.days_late} ngày" if row.days_late else ""),
            }
            for index, row in enumerate(self.digest.rows, start=1)
        ]
        return {
            "issuer": self.issuer.name,
            "issuer_parent": self.issuer.parent,
            "symbol": self.issuer.symbol,
            "subject": SUBJECT,
            "place_date": place_and_date(written, self.issuer.place),
            "agency_name": self.agency.name,
            "addressee": self.addressee,
            "as_of": vn_date(as_of),
            "plans_text": self.plans_text(),
            "n_overdue": len(self.digest.overdue),
            "n_due_soon": len(self.digest.due_soon),
            "rows": rows,
            "reply_by": vn_date(written + timedelta(days=REPLY_DAYS)),
            "recipients": [],
            "signer_lines": self.issuer.signer_lines(),
            "signer_name": self.issuer.signer_name,
        }


def build_letter(
    agency: Agency,
    as_of: date,
    *,
    issuer: Issuer | None = None,
    written_on: date | None = None,
    allow_empty: bool = False,
) -> UrgingLetter:
    """The urging letter to `agency` about what it owes on `as_of`; NothingToUrge when it
    owes nothing (unless `allow_empty`)."""
    digest = agency_digest(agency, as_of)
    if digest.is_empty and not allow_empty:
        raise NothingToUrge(
            f"{agency.name} không có nhiệm vụ quá hạn hay sắp đến hạn vào ngày {vn_date(as_of)}"
        )
    return UrgingLetter(digest, issuer or Issuer(), written_on)


def render_docx_template(template: Path, context: dict[str, Any]) -> bytes:
    """A docxtpl template filled with `context` (always escaped: "&" stays "&")."""
    from docxtpl import DocxTemplate

    document = DocxTemplate(str(template))
    document.render(context, autoescape=True)
    out = BytesIO()
    document.save(out)
    return out.getvalue()


@renderer("letter", "docx", DOCX, "Văn bản đôn đốc (Word)")
def letter_docx(letter: UrgingLetter) -> bytes:
    return render_docx_template(TEMPLATE, letter.context())
