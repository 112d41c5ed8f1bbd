"""factory-boy factories for the whole project; each app adds its own below."""

import datetime
from decimal import Decimal

import factory
from factory.django import DjangoModelFactory

from households.models import AreaType, Khoi, UpperUnit, Ward
from hungbinh.accounts.models import User
from hungbinh.accounts.roles import Role

PASSWORD = "hungbinh@2025"


# --- Administrative units -------------------------------------------------


class UpperUnitFactory(DjangoModelFactory):
    class Meta:
        model = UpperUnit
        django_get_or_create = ["code"]

    name = factory.Sequence(lambda n: f"Phòng Nông nghiệp và Môi trường {n}")
    code = factory.Sequence(lambda n: f"UP-{n}")


class WardFactory(DjangoModelFactory):
    class Meta:
        model = Ward
        django_get_or_create = ["code"]

    name = factory.Sequence(lambda n: f"Phường {n}")
    code = factory.Sequence(lambda n: f"W{n:05d}")
    area_type = AreaType.URBAN
    upper_unit = factory.SubFactory(UpperUnitFactory)


class KhoiFactory(DjangoModelFactory):
    class Meta:
        model = Khoi
        django_get_or_create = ["ward", "name"]

    ward = factory.SubFactory(WardFactory)
    position = factory.Sequence(lambda n: n + 1)
    name = factory.LazyAttribute(lambda o: f"Khối {o.position}")


# --- Users, one factory per role -------------------------------------------


class UserFactory(DjangoModelFactory):
    """A user without a usable role; use one of the role factories below."""

    class Meta:
        model = User
        django_get_or_create = ["username"]
        skip_postgeneration_save = True

    username = factory.Sequence(lambda n: f"user{n}")
    first_name = "Văn A"
    last_name = "Nguyễn"
    password = factory.django.Password(PASSWORD)
    role = Role.ADMIN


class AdminFactory(UserFactory):
    username = factory.Sequence(lambda n: f"admin{n}")
    role = Role.ADMIN
    is_superuser = True
    is_staff = True


class WardLeaderFactory(UserFactory):
    username = factory.Sequence(lambda n: f"lanhdao{n}")
    role = Role.WARD_LEADER
    ward = factory.SubFactory(WardFactory)


class WardOfficerFactory(UserFactory):
    username = factory.Sequence(lambda n: f"canbo{n}")
    role = Role.WARD_OFFICER
    ward = factory.SubFactory(WardFactory)


class KhoiMemberFactory(UserFactory):
    username = factory.Sequence(lambda n: f"khoi{n}")
    role = Role.KHOI_MEMBER
    khoi = factory.SubFactory(KhoiFactory)


class UpperLevelUserFactory(UserFactory):
    username = factory.Sequence(lambda n: f"thanhpho{n}")
    role = Role.UPPER_LEVEL
    upper_unit = factory.SubFactory(UpperUnitFactory)


# --- Households ------------------------------------------------------------


class HouseholdFactory(DjangoModelFactory):
    """A household saved directly (no service, no status history row)."""

    class Meta:
        model = "households.Household"

    khoi = factory.SubFactory(KhoiFactory)
    ward = factory.SelfAttribute("khoi.ward")
    code = factory.Sequence(lambda n: f"HB-{n:05d}")
    head_name = factory.Sequence(lambda n: f"Nguyễn Văn Hộ {n}")
    address = factory.LazyAttribute(lambda o: f"Số {len(o.code)}, đường Lê Hồng Phong")
    status = "poor"
    status_since = datetime.date(2024, 1, 15)


class MemberFactory(DjangoModelFactory):
    class Meta:
        model = "households.Member"

    household = factory.SubFactory(HouseholdFactory)
    full_name = factory.Sequence(lambda n: f"Nguyễn Thị Thành Viên {n}")
    gender = "female"
    relation = "Vợ"


# --- The program: units, plans, support (projects/, assignments/) -------------


class UnitFactory(DjangoModelFactory):
    class Meta:
        model = "assignments.Unit"
        django_get_or_create = ["ward", "name"]

    ward = factory.SubFactory(WardFactory)
    name = factory.Sequence(lambda n: f"Đơn vị {n}")
    short_name = factory.LazyAttribute(lambda o: o.name[:60])
    kind = "officer"
    position = factory.Sequence(lambda n: n + 1)


class UnitMemberFactory(UserFactory):
    username = factory.Sequence(lambda n: f"donvi{n}")
    role = Role.UNIT_MEMBER
    unit = factory.SubFactory(UnitFactory)


def catalogue_program():
    """The 2021–2025 program of the catalogue migration (loaded again if a transactional test flushed it)."""
    from projects.catalogue import ensure_catalogue

    return ensure_catalogue()


class PlanFactory(DjangoModelFactory):
    """A draft plan with its heading and a little text; add items with PlanItemFactory."""

    class Meta:
        model = "projects.Plan"

    ward = factory.SubFactory(WardFactory)
    program = factory.LazyFunction(catalogue_program)
    year = 2025
    state = "draft"
    issuing_body = factory.LazyAttribute(lambda o: f"PHƯỜNG {o.ward.name.upper()}")
    place = factory.LazyAttribute(lambda o: o.ward.name)
    subject = factory.LazyAttribute(lambda o: f"Thực hiện Chương trình giảm nghèo năm {o.year}")
    basis = "Thực hiện Kế hoạch của UBND thành phố như sau:"
    purposes = "- Mục đích thứ nhất."
    signer_title = "PHÓ CHỦ TỊCH"
    signer_name = "Hồ Thị Nhàn"


def indicators_of_every_source(plan, *, total=50) -> list:
    """One indicator of each source of the achieved value, two of them narrowed to a sub-project or a source."""
    from projects.models import FundingSource, Indicator

    make = Indicator.objects.create
    subprojects = plan.program.subprojects
    local = FundingSource.objects.get(code="local_budget")
    return [
        make(plan=plan, position=1, name="Tỷ lệ nghèo", unit="%", source="poor_rate", households_total=total),
        make(plan=plan, position=2, name="Tỷ lệ cận nghèo", unit="%", source="near_poor_rate", households_total=total),
        make(
            plan=plan,
            position=3,
            name="Giảm tỷ lệ",
            unit="điểm %",
            source="poor_rate_reduction",
            households_total=total,
            baseline=Decimal("9.5"),
        ),
        make(plan=plan, position=4, name="Hộ nghèo", unit="hộ", source="poor_households"),
        make(plan=plan, position=5, name="Hộ cận nghèo", unit="hộ", source="near_poor_households"),
        make(plan=plan, position=6, name="Hộ được hỗ trợ", unit="hộ", source="households_supported"),
        make(
            plan=plan,
            position=7,
            name="Hộ DA 3.1",
            unit="hộ",
            source="households_supported",
            subproject=subprojects.get(code="3.1"),
        ),
        make(plan=plan, position=8, name="Người được hỗ trợ", unit="người", source="people_supported"),
        make(plan=plan, position=9, name="Kinh phí NSĐP", unit="đồng", source="support_amount", funding_source=local),
        make(plan=plan, position=10, name="Kinh phí", unit="đồng", source="support_amount"),
        make(plan=plan, position=11, name="Trẻ đi học", unit="%", source="manual", achieved_entered=Decimal("90")),
    ]


class PlanItemFactory(DjangoModelFactory):
    class Meta:
        model = "projects.PlanItem"

    plan = factory.SubFactory(PlanFactory)
    position = factory.Sequence(lambda n: n + 1)
    number = factory.LazyAttribute(lambda o: str(o.position))
    heading = factory.Sequence(lambda n: f"Dự án {n}")
    subproject = factory.LazyAttribute(lambda o: o.plan.program.subprojects.get(code="2"))
    objective = "Mục tiêu."
    targets_content = "Thực hiện theo quy định."
    lead_text = "Công chức chủ trì."
    coordinating_text = "các bộ phận có liên quan."
