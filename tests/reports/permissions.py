"""The reports' routes in the permission matrix (tests/security/matrix.py)."""

from ..security.matrix import API, PAGE, Route

ROUTES = [
    Route("reports/", PAGE),
    # Scoped lists: each role gets its own households (tests/reports/test_household_export.py).
    Route("reports/households.xlsx", PAGE),
    Route("reports/households.pdf", PAGE),
    Route("reports/jobs/", PAGE),
    Route("reports/jobs/{pk}/", PAGE, covered_by="tests/reports/test_jobs.py"),
    Route("reports/jobs/{pk}/status/", PAGE, covered_by="tests/reports/test_jobs.py"),
    Route("reports/jobs/{pk}/download/", PAGE, covered_by="tests/reports/test_jobs.py"),
    Route("reports/jobs/{pk}/retry/", PAGE, "post", covered_by="tests/reports/test_jobs.py"),
    Route("reports/plans/{pk}.pdf", PAGE, covered_by="tests/reports/test_plan_pdf.py"),
    Route("reports/population/{ward_id}/{year}/", PAGE, covered_by="tests/reports/test_results.py"),
    Route("reports/results/{level}/{unit_id}/{period}/", PAGE, covered_by="tests/reports/test_results.py"),
    Route("reports/results/{level}/{unit_id}/{period}.pdf", PAGE, covered_by="tests/reports/test_results.py"),
    Route("reports/results/{level}/{unit_id}/{period}.xlsx", PAGE, covered_by="tests/reports/test_results.py"),
    Route("reports/results/{level}/{unit_id}/{period}/{name}.svg", PAGE, covered_by="tests/reports/test_analysis.py"),
    Route("reports/lists/{level}/{unit_id}/{period}/", PAGE, covered_by="tests/reports/test_detailed_lists.py"),
    Route(
        "reports/lists/{level}/{unit_id}/{period}.{extension}", PAGE, covered_by="tests/reports/test_detailed_lists.py"
    ),
    # The review's papers: roles and scopes in tests/reports/test_review_papers.py.
    *(
        Route(path, PAGE, covered_by="tests/reports/test_review_papers.py")
        for path in (
            "reports/reviews/applications/{pk}.pdf",
            "reports/reviews/certificates/{pk}.pdf",
            "reports/reviews/decisions/{pk}.pdf",
            "reports/reviews/decisions/{pk}/certificates.pdf",
            "reports/reviews/meetings/{pk}.pdf",
            "reports/reviews/postings/{pk}.pdf",
            "reports/reviews/refusals/{pk}.pdf",
            "reports/reviews/{pk}/households.pdf",
            "reports/reviews/{pk}.pdf",
            "reports/reviews/{pk}.xlsx",
            "reports/reviews/{pk}/khoi/{khoi_id}/households.pdf",
        )
    ),
    # Submissions to the upper level: roles and scopes in tests/reports/test_submissions.py.
    *(
        Route(path, kind, method, covered_by="tests/reports/test_submissions.py")
        for path, kind, method in (
            ("reports/submissions/", PAGE, "get"),
            ("reports/submissions/submit/{ward_id}/{period}/", PAGE, "post"),
            ("reports/submissions/{pk}.{extension}", PAGE, "get"),
            ("api/v1/reports/", API, "get"),
            ("api/v1/reports/{pk}/", API, "get"),
            ("api/v1/reports/{pk}/download/", API, "get"),
        )
    ),
    Route("reports/progress/{ward_id}/{period}.{extension}", PAGE, covered_by="tests/reports/test_progress.py"),
]
