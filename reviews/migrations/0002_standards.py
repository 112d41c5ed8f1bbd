"""The two poverty standards of docs/reviews.md as data (an administrator corrects them in the admin).

Figures marked "verify" in `notes` were read from secondary sources; the
migration only creates what is missing, so a later correction is never undone.
"""

from django.db import migrations

ND07_INDICATORS = [
    ("viec_lam", "Việc làm", "Việc làm",
     "Ít nhất 1 người trong độ tuổi lao động có khả năng lao động, có nhu cầu làm việc nhưng không có việc làm "
     "hoặc làm công việc có tiền công, tiền lương nhưng không có hợp đồng lao động."),
    ("nguoi_phu_thuoc", "Việc làm", "Người phụ thuộc trong hộ gia đình",
     "Số người phụ thuộc chiếm trên 50% số thành viên của hộ."),
    ("dinh_duong", "Y tế", "Dinh dưỡng", "Ít nhất 1 trẻ em dưới 16 tuổi bị suy dinh dưỡng thấp còi hoặc nhẹ cân."),
    ("bao_hiem_y_te", "Y tế", "Bảo hiểm y tế", "Ít nhất 1 thành viên từ 6 tuổi trở lên không có bảo hiểm y tế."),
    ("giao_duc_nguoi_lon", "Giáo dục", "Trình độ giáo dục của người lớn",
     "Ít nhất 1 thành viên từ 16 đến 30 tuổi không tham gia các khóa đào tạo và không có bằng cấp, "
     "chứng chỉ giáo dục đào tạo so với độ tuổi tương ứng."),
    ("di_hoc_tre_em", "Giáo dục", "Tình trạng đi học của trẻ em",
     "Ít nhất 1 trẻ em từ 3 tuổi đến dưới 16 tuổi không được học đúng bậc, cấp học phù hợp với độ tuổi."),
    ("chat_luong_nha", "Nhà ở", "Chất lượng nhà ở", "Hộ đang ở trong ngôi nhà không bền chắc."),
    ("dien_tich_nha", "Nhà ở", "Diện tích nhà ở bình quân đầu người", "Diện tích nhà ở bình quân dưới 8 m²/người."),
    ("nguon_nuoc", "Nước sinh hoạt và vệ sinh", "Nguồn nước sinh hoạt",
     "Hộ không được tiếp cận nguồn nước sinh hoạt an toàn."),
    ("nha_tieu", "Nước sinh hoạt và vệ sinh", "Nhà tiêu hợp vệ sinh", "Hộ không sử dụng nhà tiêu hợp vệ sinh."),
    ("vien_thong", "Thông tin", "Sử dụng dịch vụ viễn thông",
     "Không có thành viên nào sử dụng dịch vụ internet."),
    ("tiep_can_thong_tin", "Thông tin", "Phương tiện phục vụ tiếp cận thông tin",
     "Hộ không có phương tiện nào trong số tivi, radio, máy tính và không nghe được hệ thống loa đài "
     "truyền thanh xã/thôn."),
]

# ND 351/2025 keeps 12 indicators in 6 dimensions, drops the information-access
# indicator and adds waste treatment (verify the list and wording).
ND351_INDICATORS = [row for row in ND07_INDICATORS if row[0] != "tiep_can_thong_tin"]
ND351_INDICATORS = [
    (code, "Nước sinh hoạt, vệ sinh và môi trường" if dim == "Nước sinh hoạt và vệ sinh" else dim, name, crit)
    for code, dim, name, crit in ND351_INDICATORS
]
ND351_INDICATORS.insert(
    10,
    ("xu_ly_rac", "Nước sinh hoạt, vệ sinh và môi trường", "Xử lý rác thải sinh hoạt",
     "Rác thải sinh hoạt của hộ không được thu gom, xử lý theo quy định (kiểm tra lại)."),
)

STANDARDS = [
    {
        "code": "nd-07-2021",
        "name": "Nghị định 07/2021/NĐ-CP",
        "legal_basis": "Nghị định 07/2021/NĐ-CP quy định chuẩn nghèo đa chiều giai đoạn 2022–2025; "
        "kéo dài đến hết năm 2026 theo Nghị định 351/2025/NĐ-CP. Điểm A theo Thông tư 07/2021/TT-BLĐTBXH.",
        "year_from": 2022,
        "year_to": 2026,
        "income_line_urban": 2_000_000,
        "income_line_rural": 1_500_000,
        "average_top_urban": 3_000_000,
        "average_top_rural": 2_250_000,
        "score_a_cutoff_urban": 175,
        "score_a_cutoff_rural": 140,
        "poor_min_deprivations": 3,
        "notes": "Kiểm tra lại cách diễn đạt các chỉ số với phụ lục của Nghị định.",
        "indicators": ND07_INDICATORS,
    },
    {
        "code": "nd-351-2025",
        "name": "Nghị định 351/2025/NĐ-CP",
        "legal_basis": "Nghị định 351/2025/NĐ-CP quy định chuẩn nghèo đa chiều giai đoạn 2026–2030 "
        "(áp dụng cho năm hưởng chính sách 2027–2030).",
        "year_from": 2027,
        "year_to": 2030,
        "income_line_urban": 2_800_000,
        "income_line_rural": 2_200_000,
        "average_top_urban": None,
        "average_top_rural": None,
        "score_a_cutoff_urban": None,
        "score_a_cutoff_rural": None,
        "poor_min_deprivations": 3,
        "notes": "Chưa rõ mức sống trung bình và ngưỡng điểm A: nhập khi có văn bản. "
        "Kiểm tra lại danh sách và cách diễn đạt các chỉ số (thêm xử lý rác thải, bỏ phương tiện tiếp cận thông tin).",
        "indicators": ND351_INDICATORS,
    },
]


def load(apps, schema_editor):
    Standard = apps.get_model("reviews", "Standard")
    Indicator = apps.get_model("reviews", "Indicator")
    for data in STANDARDS:
        data = dict(data)
        indicators = data.pop("indicators")
        standard, created = Standard.objects.get_or_create(code=data["code"], defaults=data)
        if not created:
            continue
        Indicator.objects.bulk_create(
            Indicator(standard=standard, code=code, dimension=dimension, name=name, criterion=criterion, order=i)
            for i, (code, dimension, name, criterion) in enumerate(indicators, start=1)
        )


class Migration(migrations.Migration):
    dependencies = [("reviews", "0001_initial")]

    operations = [migrations.RunPython(load, migrations.RunPython.noop)]
