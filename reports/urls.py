from django.urls import path, re_path

from . import campaign_views, review_views, views

# /reports/results/ward/<ward id>/<period>.pdf and /reports/results/upper/<unit id>/<period>.pdf (README).
RESULTS = r"^results/(?P<level>ward|upper)/(?P<unit_id>[0-9]+)/(?P<period>[0-9A-Za-z-]+)"
# The detailed lists of poor and near-poor households with their members (docs/reports.md).
LISTS = r"^lists/(?P<level>ward|upper)/(?P<unit_id>[0-9]+)/(?P<period>[0-9A-Za-z-]+)"

urlpatterns = [
    path("households.pdf", views.households_pdf, name="report-households-pdf"),
    path("households.xlsx", views.households_xlsx, name="report-households-xlsx"),
    path("plans/<int:pk>.pdf", views.plan_pdf, name="report-plan-pdf"),
    # The review's papers (docs/documents.md, "The review's papers"): one view, the paper named here.
    *[
        path(route, review_views.paper_pdf, {"paper": paper}, name=name)
        for route, paper, name in (
            ("reviews/<int:pk>/households.pdf", "list", "report-review-list-pdf"),
            ("reviews/<int:pk>/khoi/<int:khoi_id>/households.pdf", "list", "report-review-khoi-list-pdf"),
            ("reviews/<int:pk>.pdf", "results", "report-campaign-results-pdf"),
            ("reviews/applications/<int:pk>.pdf", "application", "report-application-pdf"),
            ("reviews/meetings/<int:pk>.pdf", "meeting", "report-meeting-pdf"),
            ("reviews/postings/<int:pk>.pdf", "posting", "report-posting-pdf"),
            ("reviews/decisions/<int:pk>.pdf", "decision", "report-decision-pdf"),
            (
                "reviews/decisions/<int:pk>/certificates.pdf",
                "decision_certificates",
                "report-decision-certificates-pdf",
            ),
            ("reviews/certificates/<int:pk>.pdf", "certificate", "report-certificate-pdf"),
            ("reviews/refusals/<int:pk>.pdf", "refusal", "report-refusal-pdf"),
        )
    ],
    path("reviews/<int:pk>.xlsx", review_views.campaign_results_xlsx, name="report-campaign-results-xlsx"),
    path("reviews/<int:pk>/results/", campaign_views.campaign_results_page, name="report-campaign-results"),
    path("", views.report_index, name="report-index"),
    path("population/<int:ward_id>/<int:year>/", views.population_page, name="report-population"),
    re_path(RESULTS + r"/$", views.results_page, name="report-results"),
    re_path(RESULTS + r"/(?P<name>[a-z]+)\.svg$", views.results_chart, name="report-results-chart"),
    re_path(RESULTS + r"\.pdf$", views.results_pdf, name="report-results-pdf"),
    re_path(RESULTS + r"\.xlsx$", views.results_xlsx, name="report-results-xlsx"),
    re_path(LISTS + r"/$", views.lists_page, name="report-lists"),
    re_path(LISTS + r"\.(?P<extension>pdf|xlsx)$", views.lists_download, name="report-lists-file"),
    re_path(
        r"^progress/(?P<ward_id>[0-9]+)/(?P<period>[0-9A-Za-z-]+)\.(?P<extension>pdf|xlsx)$",
        views.progress_download,
        name="report-progress",
    ),
    path("submissions/", views.submission_page, name="report-submissions"),
    re_path(
        r"^submissions/submit/(?P<ward_id>[0-9]+)/(?P<period>[0-9A-Za-z-]+)/$",
        views.submission_submit,
        name="report-submission-submit",
    ),
    re_path(
        r"^submissions/(?P<pk>[0-9]+)\.(?P<extension>pdf|xlsx)$",
        views.submission_download,
        name="report-submission-file",
    ),
    path("jobs/", views.job_list, name="report-jobs"),
    path("jobs/<uuid:pk>/", views.job_detail, name="report-job"),
    path("jobs/<uuid:pk>/status/", views.job_status, name="report-job-status"),
    path("jobs/<uuid:pk>/download/", views.job_download, name="report-job-download"),
    path("jobs/<uuid:pk>/retry/", views.job_retry, name="report-job-retry"),
]
