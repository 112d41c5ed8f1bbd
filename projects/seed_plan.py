"""The ward's 2025 plan exactly as written (docs/seed/ke-hoach-giam-ngheo-hung-binh-2025.txt).

Kế hoạch thực hiện Chương trình MTQG Giảm nghèo bền vững trên địa bàn phường Hưng
Bình năm 2025 (30/5/2025). The text keeps the document's own wording, spelling and
punctuation, including its slips ("hiểu quả", "tuyên truyên"): it is what was
signed. tests/projects/test_seed_plan.py reads the copy of the document and the
loaded plan side by side.

`load_seed_plan` runs in migration projects/0003 (with the migration's historical
models) for a ward named Hưng Bình that already exists, and from `seed_demo` for
the demo ward. It uses only plain ORM calls on fields that exist since 0001, so
it works with either set of models; if you change these models, keep it working
with the state of migration 0003 (or freeze a copy of it in that migration).
"""

from datetime import date

from django.apps import apps as global_apps

PROGRAM_CODE = "gnbv-2021-2025"
YEAR = 2025

# The ward's units that the plan names: (name, short name, kind, order).
UNITS = [
    ("Công chức Lao động - Thương binh và Xã hội", "LĐ-TB&XH", "officer", 1),
    ("Công chức Tài chính - Kế toán, Đô thị", "TC-KT, Đô thị", "officer", 2),
    ("Công chức Văn hóa - Thông tin", "VH-TT", "officer", 3),
    ("Trạm Y tế phường", "Trạm Y tế", "health_station", 4),
    ("Ủy ban Mặt trận Tổ quốc phường", "UBMTTQ", "mass_organisation", 5),
    ("Ban cán sự khối", "Ban cán sự khối", "khoi_committee", 6),
]
LDTBXH, TCKT, VHTT, YTE, MTTQ, KHOI = (u[0] for u in UNITS)

HEADER = {
    "issuing_body_parent": "ỦY BAN NHÂN DÂN",
    "issuing_body": "PHƯỜNG HƯNG BÌNH",
    "number": "",
    "symbol": "KH-UBND",
    "place": "Hưng Bình",
    "dated_on": date(2025, 5, 30),
    "subject": "Thực hiện Chương trình mục tiêu quốc gia Giảm nghèo bền vững\ntrên địa bàn phường Hưng Bình năm 2025",
}

BASIS = (
    "Thực hiện Kế hoạch số 120/KH-UBND ngày 27/05/2025 của UBND thành phố Vinh về việc thực hiện Chương trình "
    "mục tiêu quốc gia Giảm nghèo bền vững trên địa bàn thành phố Vinh năm 2025; UBND phường Hưng Bình xây dựng "
    "Kế hoạch giảm nghèo bền vững trên địa bàn phường Hưng Bình năm 2025 như sau:"
)

# (document, dated, issued by, about)
REFERENCES = [
    (
        "Kế hoạch số 120/KH-UBND",
        date(2025, 5, 27),
        "UBND thành phố Vinh",
        "về việc thực hiện Chương trình mục tiêu quốc gia Giảm nghèo bền vững trên địa bàn thành phố Vinh năm 2025",
    ),
    (
        "Nghị quyết số 24/2021/QH15",
        date(2021, 7, 28),
        "Quốc hội",
        "phê duyệt chủ trương đầu tư Chương trình mục tiêu quốc gia giảm nghèo bền vững giai đoạn 2021-2025",
    ),
    (
        "Quyết định số 90/QĐ-TTg",
        date(2022, 1, 18),
        "Thủ tướng Chính phủ",
        "phê duyệt Chương trình Mục tiêu quốc gia giảm nghèo bền vững giai đoạn 2021-2025",
    ),
]

PURPOSES = [
    "- Quán triệt và chỉ đạo thực hiện Nghị quyết số 24/2021/QH15 ngày 28/7/2021 của Quốc hội phê duyệt chủ trương "
    "đầu tư Chương trình mục tiêu quốc gia giảm nghèo bền vững giai đoạn 2021-2025; Quyết định số 90/QĐ-TTg ngày "
    "18/01/2022 của Thủ tướng Chính phủ phê duyệt Chương trình Mục tiêu quốc gia giảm nghèo bền vững giai đoạn "
    "2021-2025 tới Đảng ủy, chính quyền, Mặt trận Tổ quốc, các sở, ban ngành, đoàn thể chính trị - xã hội từ phường "
    "đến các khối dân cư và nhân dân trên địa bàn phường nhằm nâng cao nhận thức, phát huy tinh thần, trách nhiệm, "
    "tính chủ động sáng tạo trong quá trình thực hiện.",
    "- Tập trung lãnh đạo, chỉ đạo thực hiện có hiệu quả Chương trình mục tiêu quốc gia Giảm nghèo bền vững năm 2025 "
    "nhằm đạt được mục tiêu giảm nghèo bền vững, tạo nền tảng vững chắc cho phát triển kinh tế - xã hội, xây dựng "
    "củng cố hệ thống chính trị, ổn định trật tự xã hội, đảm bảo quốc phòng an ninh, đẩy lùi các tệ nạn xã hội trên "
    "địa bàn, tăng khả năng tiếp cận các dịch vụ xã hội, tạo điều kiện cho người nghèo nâng cao chất lượng cuộc sống, "
    "cơ bản bảo đảm an sinh xã hội trên địa bàn phường.",
    "- Huy động sự vào cuộc của cả hệ thống chính trị, nâng cao vai trò trách nhiệm của các cấp uỷ đảng, chính quyền "
    "và các tổ chức chính trị xã hội trong việc thực hiện công tác Giảm nghèo trên địa bàn.",
]

REQUIREMENTS = [
    "- Đảng uỷ, chính quyền, các tổ chức chính trị xã hội phải xác định giảm nghèo là nhiệm vụ trọng tâm gắn với "
    "chiến lược phát triển KT-XH của phường.",
    "- Tăng cường phối hợp với các cơ quan, đơn vị để thực hiện có hiểu quả Chương trình. Việc tổ chức triển khai "
    "thực hiện Kế hoạch, công tác giảm nghèo bền vững cần đồng bộ, thường xuyên với nhiều chính sách, giải pháp "
    "thiết thực, phù hợp với đặc điểm, điều kiện tình hình của địa phương.",
]

TARGET_GROUPS = [
    "- Hộ nghèo, hộ cận nghèo, hộ mới thoát nghèo (trong vòng 36 tháng kể từ thời điểm hộ được cấp có thẩm quyền "
    "công nhận thoát nghèo) trên địa bàn phường. Ưu tiên hỗ trợ hộ nghèo dân tộc thiểu số, hộ nghèo có thành viên là "
    "người có công với cách mạng; trẻ em, người khuyết tật, phụ nữ thuộc hộ nghèo, hộ cận nghèo, hộ mới thoát nghèo;",
    "- Người lao động thuộc hộ nghèo, hộ cận nghèo, hộ mới thoát nghèo.",
    "- Cơ sở giáo dục nghề nghiệp, tổ chức dịch vụ việc làm, doanh nghiệp, hợp tác xã trên địa bàn;",
    "- Các tổ chức và cá nhân có liên quan.",
]

SCOPE = "Chương trình mục tiêu quốc gia giảm nghèo bền vững năm 2025 thực hiện trên phạm vi toàn phường Hưng Bình"

_LEAD_TCKT = (
    "Công chức Tài chính- Kế toán, Đô thị chủ trì, phối hợp với các bộ phận liên quan tổ chức thực hiện trên địa "
    "bàn; kiểm tra, giám sát, đánh giá và tổng hợp báo cáo kết quả thực hiện theo quy định."
)
_LEAD_LDTBXH = (
    "Công chức Lao động - Thương binh và Xã hội chủ trì, phối hợp với các bộ phận có liên quan tổ chức thực hiện "
    "trên địa bàn; kiểm tra, giám sát, đánh giá và tổng hợp báo cáo kết quả thực hiện theo quy định."
)
_RELATED = "các bộ phận có liên quan."


def _targets(point: str) -> str:
    return f"Thực hiện theo quy định tại {point} mục III Quyết định số 90/QĐ-TTg."


# Section III, in order: (number, group number, group heading, heading, sub-project code,
# objective paragraphs, targets and content, lead unit, lead as written, coordinating as written)
ITEMS = [
    (
        "1",
        "",
        "",
        "Dự án 2: Hỗ trợ đa dạng hoá sinh kế, phát triển mô hình giảm nghèo",
        "2",
        [
            "Hỗ trợ đa dạng hóa sinh kế, xây dựng, phát triển và nhân rộng các mô hình, dự án giảm nghèo hỗ trợ phát "
            "triển sản xuất, kinh doanh, dịch vụ, du lịch, khởi nghiệp, khởi sự kinh doanh nhằm tạo việc làm, sinh kế "
            "bền vững, thu nhập tốt, nâng cao chất lượng cuộc sống và thích ứng với biến đổi khí hậu, dịch bệnh cho "
            "người nghèo; góp phần thực hiện mục tiêu chuyển dịch cơ cấu kinh tế, cơ cấu lao động, phát huy các giá "
            "trị văn hoá của dân tộc, bảo vệ môi trường, tăng trưởng kinh tế và mục tiêu giảm nghèo bền vững."
        ],
        _targets("khoản 2"),
        TCKT,
        _LEAD_TCKT,
        "Các bộ phận có liên quan.",
    ),
    (
        "2.1",
        "2",
        "Dự án 3: Hỗ trợ phát triển sản xuất",
        "Tiểu dự án 1: Hỗ trợ phát triển sản xuất trong lĩnh vực nông nghiệp",
        "3.1",
        [
            "hỗ trợ nâng cao năng lực sản xuất nông, lâm, ngư nghiệp; đẩy mạnh phát triển sản xuất liên kết theo "
            "chuỗi giá trị, ứng dụng công nghệ cao nhằm đổi mới phương thức, kỹ thuật sản xuất, bảo đảm an ninh "
            "lương thực, đáp ứng nhu cầu dinh dưỡng, tăng thu nhập; gắn với quy hoạch sản xuất, đề án chuyển đổi cơ "
            "cấu sản xuất của địa phương theo hướng sản xuất hàng hóa, nâng cao năng suất, chất lượng, hiệu quả sản "
            "xuất, phát triển các sản phẩm có tiềm năng, thế mạnh tại địa phương, tạo giá trị gia tăng cho người sản "
            "xuất, thoát nghèo bền vững."
        ],
        _targets("điểm a khoản 3"),
        TCKT,
        _LEAD_TCKT,
        "Các bộ phận có liên quan.",
    ),
    (
        "2.2",
        "2",
        "Dự án 3: Hỗ trợ phát triển sản xuất",
        "Tiểu dự án 2: Cải thiện dinh dưỡng",
        "3.2",
        [
            "Cải thiện tình trạng dinh dưỡng và giảm suy dinh dưỡng thấp còi, chăm sóc sức khoẻ, nâng cao thể trạng "
            "và tầm vóc của trẻ em dưới 16 tuổi thuộc hộ nghèo, hộ cận nghèo, hộ mới thoát nghèo."
        ],
        "Thực hiện theo quy định tại điểm b, Khoản 3 Mục III Quyết định 90/QĐ-TTg.",
        YTE,
        "Trạm Y tế Phường chủ trì, phối hợp với các bộ phận liên quan tổ chức thực hiện; kiểm tra, giám sát, đánh "
        "giá và tổng hợp báo cáo kết quả thực hiện theo quy định.",
        _RELATED,
    ),
    (
        "3.1",
        "3",
        "Dự án 4: Phát triển giáo dục nghề nghiệp, việc làm bền vững",
        "Tiểu dự án 1: Phát triển giáo dục nghề nghiệp",
        "4.1",
        [
            "Phát triển giáo dục nghề nghiệp cả về quy mô và chất lượng đào tạo, hỗ trợ đào tạo nghề cho người "
            "nghèo, người dân sinh sống trên địa bàn phường, gắn kết chặt chẽ giáo dục nghề nghiệp với tạo việc làm, "
            "sinh kế bền vững, tăng thu nhập và nâng cao chất lượng cuộc sống."
        ],
        _targets("điểm a khoản 4"),
        LDTBXH,
        _LEAD_LDTBXH,
        _RELATED,
    ),
    (
        "3.2",
        "3",
        "Dự án 4: Phát triển giáo dục nghề nghiệp, việc làm bền vững",
        "Tiểu dự án 3: Hỗ trợ việc làm bền vững",
        "4.3",
        [
            "Cung cấp thông tin thị trường lao động, đa dạng hóa các hoạt động giao dịch việc làm, kết nối cung cầu "
            "lao động, hỗ trợ tạo việc làm bền vững cho người lao động, ưu tiên người lao động thuộc hộ nghèo, hộ cận "
            "nghèo, hộ mới thoát nghèo."
        ],
        _targets("điểm c khoản 4"),
        LDTBXH,
        _LEAD_LDTBXH,
        _RELATED,
    ),
    (
        "4.1",
        "4",
        "Dự án 6: Truyền thông và giảm nghèo về thông tin",
        "Tiểu dự án 1: Giảm nghèo về thông tin",
        "6.1",
        [
            "+ Hỗ trợ hộ nghèo, hộ cận nghèo, hộ mới thoát nghèo; người dân sinh sống trên địa bàn sử dụng dịch vụ "
            "viễn thông, tiếp cận thông tin, giảm nghèo về thông tin;",
            "+ Nâng cao năng lực, hiệu quả hoạt động của hệ thống thông tin cơ sở; đảm bảo 100% phường, xã có hệ "
            "thống đài truyền thanh hoạt động, phục vụ tốt cho công tác thông tin, tuyên truyền và quản lý, điều hành "
            "tại địa phương;",
            "+ Tăng cường thông tin, tuyên truyền phục vụ nhiệm vụ chính trị, thông tin thiết yếu cho xã hội, thông "
            "tin cho người dân sinh sống trên địa bàn về kiến thức, kỹ năng, mô hình, kinh nghiệm lao động, sản xuất, "
            "kinh doanh; truyền thông nâng cao nhận thức, trách nhiệm của toàn xã hội, của người nghèo về công tác "
            "giảm nghèo, đảm bảo an sinh xã hội bền vững;",
            "+ Tăng cường tiếp cận thông tin thiết yếu cho cộng đồng dân cư; đảm bảo 100% phường, xã có điểm cung cấp "
            "thông tin công cộng phục vụ người dân sử dụng dịch vụ thông tin thiết yếu, góp phần thúc đẩy phát triển "
            "kinh tế - xã hội.",
        ],
        _targets("điểm a khoản 6"),
        VHTT,
        "Công chức Văn hoá - Thông tin phối hợp với các bộ phận có liên quan tổ chức thực hiện trên địa bàn; kiểm "
        "tra, giám sát, đánh giá và tổng hợp báo cáo kết quả thực hiện theo quy định.",
        _RELATED,
    ),
    (
        "4.2",
        "4",
        "Dự án 6: Truyền thông và giảm nghèo về thông tin",
        "Tiểu dự án 2: Truyền thông về giảm nghèo đa chiều",
        "6.2",
        [
            "Tăng cường truyền thông, nâng cao nhận thức, trách nhiệm của toàn xã hội về công tác giảm nghèo đa "
            "chiều, bao trùm, bền vững nhằm khơi dậy tinh thần tự lực, tự cường vươn lên thoát nghèo của người dân và "
            "cộng đồng; nâng cao khả năng tiếp cận và thụ hưởng trợ giúp pháp lý, huy động nguồn lực để thực hiện mục "
            "tiêu giảm nghèo bền vững; tuyên truyền các gương điển hình, sáng kiến, mô hình tốt về giảm nghèo để thúc "
            "đẩy, nhân rộng và lan tỏa trong xã hội."
        ],
        _targets("điểm b khoản 6"),
        LDTBXH,
        _LEAD_LDTBXH,
        _RELATED,
    ),
    (
        "5.1",
        "5",
        "Dự án 7: Nâng cao năng lực và giám sát, đánh giá Chương trình",
        "Tiểu dự án 1: Nâng cao năng lực thực hiện Chương trình",
        "7.1",
        [
            "Nâng cao năng lực đội ngũ cán bộ làm công tác giảm nghèo ở các cấp nhằm hỗ trợ người nghèo vươn lên "
            "thoát nghèo, phòng ngừa, hạn chế người dân rơi vào tình trạng nghèo; bảo đảm thực hiện Chương trình đúng "
            "mục tiêu, đúng đối tượng, hiệu quả, bền vững."
        ],
        _targets("điểm a khoản 7"),
        LDTBXH,
        _LEAD_LDTBXH,
        _RELATED,
    ),
    (
        "5.2",
        "5",
        "Dự án 7: Nâng cao năng lực và giám sát, đánh giá Chương trình",
        "Tiểu dự án 2: Giám sát, đánh giá",
        "7.2",
        [
            "Thiết lập quy trình, hệ thống giám sát, đánh giá đồng bộ, toàn diện đáp ứng yêu cầu quản lý Chương "
            "trình; Tổ chức giám sát, đánh giá việc tổ chức thực hiện Chương trình, đảm bảo thực hiện đúng mục tiêu, "
            "đúng đối tượng và quy định của pháp luật."
        ],
        _targets("điểm b khoản 7"),
        LDTBXH,
        _LEAD_LDTBXH,
        _RELATED,
    ),
]

# Section IV, in order: (heading as written, units it names, paragraphs)
DUTIES = [
    (
        "Công chức Lao động Thương binh và Xã hội",
        [LDTBXH],
        [
            "- Chủ trì chỉ đạo, hướng dẫn và tổ chức thực hiện công tác giảm nghèo bền vững trên địa bàn phường, phối "
            "hợp với các ban, ngành liên quan tổ chức triển khai thực hiện thực hiện có hiệu quả.",
            "- Chủ trì và phối hợp với các ngành liên quan xây dựng kế hoạch hàng năm về mục tiêu, nhiệm vụ, các giải "
            "pháp và nhu cầu kinh phí thực hiện công tác giảm nghèo trên địa bàn phường; tổng hợp kết quả báo cáo "
            "UBND Thành phố.",
            "- Chủ trì và phối hợp với các bộ phận tham mưu tổ chức hội nghị sơ kết, tổng kết thực hiện Chương trình.",
            "- Tổ chức triển khai thực hiện công tác giảm nghèo trên địa bàn, chủ động huy động thêm các nguồn lực "
            "ngoài các nguồn được cấp để thực hiện có hiệu quả.",
            "- Phối hợp với các đơn vị có liên quan tổ chức triển khai thực hiện các chính sách, dự án hỗ trợ giảm "
            "nghèo trên địa bàn.",
            "- Báo cáo định kỳ hoặc đột xuất (khi cần thiết) về tình hình triển khai thực hiện công tác giảm nghèo.",
        ],
    ),
    (
        "Công chức Kế toán, Đô thị Phường",
        [TCKT],
        [
            "- Phối hợp với Công chức LĐTBXH, cân đối, bố trí kinh phí thực hiện công tác giảm nghèo hằng năm trình "
            "UBND phường xem xét, quyết định theo quy định.",
            "- Xây dựng và hướng dẫn về cơ chế quản lý và sử dụng, thanh quyết toán kinh phí thực hiện các chính sách "
            "cụ thể; đồng thời, giám sát, kiểm tra, hướng dẫn sử dụng nguồn kinh phí đúng mục đích, có hiệu quả.",
            "- Chủ trì, phối hợp với các ngành liên quan chỉ đạo hướng dẫn, triển khai thực hiện chương trình khuyến "
            "nông, khuyến ngư và hỗ trợ phát triển sản xuất, chỉ đạo xây dựng các mô hình chuyển giao tiến bộ kỹ "
            "thuật, mô hình sản xuất chuyên canh tập trung theo hướng sản xuất hàng hóa để người nghèo dễ tiếp cận và "
            "tham gia; đầu tư các công trình cơ sở hạ tầng phục vụ sản xuất nông nghiệp, mô hình liên kết giữa doanh "
            "nghiệp với hộ nghèo.",
            "- Trực tiếp chủ trì, phối hợp với các ngành liên quan chỉ đạo, hướng dẫn thực hiện các hoạt động hỗ trợ "
            "phát triển sản xuất, đa dạng hóa sinh kế trên địa bàn phường; tổng hợp kết quả thực hiện và báo cáo UBND "
            "phường theo quy định.",
        ],
    ),
    (
        "Công chức Văn hóa",
        [VHTT],
        [
            "- Tuyên truyền phổ biến các chủ trương, chính sách của Nhà nước về công tác giảm nghèo; tuyên truyền các "
            "mô hình mới, cách làm hay, sáng tạo, hiệu quả về giảm nghèo, thông qua đó nhằm nâng cao nhận thức, trách "
            "nhiệm của các ngành, các cấp đối với công tác giảm nghèo bền vững; tuyên truyền các tấm gương vươn lên "
            "thoát nghèo hiệu quả...",
            "- Chủ trì, phối hợp với Công chức LĐ.TBXH, các ban, ngành liên quan hướng dẫn hoạt động tuyên truyền; "
            "theo dõi, giám sát thực hiện nội dung giảm nghèo, tổng hợp kết quả thực hiện và báo cáo UBND phường.",
        ],
    ),
    (
        "Đề nghị Ủy ban Mặt trận Tổ quốc và các tổ chức CTXH phường",
        [MTTQ],
        [
            "Trong phạm vi, chức năng nhiệm vụ của mình chỉ đạo các tổ chức thành viên của Mặt trận Tổ quốc tổ chức "
            "tốt công tác tuyên truyên, vận động hội viên và nhân dân hưởng ứng, tham gia thực hiện công tác giảm "
            "nghèo. Phát động và tổ chức các phong trào “Ngày vì người nghèo”, xây dựng “Quỹ vì người nghèo”, chương "
            'trình "Tết vì người nghèo"; hướng dẫn lồng ghép phong trào thi đua “Cả nước chung tay vì người nghèo - '
            "Không để ai bị bỏ lại phía sau” giai đoạn 2021-2025; động viên, khích lệ tính tự chủ của người dân vươn "
            "lên thoát nghèo.",
        ],
    ),
    (
        "Ban cán sự 15 khối",
        [KHOI],
        [
            "- Thường xuyên tuyên truyền các chủ trương, chính sách liên quan giảm nghèo, đào tạo nghề, giải quyết "
            "việc làm cho người lao động.",
            "- Rà soát, nắm chắc hoàn cảnh các hộ gia đình trong khối, đề xuất hỗ trợ đối với các trường hợp hỗ trợ "
            "khó khăn.",
        ],
    ),
]

CLOSING = (
    "Trên đây là Kế hoạch thực hiện Chương trình mục tiêu quốc gia Giảm nghèo bền vững trên địa bàn phường Hưng Bình "
    "năm 2025. Đề nghị các bộ phận liên quan thực hiện nghiêm túc nội dung trên. Quá trình thực hiện có gì vướng mắc "
    "báo cáo về UBND phường (qua đ/c Thủy - Công chức Lao động TBXH) để phối hợp giải quyết./."
)

RECIPIENTS = [
    "- Phòng NN và môi trường tổng hợp TP;",
    "- TT Đảng ủy; TT HĐND;",
    "- Chủ tịch, các PCT UBND;",
    "- UBMTTQ và các tổ chức Thành viên;",
    "- Các bộ phận có liên quan;",
    "- Lưu: VT, LĐTBXH.",
]

SIGNER = {
    "signer_authority": "TM. ỦY BAN NHÂN DÂN\nKT. CHỦ TỊCH",
    "signer_title": "PHÓ CHỦ TỊCH",
    "signer_name": "Hồ Thị Nhàn",
}


def ensure_units(ward_id: int, *, apps=global_apps) -> dict[str, object]:
    """The ward's units the plan names, created when missing; by name."""
    Unit = apps.get_model("assignments", "Unit")
    units = {}
    for name, short_name, kind, position in UNITS:
        unit, _ = Unit.objects.get_or_create(
            ward_id=ward_id, name=name, defaults={"short_name": short_name, "kind": kind, "position": position}
        )
        units[name] = unit
    return units


def load_seed_plan(ward_id: int, *, apps=global_apps, created_by_id=None):
    """Load the 2025 plan for the ward, issued as signed on 30/5/2025; None if the ward has a 2025 plan already."""
    Plan = apps.get_model("projects", "Plan")
    if Plan.objects.filter(ward_id=ward_id, year=YEAR).exists():
        return None
    Program = apps.get_model("projects", "Program")
    SubProject = apps.get_model("projects", "SubProject")
    PlanReference = apps.get_model("projects", "PlanReference")
    PlanItem = apps.get_model("projects", "PlanItem")
    ItemAssignment = apps.get_model("assignments", "ItemAssignment")
    Duty = apps.get_model("assignments", "Duty")

    program = Program.objects.get(code=PROGRAM_CODE)
    subprojects = {s.code: s for s in SubProject.objects.filter(program=program)}
    units = ensure_units(ward_id, apps=apps)
    plan = Plan.objects.create(
        ward_id=ward_id,
        program=program,
        year=YEAR,
        version=1,
        state="issued",
        origin="new",
        issued_on=HEADER["dated_on"],
        basis=BASIS,
        purposes="\n".join(PURPOSES),
        requirements="\n".join(REQUIREMENTS),
        target_groups="\n".join(TARGET_GROUPS),
        scope=SCOPE,
        closing=CLOSING,
        recipients="\n".join(RECIPIENTS),
        created_by_id=created_by_id,
        **HEADER,
        **SIGNER,
    )
    for position, (document, issued_on, issuer, title) in enumerate(REFERENCES, start=1):
        PlanReference.objects.create(
            plan=plan, position=position, document=document, issued_on=issued_on, issuer=issuer, title=title
        )
    for position, row in enumerate(ITEMS, start=1):
        number, group_number, group_heading, heading, code, objective, targets, lead, lead_text, coordinating = row
        item = PlanItem.objects.create(
            plan=plan,
            position=position,
            number=number,
            group_number=group_number,
            group_heading=group_heading,
            heading=heading,
            subproject=subprojects[code],
            objective="\n".join(objective),
            targets_content=targets,
            lead_text=lead_text,
            coordinating_text=coordinating,
        )
        ItemAssignment.objects.create(item=item, unit=units[lead], role="lead")
    for position, (heading, unit_names, text) in enumerate(DUTIES, start=1):
        duty = Duty.objects.create(plan=plan, position=position, heading=heading, text="\n".join(text))
        duty.units.set([units[name] for name in unit_names])
    return plan
