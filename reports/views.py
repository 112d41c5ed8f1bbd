"""Downloads: the report URLs the README lists; their paths are relied on by scripts."""

import tempfile

from django.contrib.auth.decorators import login_required
from django.core.exceptions import PermissionDenied
from django.http import FileResponse, Http404, HttpResponseBadRequest
from django.utils import timezone
from django.utils.translation import gettext as _
from django.views.decorators.cache import never_cache
from django.views.decorators.http import require_GET

from households import personal_data, selectors
from households.exporting import write_households_xlsx
from households.filters import HouseholdFilter
from hungbinh.accounts.roles import role_of

XLSX_CONTENT_TYPE = "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet"


def _require_filter_scope(user, filterset: HouseholdFilter) -> None:
    """A ward or khối named in the filters that the user may not see is a 404, not an empty list."""
    data = filterset.form.cleaned_data
    if data.get("ward") is not None and not selectors.ward_list(user=user).filter(pk=data["ward"]).exists():
        raise Http404(_("No such ward."))
    if data.get("khoi") is not None and not selectors.khoi_list(user=user).filter(pk=data["khoi"]).exists():
        raise Http404(_("No such khối."))


REVEAL_WORDS = frozenset({"1", "true"})


@never_cache
@login_required
@require_GET
def households_xlsx(request):
    """The household list with the API's filters, in the import workbook format.

    ID numbers are masked unless the user asks for them (`show_ids=1`) and may
    see them; every export is logged (docs/personal-data.md).
    """
    user = request.user
    if role_of(user) is None:
        raise PermissionDenied(_("Your account has no role yet; ask the administrator to set it."))
    filterset = HouseholdFilter(request.GET, queryset=selectors.household_list(user=user))
    if not filterset.is_valid():
        return HttpResponseBadRequest(
            _("The filters are not valid: %(errors)s") % {"errors": filterset.errors.as_text()},
            content_type="text/plain; charset=utf-8",
        )
    _require_filter_scope(user, filterset)
    reveal = request.GET.get("show_ids", "").lower() in REVEAL_WORDS
    if reveal and not personal_data.may_reveal_id_numbers(user):
        raise PermissionDenied(_("Your role may not export full ID numbers; export without show_ids."))
    disclosure = personal_data.disclosure_for(user, reveal_ids=reveal)
    # The workbook is built in a temporary file, not in memory, then streamed.
    output = tempfile.TemporaryFile(suffix=".xlsx")  # noqa: SIM115 - FileResponse closes it
    try:
        summary = write_households_xlsx(households=filterset.qs, output=output, disclosure=disclosure)
    except BaseException:
        output.close()
        raise
    personal_data.log_access(
        user=user,
        channel=personal_data.Channel.EXPORT,
        path=request.get_full_path(),
        household_ids=summary.household_ids,
        member_count=summary.member_count,
        id_numbers_shown=disclosure.reveal_ids,
    )
    output.seek(0)
    filename = f"ho-gia-dinh-{timezone.localdate():%Y-%m-%d}.xlsx"
    return FileResponse(output, as_attachment=True, filename=filename, content_type=XLSX_CONTENT_TYPE)
