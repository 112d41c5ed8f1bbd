"""The review's rules without a database: the classifier over every boundary of both standards, the workflow's
days and the board's totals."""

import re
from datetime import date, timedelta
from decimal import Decimal

import pytest
from django.utils import translation

from households.rules import Status
from households.vocab import Movement
from reviews import rules
from reviews.rules import ClassificationError, IndicatorTerms, StandardSpan, StandardTerms

ND07_CODES = [
    "viec_lam",
    "nguoi_phu_thuoc",
    "dinh_duong",
    "bao_hiem_y_te",
    "giao_duc_nguoi_lon",
    "di_hoc_tre_em",
    "chat_luong_nha",
    "dien_tich_nha",
    "nguon_nuoc",
    "nha_tieu",
    "vien_thong",
    "tiep_can_thong_tin",
]
ND351_CODES = [c for c in ND07_CODES if c != "tiep_can_thong_tin"] + ["xu_ly_rac"]


def _indicators(codes):
    return tuple(IndicatorTerms(code=c, name=c.replace("_", " ")) for c in codes)


ND07 = StandardTerms(
    name="NĐ 07/2021",
    income_line_urban=2_000_000,
    income_line_rural=1_500_000,
    average_top_urban=3_000_000,
    average_top_rural=2_250_000,
    score_a_cutoff_urban=Decimal(175),
    score_a_cutoff_rural=Decimal(140),
    poor_min_deprivations=3,
    indicators=_indicators(ND07_CODES),
)
ND351 = StandardTerms(
    name="NĐ 351/2025",
    income_line_urban=2_800_000,
    income_line_rural=2_200_000,
    poor_min_deprivations=3,
    indicators=_indicators(ND351_CODES),
)

THREE = ["viec_lam", "bao_hiem_y_te", "nha_tieu"]
TWO = THREE[:2]

P, N, A, X, U = Status.POOR, Status.NEAR_POOR, Status.AVERAGE, Status.NOT_POOR, None

# (standard, area, income, score A, deprivations, expected class, expected basis)
CASES = [
    # ND 07 urban, income
    (ND07, "urban", 2_000_000, None, THREE, P, "income"),
    (ND07, "urban", 2_000_000, None, TWO, N, "income"),
    (ND07, "urban", 2_000_000, None, [], N, "income"),
    (ND07, "urban", 0, None, ND07_CODES, P, "income"),
    (ND07, "urban", 2_000_001, None, THREE, A, "income"),
    (ND07, "urban", 3_000_000, None, ND07_CODES, A, "income"),
    (ND07, "urban", 3_000_001, None, [], X, "income"),
    # ND 07 rural, income
    (ND07, "rural", 1_500_000, None, THREE, P, "income"),
    (ND07, "rural", 1_500_000, None, TWO, N, "income"),
    (ND07, "rural", 1_500_001, None, THREE, A, "income"),
    (ND07, "rural", 2_250_000, None, [], A, "income"),
    (ND07, "rural", 2_250_001, None, [], X, "income"),
    # a rural income that would be above the rural line is within the urban one
    (ND07, "urban", 1_999_999, None, [], N, "income"),
    # ND 07, score A (TT 07 cut-offs)
    (ND07, "urban", None, 175, THREE, P, "score_a"),
    (ND07, "urban", None, 175, TWO, N, "score_a"),
    (ND07, "urban", None, Decimal("175.01"), THREE, U, "score_a"),
    (ND07, "urban", None, 176, THREE, U, "score_a"),
    (ND07, "rural", None, 140, THREE, P, "score_a"),
    (ND07, "rural", None, 140, [], N, "score_a"),
    (ND07, "rural", None, 141, [], U, "score_a"),
    (ND07, "urban", None, 0, [], N, "score_a"),
    # score A decides "within"; the income places a household above it
    (ND07, "urban", 1_000_000, 176, [], A, "score_a"),
    (ND07, "urban", 3_500_000, 176, [], X, "score_a"),
    (ND07, "urban", 9_000_000, 175, THREE, P, "score_a"),
    # ND 351: income only; its average band is unknown
    (ND351, "urban", 2_800_000, None, THREE, P, "income"),
    (ND351, "urban", 2_800_000, None, TWO, N, "income"),
    (ND351, "urban", 2_800_001, None, [], U, "income"),
    (ND351, "rural", 2_200_000, None, ["xu_ly_rac", "viec_lam", "nha_tieu"], P, "income"),
    (ND351, "rural", 2_200_001, None, THREE, U, "income"),
    (ND351, "urban", 2_000_000, 999, THREE, P, "income"),
]


@pytest.mark.parametrize(
    ("terms", "area", "expected"),
    [
        (ND07, "urban", (2_000_000, 3_000_000, Decimal(175))),
        (ND07, "rural", (1_500_000, 2_250_000, Decimal(140))),
        (ND351, "urban", (2_800_000, None, None)),  # no average band, no score-A cut-off
        (ND351, "rural", (2_200_000, None, None)),
    ],
)
def test_for_area_gives_the_areas_line_band_and_score_a_cut_off(terms, area, expected):
    assert terms.for_area(area) == expected


def test_for_area_refuses_an_unknown_area():
    with pytest.raises(ClassificationError) as error:
        ND07.for_area("mountain")
    assert error.value.field == "area_type"


@pytest.mark.parametrize(("terms", "area", "income", "score", "deprived", "expected", "basis"), CASES)
def test_classify(terms, area, income, score, deprived, expected, basis):
    result = rules.classify(terms, area_type=area, income_per_capita=income, score_a=score, deprivations=deprived)
    assert (result.status, result.basis) == (expected, basis)
    assert result.score_b == 10 * len(set(deprived))


def test_explanation_names_the_figure_the_threshold_and_the_indicators():
    result = rules.classify(ND07, area_type="urban", income_per_capita=2_000_000, deprivations=THREE)
    text = "\n".join(result.explanation)
    assert "2.000.000 đồng" in text and "Nghị định" not in text and "NĐ 07/2021" in text
    assert "B2" in text and "30" in text and "viec lam" in text and "nha tieu" in text
    assert text.splitlines()[-1].endswith(f"{Status.POOR.label}.")


@pytest.mark.parametrize(("language", "unit"), [("vi", "đồng/người/tháng"), ("en", "đồng/person/month")])
# Within the line, in the average band, above it; and above the score-A cut-off, where the band still reads the income.
@pytest.mark.parametrize(
    ("income", "score"), [(1_800_000, None), (2_500_000, None), (3_400_000, None), (2_500_000, 200)]
)
def test_every_income_and_line_of_the_explanation_names_its_unit(language, unit, income, score):
    from django.utils import translation

    with translation.override(language):
        result = rules.classify(ND07, area_type="urban", income_per_capita=income, score_a=score, deprivations=[])
    text = "\n".join(result.explanation)
    amounts = re.findall(r"\d{1,3}(?:\.\d{3})+ đồng\S*", text)
    assert amounts and all(amount.rstrip(".,") == amount.split(" ")[0] + " " + unit for amount in amounts), text


def test_explanation_of_score_a_shows_b1():
    result = rules.classify(ND07, area_type="rural", score_a=140, deprivations=[])
    assert "B1" in result.explanation[0] and "140" in result.explanation[0]


def test_deprived_indicators_follow_the_standards_order_and_count_once():
    result = rules.classify(ND07, area_type="urban", income_per_capita=1, deprivations=["nha_tieu", "viec_lam"] * 2)
    assert [i.code for i in result.deprived] == ["viec_lam", "nha_tieu"] and result.score_b == 20


def test_undetermined_says_so():
    result = rules.classify(ND351, area_type="urban", income_per_capita=5_000_000)
    assert result.status is None
    assert result.explanation[-2:] == (
        "Chưa có mức sống trung bình của chuẩn này: chưa xác định được phân loại.",
        "Đề xuất phân loại: chưa xác định.",
    )


@pytest.mark.parametrize(
    ("terms", "kwargs", "field"),
    [
        (ND07, {"income_per_capita": -1}, "income_per_capita"),
        (ND07, {"score_a": -1}, "score_a"),
        (ND07, {"score_a": Decimal("-0.5"), "income_per_capita": 5}, "score_a"),
        (ND07, {}, "income_per_capita"),
        (ND07, {"income_per_capita": 1, "deprivations": ["khong_co"]}, "deprivations"),
        # an indicator of the other standard
        (ND07, {"income_per_capita": 1, "deprivations": ["xu_ly_rac"]}, "deprivations"),
        (ND351, {"income_per_capita": 1, "deprivations": ["tiep_can_thong_tin"]}, "deprivations"),
        # ND 351 has no score-A cut-off: a score alone cannot decide
        (ND351, {"score_a": 100}, "income_per_capita"),
        (ND07, {"income_per_capita": 1, "area_type": "mountain"}, "area_type"),
    ],
)
def test_refuses_instead_of_guessing(terms, kwargs, field):
    kwargs = {"area_type": "urban", **kwargs}
    with pytest.raises(ClassificationError) as excinfo:
        rules.classify(terms, **kwargs)
    assert excinfo.value.field == field and excinfo.value.message


def test_unknown_indicator_is_named():
    with pytest.raises(ClassificationError) as excinfo:
        rules.classify(ND07, area_type="urban", income_per_capita=1, deprivations=["xu_ly_rac", "abc"])
    assert "abc, xu_ly_rac" in excinfo.value.message


@pytest.mark.parametrize(
    ("kind", "year", "status_year"), [("periodic", 2025, 2026), ("periodic", 2026, 2027), ("regular", 2026, 2026)]
)
def test_status_year(kind, year, status_year):
    assert rules.status_year(kind=kind, year=year) == status_year


SPANS = [StandardSpan("nd07", "NĐ 07", 2022, 2026), StandardSpan("nd351", "NĐ 351", 2027, 2030)]


@pytest.mark.parametrize(("year", "key"), [(2022, "nd07"), (2026, "nd07"), (2027, "nd351"), (2030, "nd351")])
def test_standard_for_year(year, key):
    assert rules.standard_for_year(SPANS, year) == key


@pytest.mark.parametrize("spans", [SPANS, [*SPANS, StandardSpan("x", "X", 2030, 2031)]])
def test_standard_for_year_refuses_none_or_several(spans):
    with pytest.raises(ClassificationError):
        rules.standard_for_year(spans, 2031 if len(spans) == 2 else 2030)


def test_overlapping_years():
    assert rules.overlapping_years(SPANS) == []
    assert rules.overlapping_years([*SPANS, StandardSpan("x", "X", 2026, 2026)]) == [("NĐ 07", "X")]


@pytest.mark.parametrize(
    ("from_status", "to_status", "ever_poor", "ever_near", "movement"),
    [
        ("", P, False, False, Movement.NEW_POOR),
        (X, P, False, False, Movement.NEW_POOR),
        (A, P, True, False, Movement.FALLEN_BACK_POOR),
        (N, P, True, True, Movement.NEAR_POOR_TO_POOR),
        (P, N, True, False, Movement.POOR_TO_NEAR_POOR),
        (P, A, True, False, Movement.ESCAPED_POVERTY),
        (P, X, True, False, Movement.ESCAPED_POVERTY),
        (X, N, False, False, Movement.NEW_NEAR_POOR),
        (A, N, False, True, Movement.FALLEN_BACK_NEAR_POOR),
        (N, A, False, True, Movement.ESCAPED_NEAR_POVERTY),
        (N, X, False, True, Movement.ESCAPED_NEAR_POVERTY),
        (A, X, False, False, ""),
        (P, P, True, False, ""),
    ],
)
def test_movement_for(from_status, to_status, ever_poor, ever_near, movement):
    assert (
        rules.movement_for(
            from_status=from_status, to_status=to_status, was_ever_poor=ever_poor, was_ever_near_poor=ever_near
        )
        == movement
    )


def test_member_facts():
    members = [rules.MemberFacts(age=a) for a in (2, 5, 10, 17, 40, 70)] + [rules.MemberFacts(age=35, is_disabled=True)]
    facts = rules.member_facts(members, sees_disability=True)
    assert facts["bao_hiem_y_te"].startswith("5 ")
    assert facts["dinh_duong"].startswith("3 ")
    assert facts["di_hoc_tre_em"].startswith("2 ")
    assert facts["giao_duc_nguoi_lon"].startswith("1 ")
    assert facts["viec_lam"].startswith("3 ")
    assert facts["nguoi_phu_thuoc"].startswith("5") and "7" in facts["nguoi_phu_thuoc"]
    assert "1" in rules.member_facts([rules.MemberFacts(age=None)], sees_disability=True)["viec_lam"].split("(")[1]


def test_member_facts_leave_the_dependants_out_for_a_user_who_may_not_see_disability():
    members = [rules.MemberFacts(age=a) for a in (2, 40, 70)] + [rules.MemberFacts(age=35, is_disabled=True)]
    shown = rules.member_facts(members, sees_disability=True)
    withheld = rules.member_facts(members, sees_disability=False)
    assert shown["nguoi_phu_thuoc"].startswith("3/4 ")  # the child, the elder and the person with a disability
    assert "nguoi_phu_thuoc" not in withheld
    assert withheld == {code: text for code, text in shown.items() if code != "nguoi_phu_thuoc"}


# --- The campaign board's total row ------------------------------------------------


def test_board_totals_add_up_the_khoi_rows_column_by_column():
    from reviews.selectors import BoardRow

    rows = [
        BoardRow(khoi=None, listed=4, surveyed=3, submitted=2, verified=2, agreed=1, posted=1, late=1, refused=1),
        BoardRow(khoi=None, listed=1, surveyed=1, recognised=1, returned=2),
    ]
    assert rules.board_totals(rows) == {
        "listed": 5,
        "surveyed": 4,
        "submitted": 2,
        "verified": 2,
        "agreed": 1,
        "posted": 1,
        "recognised": 1,
        "late": 1,
    }  # refused and returned are not columns of the board


def test_board_totals_of_no_khoi_are_zeros():
    assert rules.board_totals([]) == dict.fromkeys(rules.BOARD_TOTALS, 0)


# --- A regular review's due day -----------------------------------------------------

STARTED = date(2025, 9, 20)


@pytest.mark.parametrize(
    ("kind", "started_on", "closed", "today", "days", "overdue"),
    [
        ("regular", STARTED, False, date(2025, 10, 5), 15, False),  # the 15th day is still in time
        ("regular", STARTED, False, date(2025, 10, 6), 15, True),
        ("regular", STARTED, True, date(2025, 12, 1), 15, False),  # decided or refused: never late
        ("regular", None, False, date(2025, 12, 1), 15, False),  # no application day: nothing to count from
        ("regular", STARTED, False, date(2025, 10, 1), 10, True),  # the ward's own number of days
        ("periodic", STARTED, False, date(2026, 3, 1), 15, False),  # the board counts the periodic window
    ],
)
def test_a_regular_review_is_overdue_after_its_days(kind, started_on, closed, today, days, overdue):
    assert rules.is_overdue(kind=kind, started_on=started_on, closed=closed, today=today, days=days) is overdue
    if started_on:
        assert rules.regular_due_on(started_on, days) == started_on + timedelta(days=days)


# --- The meeting's attendance ----------------------------------------------------------


def test_an_attendance_names_only_the_groups():
    assert rules.attendance_groups_problem({}) is None
    assert rules.attendance_groups_problem(dict.fromkeys(rules.ATTENDANCE_GROUPS, 1)) is None
    problem = rules.attendance_groups_problem({"ward": 1, "visitors": 2, "Khoi": 3})
    assert problem.startswith("Không có thành phần dự họp này: “Khoi”, “visitors”. ")  # sorted, each named
    assert "ward, khoi, front, organisations, reviewers, households, others" in problem  # what to write instead


@pytest.mark.parametrize(
    ("language", "deprived", "expected"),
    [
        ("en", ["viec_lam"], "Score B (B2) 10: 1 deprived indicator (poor from 3): "),
        ("en", ["viec_lam", "nha_tieu"], "Score B (B2) 20: 2 deprived indicators (poor from 3): "),
        ("vi", ["viec_lam"], "Điểm B (B2) 10: thiếu hụt 1 chỉ số (hộ nghèo từ 3 chỉ số): "),
        ("vi", ["viec_lam", "nha_tieu"], "Điểm B (B2) 20: thiếu hụt 2 chỉ số (hộ nghèo từ 3 chỉ số): "),
    ],
)
def test_score_b_line_counts_its_indicators_in_the_right_form(language, deprived, expected):
    from django.utils import translation

    with translation.override(language):
        result = rules.classify(ND07, area_type="urban", income_per_capita=1, deprivations=deprived)
    assert any(line.startswith(expected) for line in result.explanation), result.explanation


# --- The steps' dates ------------------------------------------------------------------------

TODAY = date(2025, 11, 20)
TOMORROW = TODAY + timedelta(days=1)


@pytest.fixture
def english():
    from django.utils import translation

    with translation.override("en"):
        yield


@pytest.mark.parametrize(
    ("rule", "message"),
    [
        (rules.application_date_problem, "The application date may not be in the future."),
        (rules.meeting_date_problem, "The meeting date may not be in the future."),
        (rules.upper_report_date_problem, "The date may not be in the future."),
        (rules.decision_date_problem, "The decision date may not be in the future."),
        (rules.refusal_date_problem, "The date may not be in the future."),
    ],
)
def test_a_step_is_not_dated_after_today(english, rule, message):
    assert rule(date(2020, 1, 1), today=TODAY) is None
    assert rule(TODAY, today=TODAY) is None
    assert rule(TOMORROW, today=TODAY) == message


def test_a_complaint_is_received_during_its_posting_and_not_after_today(english):
    def problem(received_on, ends_on=date(2025, 11, 21)):
        return rules.complaint_received_problem(
            received_on, posting_starts_on=date(2025, 11, 19), posting_ends_on=ends_on, today=TODAY
        )

    assert problem(date(2025, 11, 19)) is None
    assert problem(TODAY) is None
    assert problem(date(2025, 11, 18)) == "Complaints are received during the posting, 19/11/2025–21/11/2025."
    assert problem(date(2025, 11, 22)) == "Complaints are received during the posting, 19/11/2025–21/11/2025."
    # The posting still runs tomorrow, but a complaint is not received before it comes.
    assert problem(TOMORROW) == "The date the complaint was received may not be in the future."


def test_a_complaint_is_resolved_from_the_day_it_was_received_to_today(english):
    def problem(resolved_on):
        return rules.complaint_resolved_problem(resolved_on, received_on=date(2025, 11, 18), today=TODAY)

    assert problem(date(2025, 11, 18)) is None
    assert problem(TODAY) is None
    assert problem(date(2025, 11, 17)) == "The complaint cannot be resolved before it was received (18/11/2025)."
    assert problem(TOMORROW).startswith("The resolution date may not be in the future")
    assert problem(date(2026, 11, 17)).startswith("The resolution date may not be in the future")


def test_the_upper_levels_answer_is_dated_from_the_report_to_today(english):
    def problem(answered_on):
        return rules.upper_answer_date_problem(answered_on, sent_on=date(2025, 11, 14), today=TODAY)

    assert problem(date(2025, 11, 14)) is None
    assert problem(TODAY) is None
    assert problem(date(2025, 11, 13)) == "The answer cannot come before the report was sent."
    assert problem(TOMORROW).startswith("The answer date may not be in the future")


def test_the_date_rules_speak_vietnamese():
    from django.utils import translation

    with translation.override("vi"):
        assert rules.complaint_resolved_problem(TOMORROW, received_on=TODAY, today=TODAY).startswith(
            "Ngày giải quyết khiếu nại không được ở tương lai"
        )
        assert rules.upper_answer_date_problem(TOMORROW, sent_on=TODAY, today=TODAY).startswith(
            "Ngày cấp trên trả lời không được ở tương lai"
        )
        assert rules.complaint_received_problem(
            TOMORROW, posting_starts_on=TODAY, posting_ends_on=TOMORROW, today=TODAY
        ).startswith("Ngày nhận khiếu nại không được ở tương lai")


def test_member_facts_count_one_member_in_the_singular():
    # The English survey read "1 members aged 15 to 60" next to the employment indicator.
    with translation.override("en"):
        one = rules.member_facts([rules.MemberFacts(age=40)], sees_disability=True)
        two = rules.member_facts([rules.MemberFacts(age=40), rules.MemberFacts(age=10)], sees_disability=True)
    assert one["viec_lam"] == "1 member aged 15 to 60"
    assert one["bao_hiem_y_te"] == "1 member aged 6 or over"
    assert one["nguoi_phu_thuoc"] == "0 of 1 member under 15, over 60 or with a disability"
    assert two["dinh_duong"] == "1 child under 16"
    assert two["bao_hiem_y_te"] == "2 members aged 6 or over"
    assert two["nguoi_phu_thuoc"] == "1 of 2 members under 15, over 60 or with a disability"
    with translation.override("vi"):
        assert rules.member_facts([rules.MemberFacts(age=40)], sees_disability=True)["viec_lam"] == (
            "1 thành viên từ 15 đến 60 tuổi"
        )
