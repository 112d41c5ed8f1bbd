"""The Excel import page and its template workbook: thin views over importing.household_import."""

from io import BytesIO

from django import forms
from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.exceptions import PermissionDenied
from django.http import HttpResponse
from django.shortcuts import redirect, render
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy
from django.views.decorators.cache import never_cache
from openpyxl import Workbook
from openpyxl.styles import Alignment, Font

from hungbinh.accounts.roles import can_manage_ward

from . import importing, selectors

MAX_UPLOAD_BYTES = 20 * 1024 * 1024
XLSX_CONTENT_TYPE = "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet"


class ImportForm(forms.Form):
    ward = forms.ModelChoiceField(queryset=None, label=gettext_lazy("Ward"), empty_label=None)
    file = forms.FileField(
        label=gettext_lazy("Excel file (.xlsx)"),
        help_text=gettext_lazy("Sheets “Hộ” and “Thành viên” as in the template."),
        widget=forms.ClearableFileInput(attrs={"accept": ".xlsx"}),
    )

    def __init__(self, *args, wards, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["ward"].queryset = wards

    def clean_file(self):
        upload = self.cleaned_data["file"]
        if upload.size > MAX_UPLOAD_BYTES:
            raise forms.ValidationError(
                _("The file is %(size)s MB; split the list into files of at most %(max)s MB.")
                % {"size": round(upload.size / 1024 / 1024, 1), "max": MAX_UPLOAD_BYTES // 1024 // 1024}
            )
        return upload


def _require_importer(user):
    if not can_manage_ward(user):
        raise PermissionDenied(_("Only the ward's staff may import household lists."))


@never_cache
@login_required
def household_import(request):
    _require_importer(request.user)
    wards = selectors.ward_list(user=request.user)
    form = ImportForm(request.POST or None, request.FILES or None, wards=wards, initial={"ward": wards.first()})
    result, dry_run = None, request.POST.get("action") != "import"
    if request.method == "POST" and form.is_valid():
        result = importing.household_import(
            by=request.user, ward=form.cleaned_data["ward"], file=form.cleaned_data["file"], dry_run=dry_run
        )
        counts = {
            "created": result.created,
            "updated": result.updated,
            "members_created": result.members_created,
            "members_updated": result.members_updated,
        }
        if result.ok and not dry_run:
            messages.success(
                request,
                _(
                    "Import finished: %(created)s households added and %(updated)s updated; "
                    "%(members_created)s members added and %(members_updated)s updated."
                )
                % counts,
            )
            return redirect("household-import")
        if result.ok:
            messages.info(
                request,
                _(
                    "No problems found. Importing this file will add %(created)s households and update "
                    "%(updated)s; add %(members_created)s members and update %(members_updated)s. "
                    "Choose the file again and press “Import” to write it."
                )
                % counts,
            )
    return render(
        request,
        "households/import.html",
        {"form": form, "result": result, "dry_run": dry_run, "show_ward": wards.count() > 1},
    )


# --- The template workbook --------------------------------------------------------

EXAMPLE_HOUSEHOLD = {
    importing.COL_NO: 1,
    importing.COL_CODE: "HB-K1-001",
    importing.COL_KHOI: "Khối 1",
    importing.COL_HEAD: "Nguyễn Văn An",
    importing.COL_ADDRESS: "Số 12, ngõ 5, đường Lê Lợi",
    importing.COL_STATUS: "Hộ cận nghèo",
    importing.COL_RECOGNISED: "15/12/2024",
    importing.COL_DECISION: "1234/QĐ-UBND",
    importing.COL_ETHNIC: "",
    importing.COL_MERIT: "x",
}
EXAMPLE_MEMBERS = (
    {
        importing.COL_CODE: "HB-K1-001",
        importing.COL_NAME: "Nguyễn Văn An",
        importing.COL_BIRTH: "02/03/1975",
        importing.COL_GENDER: "Nam",
        importing.COL_RELATION: "Chủ hộ",
        importing.COL_ID: "040075001234",
        importing.COL_ETHNICITY: "Kinh",
        importing.COL_DISABLED: "",
    },
    {
        importing.COL_CODE: "HB-K1-001",
        importing.COL_NAME: "Trần Thị Bình",
        importing.COL_BIRTH: "20/11/1978",
        importing.COL_GENDER: "Nữ",
        importing.COL_RELATION: "Vợ",
        importing.COL_ID: "",
        importing.COL_ETHNICITY: "Kinh",
        importing.COL_DISABLED: "x",
    },
)


def template_workbook() -> bytes:
    workbook = Workbook()
    bold = Font(bold=True)
    households = workbook.active
    households.title = importing.HOUSEHOLD_SHEET
    members = workbook.create_sheet(importing.MEMBER_SHEET)
    note = _("Delete the example rows below the header and list your households from the next row on.")
    for sheet, columns, rows in (
        (households, importing.HOUSEHOLD_COLUMNS, (EXAMPLE_HOUSEHOLD,)),
        (members, importing.MEMBER_COLUMNS, EXAMPLE_MEMBERS),
    ):
        sheet.append([note])
        sheet.append(list(columns))
        for cell in sheet[2]:
            cell.font = bold
        for row in rows:
            sheet.append([row[column] for column in columns])
        for index, column in enumerate(columns, start=1):
            sheet.column_dimensions[sheet.cell(row=2, column=index).column_letter].width = max(12, len(column) + 6)
        sheet.freeze_panes = "A3"
    guide = workbook.create_sheet(_("Guide"))
    guide.column_dimensions["A"].width = 110
    for line in _guide_lines():
        guide.append([line])
    for cell in guide["A"]:
        cell.alignment = Alignment(wrap_text=True, vertical="top")
    guide["A1"].font = bold
    stream = BytesIO()
    workbook.save(stream)
    return stream.getvalue()


def _guide_lines() -> list[str]:
    statuses = ", ".join([*importing.STATUS_LABELS.values(), importing.ESCAPED_LABEL])
    return [
        _("How to fill in the household list"),
        _(
            "Sheet “Hộ”: one row per household. “Mã hộ” (the household code) is the key: a code already in the ward's "
            "registry updates that household, a new code adds one. Importing the same file again changes nothing."
        ),
        _("“Khối”: the khối's name as the ward names it, for example “Khối 1”."),
        _(
            "“Phân loại”: one of %(statuses)s. “Hộ mới thoát nghèo” means not poor, having escaped poverty on "
            "“Ngày công nhận”."
        )
        % {"statuses": statuses},
        _(
            "“Ngày công nhận”: the date of the recognition decision, written dd/mm/yyyy or as an Excel date. It is "
            "needed for a new household and when the classification changes; “Số quyết định” is its number."
        ),
        _("Yes/no columns (“Hộ DTTS”, “Có người có công”, “Khuyết tật”): x, “có” or 1 for yes; leave empty for no."),
        _(
            "Sheet “Thành viên”: one row per person, with the “Mã hộ” of their household. A person is recognised by "
            "their ID number, or else by name and birth date, so people are never added twice."
        ),
        _(
            "“Số CCCD”: 12 digits, agreeing with the birth year and gender. An empty cell keeps what the registry "
            "holds; people missing from the file are not removed."
        ),
        _(
            "Nothing is written while any problem remains: press “Check” first to see every problem with its sheet, "
            "row and column."
        ),
    ]


@never_cache
@login_required
def household_import_template(request):
    _require_importer(request.user)
    response = HttpResponse(template_workbook(), content_type=XLSX_CONTENT_TYPE)
    response["Content-Disposition"] = 'attachment; filename="mau-nhap-ho-gia-dinh.xlsx"'
    return response
