"""The Excel import page and its template workbook: thin views over importing.household_import."""

from django import forms
from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.exceptions import PermissionDenied
from django.http import HttpResponse
from django.shortcuts import redirect, render
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy
from django.views.decorators.cache import never_cache

from hungbinh.accounts.roles import can_manage_ward

from . import importing, selectors
from .importing.template import template_workbook

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


@never_cache
@login_required
def household_import_template(request):
    _require_importer(request.user)
    response = HttpResponse(template_workbook(), content_type=XLSX_CONTENT_TYPE)
    response["Content-Disposition"] = 'attachment; filename="mau-nhap-ho-gia-dinh.xlsx"'
    return response
