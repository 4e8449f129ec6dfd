"""The decision's header: number, date, issuer, title, year and signer, from its paragraphs."""

from __future__ import annotations

import contextlib
import re
from collections.abc import Sequence
from datetime import date

from theodoi.extract.model import PlanMeta
from theodoi.extract.text import join_lines

# The issuer's code may end in one small letter ("QĐ-TTg"), never run into a word.
_NUMBER = re.compile(
    r"(?<![\w/])(\d{1,5}/(?:\d{4}/)?[A-ZĐ][A-ZĐa-z0-9]*(?:-[A-ZĐ0-9]+)+(?:[a-z](?!\w))?)")
_DATE_WORDS = re.compile(
    r"ngày\s+(\d{1,2})\s+tháng\s+(\d{1,2})\s+năm\s+(\d{4})", re.IGNORECASE
)
_DATE_SLASH = re.compile(r"ngày\s+(\d{1,2})/(\d{1,2})/(\d{4})", re.IGNORECASE)
# The appendix line names the document it goes with: a decision, a plan, or a letter or an
# instruction whose task table stands in an appendix after the signature.
_ATTACHED = re.compile(
    r"\((?:Ban hành )?[Kk]èm theo (?:Quyết định|Kế hoạch|Chương trình|Nghị quyết|Công văn"
    r"|Chỉ thị|Thông báo|Hướng dẫn)[^)]*\)", re.S)
# The recipients' list closes the document's own text; a "Place, ngày ..." line after it
# (a portal's notice under the page) is not the document's date.
_RECIPIENTS = re.compile(r"^\W*Nơi nhận\b", re.M)
_OFFICE = re.compile(
    r"^(?:Bộ trưởng|Chủ tịch|Thủ tướng(?: Chính phủ)?|Giám đốc|Cục trưởng|Tổng Giám đốc|"
    r"Chủ nhiệm|Thống đốc|Tổng Kiểm toán|Trưởng ban|Viện trưởng)\s+"
)
_SIGNER_TITLES = re.compile(
    r"^(?:KT\.|TM\.|Q\.|TL\.|TUQ\.)?\s*(?:BỘ TRƯỞNG|THỨ TRƯỞNG|CHỦ TỊCH|PHÓ CHỦ TỊCH|THỦ TƯỚNG|"
    r"PHÓ THỦ TƯỚNG|GIÁM ĐỐC|PHÓ GIÁM ĐỐC|CỤC TRƯỞNG|PHÓ CỤC TRƯỞNG|THỐNG ĐỐC|TỔNG GIÁM ĐỐC|"
    r"CHỦ NHIỆM|ỦY BAN NHÂN DÂN|UBND)"
)
_PERSON = re.compile(r"^(?:[A-ZĐÂĂÊÔƠƯÁÀẢÃẠ][\wÀ-ỹ]*)(?:\s+[A-ZĐÂĂÊÔƠƯ][\wÀ-ỹ]*){1,4}$")


def read_metadata(paragraphs: Sequence[str]) -> PlanMeta:
    """The decision header found in the paragraphs; fields left None when absent or blank."""
    text = "\n".join(paragraphs)
    flat = join_lines(text.split("\n"))
    meta = PlanMeta()
    attached = _ATTACHED.search(flat)
    attached_text = attached.group(0) if attached else ""
    number_line = re.search(r"Số\s*:\s*([^\n]*)", text)
    for source in (attached_text, number_line.group(1) if number_line else ""):
        found = _NUMBER.search(source)
        if found:
            meta.number = found.group(1)
            break
    recipients = _RECIPIENTS.search(text)
    own_text = text[:recipients.start()] if recipients else text
    for source in (attached_text, _place_date(own_text)):
        found_date = _find_date(source)
        if found_date:
            meta.date = found_date.isoformat()
            break
    meta.issuer = _issuer(attached_text)
    header = _header_issuer(paragraphs)
    if header and (meta.issuer is None or header.casefold().startswith(meta.issuer.casefold())):
        # "(Kèm theo Kế hoạch ... của Ủy ban nhân dân tỉnh)" leaves out the province the
        # header names.
        meta.issuer = header
    meta.title = _title(paragraphs, flat)
    meta.signer = _signer(paragraphs)
    fill_from_box(meta, text)
    if meta.date is None and recipients:
        # No date of its own before the recipients, nor a portal's box: one printed later.
        found_date = _find_date(_place_date(text[recipients.start():]))
        meta.date = found_date.isoformat() if found_date else None
    if meta.title is None:
        meta.title = _subject_title(paragraphs, meta.number)
    meta.year = _year(meta, attached_text) or _most_named_year(flat)
    return meta


# The metadata box of legal-text portals, as the HTML reader writes it or as text copied
# from the page prints it ("Số hiệu:02-KH/BCĐTWNgày đăng công báo:..." on one line).
_BOX_LABELS = ("Số hiệu", "Số ký hiệu", "Ngày ban hành", "Người ký", "Cơ quan ban hành",
               "Nơi ban hành")
_BOX = re.compile(
    r"(?P<label>" + "|".join(_BOX_LABELS) + r")\s*:\s*(?P<value>.*?)\s*(?=(?:"
    + "|".join(_BOX_LABELS) + r"|Loại văn bản|Số công báo|Ngày đăng công báo|Ngày công báo|"
    r"Ngày hiệu lực|Ngày hết hiệu lực|Tình trạng(?: hiệu lực)?|Lĩnh vực|Áp dụng)\s*:|$)",
    re.M,
)


def _place_date(text: str) -> str:
    """The words of the first "Place, ngày ..." line of `text`, or ""."""
    # "Bắc Ninh, ngày 20" and "tháng 11 năm 2025" may stand on lines (cells) of their own.
    found = re.search(r"[A-ZĐ][^\n,]{1,30},\s*ngày", text)
    return " ".join(text[found.start():found.end() + 40].split()) if found else ""


_KIND_WORDS = ("Công văn", "Chỉ thị", "Quyết định", "Kế hoạch", "Chương trình", "Nghị quyết",
               "Thông báo", "Hướng dẫn")
_CAPITAL = "[A-ZĐÀÁẢÃẠĂẮẰẲẴẶÂẤẦẨẪẬÈÉẺẼẸÊẾỀỂỄỆÌÍỈĨỊÒÓỎÕỌÔỐỒỔỖỘƠỚỜỞỠỢÙÚỦŨỤƯỨỪỬỮỰỲÝỶỸỴ]"
_SUBJECT_LINE = re.compile(r"^\W*V/[Vv]\s*:?\s*(?P<subject>\S.*)$")


def _subject_title(paragraphs: Sequence[str], number: str | None) -> str | None:
    """A letter's title: its subject ("V/v ..." under the number), or the subject a legal
    portal's title line gives ("Công văn 12/UBND-VX năm 2025 tăng cường ... do Ủy ban nhân
    dân tỉnh X ban hành"), first letter capitalised; None when neither is printed."""
    for paragraph in paragraphs:
        found = _SUBJECT_LINE.match(" ".join(paragraph.split()))
        if found:
            subject = found.group("subject").strip(" .*_")
            return subject[:1].upper() + subject[1:] if subject else None
    if not number:
        return None
    portal = re.compile(
        rf"^(?P<kind>{'|'.join(_KIND_WORDS)})\s+{re.escape(number)}"
        r"(?:\s+năm\s+\d{4}|\s+ngày\s+\d{1,2}/\d{1,2}/\d{4})?\s+(?P<subject>\S.+?)"
        # The page may run its next line on ("... ban hành ## Văn bản liên quan").
        rf"\s+do\s+{_CAPITAL}\S*(?:\s+\S+){{0,12}}?\s+ban hành\b")
    for paragraph in paragraphs:
        found = portal.match(" ".join(paragraph.split()))
        if found:
            subject = found.group("subject")
            if found.group("kind") == "Công văn":
                return subject[:1].upper() + subject[1:]
            return f"{found.group('kind')} {subject}"
    return None


def fill_from_box(meta: PlanMeta, text: str) -> None:
    """Number, date, signer and issuer from a portal's metadata box, where the body lacks them."""
    box: dict[str, str] = {}
    for found in _BOX.finditer(text):
        box.setdefault(found.group("label"), found.group("value").strip(" .;"))
    number = box.get("Số hiệu") or box.get("Số ký hiệu") or ""
    if meta.number is None and re.fullmatch(r"\d{1,5}[-/][\wĐđ/.-]*[A-ZĐ][\wĐđ/.-]*", number):
        meta.number = number
    issued = re.fullmatch(r"(\d{1,2})/(\d{1,2})/(\d{4})", box.get("Ngày ban hành", ""))
    if meta.date is None and issued:
        day, month, year = (int(g) for g in issued.groups())
        with contextlib.suppress(ValueError):  # 31/02/2025: left blank
            meta.date = date(year, month, day).isoformat()
    signer = box.get("Người ký", "")
    if meta.signer is None and _PERSON.match(signer):
        meta.signer = signer
    issuer = box.get("Cơ quan ban hành") or box.get("Nơi ban hành") or ""
    if meta.issuer is None and issuer and not re.search(r"\d|cập nhật", issuer):
        meta.issuer = issuer


def _most_named_year(text: str) -> int | None:
    """The year the text names most often ("năm 2024"), for a plan without its header."""
    years = re.findall(r"\bnăm (20\d\d)\b", text)
    return int(max(set(years), key=years.count)) if years else None


def _find_date(text: str) -> date | None:
    for pattern in (_DATE_WORDS, _DATE_SLASH):
        found = pattern.search(text)
        if found:
            day, month, year = (int(g) for g in found.groups())
            try:
                return date(year, month, day)
            except ValueError:
                return None
    return None


def _issuer(attached: str) -> str | None:
    """The issuing body, from "(Kèm theo Quyết định ... của Bộ trưởng Bộ ...)"."""
    found = re.search(r"\bcủa\s+(.+?)\)?$", attached.strip())
    if not found:
        return None
    who = found.group(1).rstrip(")").strip()
    if who == "Thủ tướng Chính phủ":
        return who  # the Prime Minister's decision: the office is the issuer
    return _OFFICE.sub("", who).strip() or None


# The issuer block at the head of the page, in capitals, before the national motto.
_HEADER_ISSUER = re.compile(
    r"^(?:(?P<pm>THỦ TƯỚNG CHÍNH PHỦ)|(?P<gov>CHÍNH PHỦ)"
    r"|(?:(?:ỦY|UỶ|UY) BAN NHÂN DÂN|UBND) (?P<kind>TỈNH|THÀNH PHỐ) (?P<place>[A-ZĐÀ-Ỹ ]{2,30}))$"
)


def _header_issuer(paragraphs: Sequence[str]) -> str | None:
    """The issuer the header block prints ("ỦY BAN NHÂN DÂN" / "TỈNH LAI CHÂU"), in the
    case the body writes it ("Ủy ban nhân dân tỉnh Lai Châu"), for a government, the Prime
    Minister or a province's people's committee; else None."""
    lines: list[str] = []
    for paragraph in paragraphs[:12]:
        for line in paragraph.split("\n"):
            line = line.strip().strip("*_|").strip()
            if re.match(r"^(?:CỘNG HÒA|CỘNG HOÀ|-{3,}|Số\b)", line):
                break
            if line:
                lines.append(line)
        else:
            continue
        break
    found = _HEADER_ISSUER.match(" ".join(" ".join(lines).split()))
    if not found:
        return None
    if found["pm"]:
        return "Thủ tướng Chính phủ"
    if found["gov"]:
        return "Chính phủ"
    place = " ".join(word.capitalize() for word in found["place"].split())
    kind = found["kind"].lower()
    # "Thành phố Hồ Chí Minh" or "thành phố Cần Thơ": as the body writes it.
    flat = " ".join("\n".join(paragraphs).split())
    printed = next((m.group(1) for m in re.finditer(rf"\b({kind}) {re.escape(place)}\b", flat,
                                                   re.IGNORECASE) if not m.group(1).isupper()),
                   kind)
    return f"Ủy ban nhân dân {printed} {place}"


def _title(paragraphs: Sequence[str], flat: str) -> str | None:
    """The plan's title: what Điều 1 approves or issues, else the appendix heading."""
    article = re.search(r"Điều 1\.\s*(.+?)(?:\s+\(sau đây|\s+với chi tiết|\.\s|\.$)", flat)
    if article:
        found = re.search(r"(Kế hoạch\b.*)", article.group(1))
        if found:
            return found.group(1).strip()
    for index, paragraph in enumerate(paragraphs):
        if paragraph.strip().upper() == "PHỤ LỤC" and index + 1 < len(paragraphs):
            following = []
            for part in paragraphs[index + 1:index + 6]:
                if part.strip().startswith("("):
                    break
                following.append(part)
            heading = join_lines("\n".join(following).split("\n"))
            heading = re.split(r"\s*\((?:Ban hành )?[Kk]èm theo", heading)[0]
            if heading and not heading.isupper():
                return heading.strip()
    return _capitals_title(paragraphs)


_KINDS = {"KẾ HOẠCH": "Kế hoạch", "ĐỀ ÁN": "Đề án", "CHƯƠNG TRÌNH": "Chương trình"}


def _capitals_title(paragraphs: Sequence[str]) -> str | None:
    """"KẾ HOẠCH" over its subject in capitals ("NÂNG CAO NĂNG LỰC ..."), in the case the
    body writes those words ("Kế hoạch nâng cao năng lực ..."); None when the body does not
    write them."""
    for index, paragraph in enumerate(paragraphs[:-1]):
        kind = _KINDS.get(" ".join(paragraph.split()).strip("*_ "))
        subject = " ".join(paragraphs[index + 1].split()).strip("*_ ")
        letters = [c for c in subject if c.isalpha()]
        if not kind or len(letters) < 10 or not subject.isupper() or len(subject.split()) > 80:
            continue
        # The kind's words too, so that the first words take the case they have after it.
        body = "\n".join(" ".join(p.split()) for p in paragraphs)  # one line a paragraph
        cased = _as_the_body_writes([*kind.upper().split(), *subject.split()], body)
        return f"{kind}{cased[len(kind):]}" if cased else None
    return None


_SENTENCE_START = re.compile(r"(?:^|[.:;!?\n]\s*|\(\s*)$")


def _as_the_body_writes(words: list[str], body: str) -> str | None:
    """`words` (in capitals) cased as the longest runs of them the body prints; None when
    half of them are not found in the body at all."""
    out: list[str] = []
    index, found = 0, 0
    while index < len(words):
        for end in range(len(words), index, -1):
            run = r"\s+".join(re.escape(w) for w in words[index:end])
            matches = [m for m in re.finditer(rf"(?<!\w){run}(?!\w)", body, re.IGNORECASE)
                       if not m.group().isupper()]
            # A run printed at a sentence's start has its first capital from there.
            inside = [m for m in matches if not _SENTENCE_START.search(body[:m.start()])]
            if matches:
                text = " ".join((inside or matches)[0].group().split())
                if not inside and out:
                    text = text[:1].lower() + text[1:]
                out.append(text)
                found += end - index
                index = end
                break
        else:
            out.append(words[index].lower())
            index += 1
    return " ".join(out) if found * 2 >= len(words) else None


def _signer(paragraphs: Sequence[str]) -> str | None:
    """The signer's name: the first person-like line after the signature titles."""
    lines = [line.strip() for p in paragraphs for line in p.split("\n")]
    for index, line in enumerate(lines):
        if _SIGNER_TITLES.match(line) and line.upper() == line:
            for candidate in lines[index + 1:index + 12]:
                if not candidate or candidate.upper() == candidate:
                    continue
                if _PERSON.match(candidate):
                    return candidate
                break
    return None


def _year(meta: PlanMeta, attached: str) -> int | None:
    if meta.date:
        return int(meta.date[:4])
    found = re.search(r"/(20\d\d)\b", attached)
    if found:
        return int(found.group(1))
    if meta.title:
        found = re.search(r"năm (20\d\d)", meta.title)
        if found:
            return int(found.group(1))
    return None
