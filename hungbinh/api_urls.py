from django.conf import settings
from django.contrib.auth.decorators import login_required
from django.urls import include, path
from django.utils import translation
from drf_spectacular.views import SpectacularAPIView, SpectacularSwaggerSplitView
from rest_framework.routers import DefaultRouter

from assignments import api as assignments_api
from households import api as households_api
from hungbinh.accounts.api_views import ObtainTokenView
from projects import api as projects_api
from reports import api as reports_api
from reviews import api as reviews_api

_swagger = SpectacularSwaggerSplitView.as_view(url_name="api-schema", template_name="api/docs.html")


def api_docs(request, *args, **kwargs):
    """Swagger UI in the language of the page that linked it (`?lang=en`, added by the menu on an English page).

    The API lives outside the language prefixes, so without it an English user reached a Vietnamese page whose
    way back led to the Vietnamese app.
    """
    lang = request.GET.get("lang")
    if lang in dict(settings.LANGUAGES):
        translation.activate(lang)  # kept for the template's rendering, after this function returns
        request.LANGUAGE_CODE = lang
    return _swagger(request, *args, **kwargs)


router = DefaultRouter()
router.register("wards", households_api.WardViewSet, basename="ward")
router.register("khoi", households_api.KhoiViewSet, basename="khoi")
router.register("households", households_api.HouseholdViewSet, basename="household")
router.register("members", households_api.MemberViewSet, basename="member")
router.register("standards", reviews_api.StandardViewSet, basename="standard")
router.register("campaigns", reviews_api.CampaignViewSet, basename="campaign")
router.register("reviews", reviews_api.ReviewViewSet, basename="review")
router.register("meetings", reviews_api.MeetingViewSet, basename="meeting")
router.register("postings", reviews_api.PostingViewSet, basename="posting")
router.register("decisions", reviews_api.DecisionViewSet, basename="decision")
router.register("movements", reviews_api.MovementViewSet, basename="movement")
# The program (docs/program.md section 5).
router.register("programs", projects_api.ProgramViewSet, basename="program")
router.register("subprojects", projects_api.SubProjectViewSet, basename="subproject")
router.register("plans", projects_api.PlanViewSet, basename="plan")
router.register("units", assignments_api.UnitViewSet, basename="unit")
router.register("tasks", assignments_api.TaskViewSet, basename="task")
router.register("interventions", projects_api.InterventionViewSet, basename="intervention")
router.register("budgets", projects_api.BudgetViewSet, basename="budget")
router.register("indicators", projects_api.IndicatorViewSet, basename="indicator")
router.register("reports", reports_api.SubmissionViewSet, basename="submission")

urlpatterns = [
    path("auth/token/", ObtainTokenView.as_view(), name="api-token"),
    path("schema/", SpectacularAPIView.as_view(), name="api-schema"),
    # The split view serves Swagger UI's start-up code as a file, not an inline script (CSP);
    # templates/api/docs.html adds the way back to the app.
    # A browser without a session goes to the login page (the schema itself answers 401).
    path(
        "docs/",
        login_required(api_docs),
        name="api-docs",
    ),
    path("", include(router.urls)),
]
