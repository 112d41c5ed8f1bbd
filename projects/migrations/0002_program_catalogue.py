"""The national program 2021–2025 (Quyết định 90/QĐ-TTg), its projects and sub-projects
with whom each supports, and the funding sources: data an administrator edits.

Names follow the ward plan where it names them; the others are QĐ 90's as
recalled (docs/program.md, "verify"). The data is frozen here, not imported, so
this migration means the same thing whatever the code becomes.
"""

from django.db import migrations

PROGRAM = {
    "code": "gnbv-2021-2025",
    "name": "Chương trình mục tiêu quốc gia Giảm nghèo bền vững giai đoạn 2021-2025",
    "short_name": "MTQG Giảm nghèo bền vững 2021–2025",
    "start_year": 2021,
    "end_year": 2025,
    "decision": "Quyết định số 90/QĐ-TTg ngày 18/01/2022 của Thủ tướng Chính phủ",
}

# project number, name, basis; sub-projects: (number or None, name, basis, target rule)
PROJECTS = [
    (
        1,
        "Hỗ trợ đầu tư phát triển hạ tầng kinh tế - xã hội các huyện nghèo, các xã đặc biệt khó khăn vùng bãi "
        "ngang, ven biển và hải đảo",
        "khoản 1 mục III",
        [(None, "Hỗ trợ đầu tư phát triển hạ tầng kinh tế - xã hội", "khoản 1 mục III", "anyone")],
    ),
    (
        2,
        "Hỗ trợ đa dạng hoá sinh kế, phát triển mô hình giảm nghèo",
        "khoản 2 mục III",
        [(None, "Hỗ trợ đa dạng hoá sinh kế, phát triển mô hình giảm nghèo", "khoản 2 mục III", "target_household")],
    ),
    (
        3,
        "Hỗ trợ phát triển sản xuất, cải thiện dinh dưỡng",
        "khoản 3 mục III",
        [
            (1, "Hỗ trợ phát triển sản xuất trong lĩnh vực nông nghiệp", "điểm a khoản 3 mục III", "target_household"),
            (2, "Cải thiện dinh dưỡng", "điểm b khoản 3 mục III", "child_of_target"),
        ],
    ),
    (
        4,
        "Phát triển giáo dục nghề nghiệp, việc làm bền vững",
        "khoản 4 mục III",
        [
            (1, "Phát triển giáo dục nghề nghiệp", "điểm a khoản 4 mục III", "worker_of_target"),
            (
                2,
                "Hỗ trợ người lao động đi làm việc ở nước ngoài theo hợp đồng",
                "điểm b khoản 4 mục III",
                "worker_of_target",
            ),
            (3, "Hỗ trợ việc làm bền vững", "điểm c khoản 4 mục III", "worker_of_target"),
        ],
    ),
    (
        5,
        "Hỗ trợ nhà ở cho hộ nghèo, hộ cận nghèo trên địa bàn các huyện nghèo",
        "khoản 5 mục III",
        [(None, "Hỗ trợ nhà ở cho hộ nghèo, hộ cận nghèo", "khoản 5 mục III", "poor_or_near_poor")],
    ),
    (
        6,
        "Truyền thông và giảm nghèo về thông tin",
        "khoản 6 mục III",
        [
            (1, "Giảm nghèo về thông tin", "điểm a khoản 6 mục III", "anyone"),
            (2, "Truyền thông về giảm nghèo đa chiều", "điểm b khoản 6 mục III", "anyone"),
        ],
    ),
    (
        7,
        "Nâng cao năng lực và giám sát, đánh giá Chương trình",
        "khoản 7 mục III",
        [
            (1, "Nâng cao năng lực thực hiện Chương trình", "điểm a khoản 7 mục III", "anyone"),
            (2, "Giám sát, đánh giá", "điểm b khoản 7 mục III", "anyone"),
        ],
    ),
]

# code, name, category, order
FUNDING_SOURCES = [
    ("central_budget", "Ngân sách trung ương", "budget", 1),
    ("local_budget", "Ngân sách địa phương", "budget", 2),
    ("fund_for_the_poor", "Quỹ vì người nghèo", "mobilised", 3),
    ("tet_for_the_poor", "Tết vì người nghèo", "mobilised", 4),
    ("other_mobilised", "Nguồn huy động khác", "mobilised", 5),
    ("policy_credit", "Tín dụng chính sách (Ngân hàng Chính sách xã hội)", "credit", 6),
]


def load(apps, schema_editor):
    Program = apps.get_model("projects", "Program")
    Project = apps.get_model("projects", "Project")
    SubProject = apps.get_model("projects", "SubProject")
    FundingSource = apps.get_model("projects", "FundingSource")
    program, _ = Program.objects.get_or_create(code=PROGRAM["code"], defaults=PROGRAM)
    for number, name, basis, subprojects in PROJECTS:
        project, _ = Project.objects.get_or_create(
            program=program, number=number, defaults={"name": name, "basis": basis}
        )
        for sub_number, sub_name, sub_basis, rule in subprojects:
            # Historical models do not run SubProject.save(): program and code are set here.
            code = str(number) if sub_number is None else f"{number}.{sub_number}"
            SubProject.objects.get_or_create(
                program=program,
                code=code,
                defaults={
                    "project": project,
                    "number": sub_number,
                    "name": sub_name,
                    "basis": sub_basis,
                    "target_rule": rule,
                },
            )
    for code, name, category, position in FUNDING_SOURCES:
        FundingSource.objects.get_or_create(
            code=code, defaults={"name": name, "category": category, "position": position}
        )


class Migration(migrations.Migration):
    dependencies = [("projects", "0001_initial")]

    operations = [migrations.RunPython(load, migrations.RunPython.noop)]
