"""Forms of the pages: they validate input; the services decide."""

from __future__ import annotations

from datetime import date
from typing import Any

from django import forms
from django.contrib.auth.forms import AuthenticationForm
from django.forms.utils import flatatt
from django.utils.html import conditional_escape, escape, format_html
from django.utils.safestring import mark_safe
from django.utils.translation import gettext
from django.utils.translation import gettext_lazy as _

from theodoi import glossary
from theodoi.tracking import access, evidence
from theodoi.tracking import status as engine
from theodoi.tracking.models import Assignment, Plan, Target
from theodoi.web.agency_picker import AgencyField
from theodoi.web.labels import PROGRESS_LABELS, REPORT_STATUS_LABELS, STATUS_LABELS

UPLOAD_LIMIT_FILES = 10


# A search is a few words of a task's name; each word is one more condition in the query,
# and a thousand of them made SQLite refuse the query (a 500).
SEARCH_MAX_LENGTH = 200
SEARCH_MAX_WORDS = 12


def search_problem(text: str) -> str | None:
    """A one-line Vietnamese refusal when the search `text` is too long, else None."""
    if len(text) > SEARCH_MAX_LENGTH or len(text.split()) > SEARCH_MAX_WORDS:
        return str(_("Từ khóa quá dài: tối đa %(words)d từ và %(chars)d ký tự.")
                   % {"words": SEARCH_MAX_WORDS, "chars": SEARCH_MAX_LENGTH})
    return None


def date_widget() -> forms.DateInput:
    """A date typed as documents print it (30/04/2025); the browser's date picker would show
    the browser's format instead."""
    return forms.DateInput(attrs={"placeholder": "dd/mm/yyyy", "size": 10}, format="%d/%m/%Y")


class PlainSelect(forms.Select):
    """A `<select>` written in one pass: Django renders a template per option, 15 ms for the
    search form's 245 plans, a third of the page's Python."""

    def render(self, name: str, value: Any, attrs: dict[str, Any] | None = None,
               renderer: Any = None) -> str:
        wanted = {str(v) for v in self.format_value(value)}
        final = self.build_attrs(self.attrs, attrs)
        rows, chosen = [], False
        for option, label in self.choices:
            option = "" if option is None else str(option)
            selected = not chosen and option in wanted
            chosen |= selected
            rows.append(f'<option value="{escape(option)}"{" selected" if selected else ""}>'
                        f'{conditional_escape(label)}</option>')
        # The name first, as Django's own template writes it (flatatt sorts the others).
        return format_html('<select name="{}"{}>{}</select>', name, flatatt(final),
                           mark_safe("".join(rows)))  # noqa: S308 - escaped above


class MultipleFileInput(forms.ClearableFileInput):
    allow_multiple_selected = True


class MultipleFileField(forms.FileField):
    """Several files in one field (Django's documented recipe)."""

    def __init__(self, *args: Any, **kwargs: Any):
        kwargs.setdefault("widget", MultipleFileInput())
        super().__init__(*args, **kwargs)

    def clean(self, data: Any, initial: Any = None) -> list[Any]:
        single = super().clean
        if isinstance(data, list | tuple):
            return [single(d, initial) for d in data]
        return [single(data, initial)] if data else []


class LoginForm(AuthenticationForm):
    error_messages = {  # noqa: RUF012 - Django's own pattern
        "invalid_login": _("Tên đăng nhập hoặc mật khẩu không đúng."),
        "inactive": _("Tài khoản này đã bị khóa."),
    }


class UploadForm(forms.Form):
    files = MultipleFileField(
        label=_("Tệp quyết định (PDF, DOCX, văn bản)"),
        help_text=_("Có thể chọn nhiều tệp là các bản của cùng một quyết định."),
        allow_empty_file=True,  # the reader says why an empty file is no decision
    )

    def clean_files(self) -> list[Any]:
        files = self.cleaned_data["files"]
        if not files:
            raise forms.ValidationError(_("Hãy chọn ít nhất một tệp."))
        if len(files) > UPLOAD_LIMIT_FILES:
            raise forms.ValidationError(_("Tối đa %(n)d tệp một lần.") % {"n": UPLOAD_LIMIT_FILES})
        return files


def period_choices(assignment: Assignment, on: date, count: int = 6) -> list[tuple[str, str]]:
    """The current period of a recurring task and the few before it."""
    every = assignment.task.deadline_rule().period
    if every is None:
        return []
    start = assignment.task.deadline_rule().start or assignment.task.plan.reference_date()
    periods = engine.periods_between(min(start, on), on, every)
    keys = [key for key, _first, _last in periods][-count:][::-1] or [engine.period_key(on, every)]
    # The key is what is stored; people read "Quý III/2026", not "2026-Q3".
    return [(k, glossary.period_label(k, gettext)) for k in keys]


class ReportForm(forms.Form):
    status = forms.ChoiceField(label=_(glossary.PROGRESS_HEADER),
                               choices=list(REPORT_STATUS_LABELS.items()))
    percent = forms.IntegerField(label=_("Tỷ lệ hoàn thành (%)"), min_value=0, max_value=100,
                                 required=False)
    text = forms.CharField(label=_("Nội dung báo cáo"), widget=forms.Textarea(attrs={"rows": 5}),
                           required=False)
    links = forms.CharField(
        label=_("Đường dẫn minh chứng"), required=False,
        widget=forms.Textarea(attrs={"rows": 2, "placeholder": "https://..."}),
        help_text=_("Mỗi dòng một đường dẫn, bắt đầu bằng http:// hoặc https://"),
    )
    files = MultipleFileField(label=_("Tệp minh chứng"), required=False)
    period = forms.ChoiceField(label=_("Kỳ báo cáo"), required=False)
    target = forms.ModelChoiceField(label=_("Chỉ tiêu"), queryset=Target.objects.none(),
                                    required=False)
    target_value = forms.DecimalField(label=_("Giá trị đạt được"), required=False,
                                      max_digits=20, decimal_places=4)

    def __init__(self, *args: Any, assignment: Assignment, on: date, **kwargs: Any):
        super().__init__(*args, **kwargs)
        choices = period_choices(assignment, on)
        if choices:
            self.fields["period"].choices = choices
            self.fields["period"].required = True
        else:
            del self.fields["period"]
        # Shown here, enforced by `services.submit_report` (the one check, for the API too).
        self.fields["files"].help_text = evidence.help_text()
        self.fields["files"].widget.attrs["accept"] = evidence.ACCEPT
        targets = Target.objects.filter(plan_id=assignment.task.plan_id)
        self.fields["target"].queryset = targets
        self.fields["target"].label_from_instance = lambda t: t.text[:120]
        if not targets.exists():
            del self.fields["target"]
            del self.fields["target_value"]

    def clean_links(self) -> list[str]:
        links = [x.strip() for x in self.cleaned_data["links"].splitlines() if x.strip()]
        for link in links:
            if not link.startswith(("http://", "https://")):
                raise forms.ValidationError(
                    _("Đường dẫn phải bắt đầu bằng http:// hoặc https://: %(link)s")
                    % {"link": link})
        return links

    def clean(self) -> dict[str, Any]:
        data = super().clean()
        if data.get("target_value") is not None and not data.get("target"):
            self.add_error("target", _("Chọn chỉ tiêu mà giá trị này đo."))
        return data


class ReviewForm(forms.Form):
    decision = forms.ChoiceField(choices=[("accept", _("Chấp nhận")), ("return", _("Trả lại"))])
    reason = forms.CharField(label=_("Lý do trả lại"), required=False,
                             widget=forms.Textarea(attrs={"rows": 2}))

    def clean(self) -> dict[str, Any]:
        data = super().clean()
        if data.get("decision") == "return" and not data.get("reason", "").strip():
            self.add_error("reason", _("Hãy ghi lý do để đơn vị biết cần sửa gì."))
        return data


class TaskDateForm(forms.Form):
    on = forms.DateField(label=_("Hạn do điều phối đặt"), required=False,
                         widget=date_widget())
    reason = forms.CharField(label=_("Lý do"), required=False)


class CellsForm(forms.Form):
    name = forms.CharField(label=_("Nhiệm vụ"), widget=forms.Textarea(attrs={"rows": 3}),
                           required=False)
    detail = forms.CharField(label=_("Nội dung chi tiết"), required=False,
                             widget=forms.Textarea(attrs={"rows": 3}))
    result = forms.CharField(label=_("Kết quả, sản phẩm"), required=False,
                             widget=forms.Textarea(attrs={"rows": 2}))
    deadline = forms.CharField(label=_("Thời gian hoàn thành"), required=False)
    lead = forms.CharField(label=_("Cơ quan chủ trì (mỗi dòng một cơ quan)"), required=False,
                           widget=forms.Textarea(attrs={"rows": 2}))
    partners = forms.CharField(label=_("Cơ quan phối hợp (mỗi dòng một cơ quan)"),
                               required=False, widget=forms.Textarea(attrs={"rows": 2}))

    def clean_lead(self) -> list[str]:
        return [x.strip() for x in self.cleaned_data["lead"].splitlines() if x.strip()]

    def clean_partners(self) -> list[str]:
        return [x.strip() for x in self.cleaned_data["partners"].splitlines() if x.strip()]


class ChooseAgenciesForm(forms.Form):
    printed_name = forms.CharField(widget=forms.HiddenInput)
    agencies = forms.CharField(
        label=_("Cơ quan thực hiện"),
        help_text=_("Tên cơ quan theo danh mục; nhiều cơ quan thì ngăn cách bằng dấu chấm phẩy."),
    )


class AddUnitForm(forms.Form):
    """A unit the registry lacks, added under its parent by a coordinator."""

    printed_name = forms.CharField(widget=forms.HiddenInput)
    name = forms.CharField(label=_("Tên đơn vị"), max_length=300)
    parent = forms.CharField(label=_("Thuộc cơ quan"), max_length=300,
                             help_text=_("Tên cơ quan cấp trên theo danh mục."))
    kind = forms.ChoiceField(label=_("Loại"), choices=[
        ("unit", _("Đơn vị thuộc bộ, ngành")),
        ("province_unit", _("Cơ quan chuyên môn thuộc UBND tỉnh")),
        ("commune", _("Xã, phường, đặc khu")),
        ("other_body", _("Cơ quan, tổ chức khác")),
    ])
    reason = forms.CharField(label=_("Lý do"), max_length=500)
    source = forms.CharField(label=_("Căn cứ pháp lý"), max_length=500, required=False)


class SearchForm(forms.Form):
    q = forms.CharField(label=_("Từ khóa"), required=False)

    def clean_q(self) -> str:
        problem = search_problem(self.cleaned_data["q"])
        if problem:
            raise forms.ValidationError(problem)
        return self.cleaned_data["q"]
    plan = forms.ModelChoiceField(label=_("Kế hoạch"), queryset=Plan.objects.none(),
                                  required=False, empty_label=_("Tất cả"), widget=PlainSelect)
    # Typed, not chosen from every agency of the country (agency_picker).
    agency = AgencyField(label=_("Cơ quan"))
    role = forms.ChoiceField(label=_("Vai trò"), required=False,
                             choices=[("", _("Chủ trì hoặc phối hợp")),
                                      ("lead", _("Chủ trì")), ("partner", _("Phối hợp"))])
    section = forms.CharField(label=_(glossary.SECTION), required=False)
    status = forms.ChoiceField(label=_("Tình trạng"), required=False,
                               choices=[("", _("Tất cả")), *STATUS_LABELS.items()])
    progress = forms.ChoiceField(label=_("Tiến độ"), required=False,
                                 choices=[("", _("Tất cả")), *PROGRESS_LABELS.items()])
    kind = forms.ChoiceField(label=_("Loại thời hạn"), required=False, choices=[
        ("", _("Tất cả")), ("dated", _("Có hạn cụ thể")),
        ("periodic", _("Định kỳ, thường xuyên")), ("waiting", _("Chờ xác định hạn")),
        ("none", _("Không ghi hạn")),
    ])
    due_from = forms.DateField(label=_("Hạn từ ngày"), required=False,
                               widget=date_widget())
    due_to = forms.DateField(label=_("đến ngày"), required=False,
                             widget=date_widget())

    def __init__(self, *args: Any, user: Any, **kwargs: Any):
        super().__init__(*args, **kwargs)
        plans = access.visible_plans(user)
        self.fields["plan"].queryset = plans
        self.fields["plan"].label_from_instance = lambda p: (
            f"{p.number} — {p.title}"[:110] if p.number else (p.title or str(p))[:110])
