"""The Excel import page and its template workbook: thin views over importing.household_import."""

from django import forms
from django.conf import settings
from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.exceptions import PermissionDenied
from django.http import Http404, HttpResponse
from django.shortcuts import redirect, render
from django.template.defaultfilters import filesizeformat
from django.utils import timezone
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy
from django.views.decorators.cache import never_cache

from hungbinh.accounts.roles import can_manage_ward
from hungbinh.forms import FileInput
from hungbinh.workbooks import XLSX_CONTENT_TYPE

from . import importing, selectors
from .importing import runs
from .importing.limits import MAX_UPLOAD_BYTES
from .importing.pending import PENDING_MINUTES, TOKEN, pending_discard, pending_keep, pending_open
from .importing.template import template_workbook


class ImportForm(forms.Form):
    ward = forms.ModelChoiceField(queryset=None, label=gettext_lazy("Ward"), empty_label=None)
    file = forms.FileField(
        label=gettext_lazy("Excel file (.xlsx)"),
        help_text=gettext_lazy("Sheets “Hộ” and “Thành viên” as in the template."),
        widget=FileInput(attrs={"accept": ".xlsx"}),
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


class PendingImportForm(forms.Form):
    """“Import this file”: the file checked a moment ago, named by its token (importing.pending)."""

    ward = forms.ModelChoiceField(queryset=None, widget=forms.HiddenInput)
    pending = forms.RegexField(regex=TOKEN, widget=forms.HiddenInput)
    # The file's name as the user chose it, for the import run (a message names it if the import is interrupted).
    name = forms.CharField(max_length=200, required=False, widget=forms.HiddenInput)

    def __init__(self, *args, wards, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["ward"].queryset = wards


def _counts(result) -> dict[str, int]:
    return {
        "created": result.created,
        "updated": result.updated,
        "members_created": result.members_created,
        "members_updated": result.members_updated,
    }


@never_cache
@login_required
def household_import(request):
    """Check a file (“Check”, or “Import” without a check: both show what it changes and ask to confirm),
    then write the file kept from that check (“Import this file”)."""
    _require_importer(request.user)
    wards = selectors.ward_list(user=request.user)
    action = request.POST.get("action")
    if request.method == "POST" and action == "import_pending":
        return _import_pending(request, wards)
    form = ImportForm(request.POST or None, request.FILES or None, wards=wards, initial={"ward": wards.first()})
    context = {"form": form, "result": None, "show_ward": wards.count() > 1, "job_size": _job_size()}
    if request.method != "POST" or not form.is_valid():
        # An import into these wards whose process died is taken back when the page is opened, too, if small:
        # a page open stays quick; a larger one waits for the ward's next check or import (and is said so).
        runs.recover(wards=wards, most_batches=runs.PAGE_BATCHES)
        _tell_interrupted(request)
        for text in runs.waiting_for(request.user, wards=wards):
            messages.info(request, text)
        return render(request, "households/import.html", context)
    ward, upload = form.cleaned_data["ward"], form.cleaned_data["file"]
    if upload.size > settings.IMPORT_JOB_BYTES:
        return _start_import_job(request, ward=ward, upload=upload, dry_run=action != "import")
    result = importing.household_import(by=request.user, ward=ward, file=upload, dry_run=True)
    _tell_interrupted(request)
    context["result"] = result
    if result.ok:
        token = pending_keep(user=request.user, file=upload, now=timezone.now())
        context.update(
            pending=PendingImportForm(initial={"ward": ward.pk, "pending": token, "name": upload.name}, wards=wards),
            pending_name=upload.name,
            pending_minutes=PENDING_MINUTES,
            unchecked=action == "import",
            counts=_counts(result),
        )
    return render(request, "households/import.html", context)


def _tell_interrupted(request) -> None:
    """The user's imports that were interrupted and taken back since they last looked: each said once."""
    for text in runs.notices_for(request.user):
        messages.warning(request, text)


def _job_size() -> str:
    """IMPORT_JOB_BYTES as people say it (1 MB, 500 KB)."""
    return filesizeformat(settings.IMPORT_JOB_BYTES)


def _start_import_job(request, *, ward, upload, dry_run: bool):
    """A large file is checked or imported by the job runner; its page follows it and offers the report.

    “Import” writes at once when the file has no problem (all or nothing, as always): the report lists
    what was added and changed, or every problem when nothing was written.
    """
    from reports import services as job_services
    from reports.job_kinds import HOUSEHOLD_IMPORT

    job = job_services.job_create(
        user=request.user,
        kind=HOUSEHOLD_IMPORT,
        params={"ward_id": ward.pk, "dry_run": dry_run, "file_name": upload.name[:200]},
        path=request.path,
        input_file=upload,
    )
    return redirect("report-job", pk=job.pk)


def _import_pending(request, wards):
    pending = PendingImportForm(request.POST, wards=wards)
    form = ImportForm(wards=wards, initial={"ward": wards.first()})
    context = {"form": form, "result": None, "show_ward": wards.count() > 1, "job_size": _job_size()}
    if not pending.is_valid():
        if "ward" in pending.errors:
            raise Http404  # another ward is not there for this user
        messages.error(request, _("The checked file was not found. Choose the file again and check it."))
        return render(request, "households/import.html", context)
    token = pending.cleaned_data["pending"]
    file = pending_open(user=request.user, token=token, now=timezone.now())
    if file is None:
        messages.error(
            request,
            _(
                "A checked file is kept for %(minutes)s minutes; this one is no longer kept. "
                "Choose it again and check it."
            )
            % {"minutes": PENDING_MINUTES},
        )
        return render(request, "households/import.html", context)
    try:
        result = importing.household_import(
            by=request.user,
            ward=pending.cleaned_data["ward"],
            file=file,
            dry_run=False,
            file_name=pending.cleaned_data["name"],
        )
    finally:
        file.close()
    pending_discard(user=request.user, token=token)
    _tell_interrupted(request)
    if result.ok:
        messages.success(
            request,
            _(
                "Import finished: %(created)s households added and %(updated)s updated; "
                "%(members_created)s members added and %(members_updated)s updated."
            )
            % _counts(result),
        )
        return redirect("household-import")
    context["result"] = result
    return render(request, "households/import.html", context)


@never_cache
@login_required
def household_import_template(request):
    _require_importer(request.user)
    khoi_names = selectors.khoi_names(user=request.user)
    response = HttpResponse(template_workbook(khoi_names=khoi_names), content_type=XLSX_CONTENT_TYPE)
    response["Content-Disposition"] = 'attachment; filename="mau-nhap-ho-gia-dinh.xlsx"'
    return response
