"""Deterministic demo data (CONTRACT.md section 2)."""

from hungbinh.accounts.models import User
from hungbinh.accounts.roles import Role

from .models import AreaType, Khoi, UpperUnit, Ward

DEMO_PASSWORD = "hungbinh@2025"

UPPER_UNIT = {"code": "DEMO-VINH", "name": "Phòng Nông nghiệp và Môi trường thành phố Vinh"}
WARDS = [
    # (code, name, number of khối); codes are demo values, not official ones.
    ("DEMO-HB", "Hưng Bình", 15),
    ("DEMO-QT", "Quang Trung", 3),
]


def _ensure_user(username, *, first_name, last_name, position="", **fields):
    user = User.objects.filter(username=username).first()
    if user is not None:
        return user, False
    user = User(username=username, first_name=first_name, last_name=last_name, position=position, **fields)
    user.set_password(DEMO_PASSWORD)
    user.save()
    return user, True


def seed_demo() -> dict[str, int]:
    created = {"wards": 0, "khoi": 0, "users": 0}
    upper, _ = UpperUnit.objects.get_or_create(code=UPPER_UNIT["code"], defaults={"name": UPPER_UNIT["name"]})
    wards = {}
    for code, name, khoi_count in WARDS:
        ward, made = Ward.objects.get_or_create(
            code=code, defaults={"name": name, "area_type": AreaType.URBAN, "upper_unit": upper}
        )
        created["wards"] += made
        wards[code] = ward
        for n in range(1, khoi_count + 1):
            _, made = Khoi.objects.get_or_create(ward=ward, name=f"Khối {n}", defaults={"position": n})
            created["khoi"] += made

    hb, qt = wards["DEMO-HB"], wards["DEMO-QT"]
    users = [
        (
            "admin",
            {"first_name": "Quản trị", "last_name": "", "role": Role.ADMIN, "is_superuser": True, "is_staff": True},
        ),
        (
            "lanhdao",
            {
                "first_name": "Nhàn",
                "last_name": "Hồ Thị",
                "role": Role.WARD_LEADER,
                "ward": hb,
                "position": "Phó Chủ tịch UBND phường",
            },
        ),
        (
            "canbo",
            {
                "first_name": "Thủy",
                "last_name": "Nguyễn Thị",
                "role": Role.WARD_OFFICER,
                "ward": hb,
                "position": "Công chức Lao động - Thương binh và Xã hội",
            },
        ),
        (
            "khoi1",
            {
                "first_name": "Hùng",
                "last_name": "Trần Văn",
                "role": Role.KHOI_MEMBER,
                "khoi": Khoi.objects.get(ward=hb, name="Khối 1"),
                "position": "Trưởng khối 1",
            },
        ),
        (
            "thanhpho",
            {
                "first_name": "Minh",
                "last_name": "Lê Văn",
                "role": Role.UPPER_LEVEL,
                "upper_unit": upper,
                "position": "Chuyên viên Phòng Nông nghiệp và Môi trường",
            },
        ),
        (
            "canbo_qt",
            {
                "first_name": "Lan",
                "last_name": "Phạm Thị",
                "role": Role.WARD_OFFICER,
                "ward": qt,
                "position": "Công chức Lao động - Thương binh và Xã hội",
            },
        ),
    ]
    for username, fields in users:
        _, made = _ensure_user(username, **fields)
        created["users"] += made
    return created
