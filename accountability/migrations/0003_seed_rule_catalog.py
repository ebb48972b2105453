"""The rule catalog as the seeds write it (S1 八(四), 八(五); S0 二(三), 三), and the
rules other apps record occurrences under. Ranges and texts are the administrators'
to edit afterwards; this seeds only rules that do not exist yet."""

from decimal import Decimal

from django.db import migrations

W410 = {
    "group": "R-ACC-4",
    "target": "window",
    "points_min": "5",
    "points_max": "10",
    "links": ["clerk", "chief"],
    "self_examination": True,
    "rectification": True,
}
P1015 = {
    "group": "R-ACC-5",
    "target": "person",
    "points_min": "10",
    "points_max": "15",
    "links": ["clerk", "chief"],
    "award_loss": True,
    "warn_window_head": True,
}
ACC4 = [
    "应当给予申办人答复而不予答复",
    "不一次性告知或者不能准确一次性告知申办人所需要补正的全部材料，致使申办人因材料不合格多次申报",
    "应当场办理而故意不当场办理",
    "对办理事项不按规定进行登记或者不给申办人出具书面凭证",
    "属于本窗口审批的事项，超过承诺时限办结",
    "故意拖延或者拒绝依法给予申办人补办手续",
    "对受理事项不按规定分送承办机构造成延误办理",
    "应当请示报告领导而不及时请示报告造成不良后果",
    "不按时或者不如实上报办理情况",
]
ACC5 = [
    "属于本窗口审批的事项，超过法定时限办结",
    "牵头窗口不负责或者不配合牵头窗口工作造成延误联办事项的审批",
    "对重大或者紧急事项，窗口负责人不及时协调解决",
    "不按规定编制和上报窗口办理事项流程时限表，或擅自更改流程时限表导致延误办理",
    "不按规定向社会承诺本窗口办理事项时限或者不按规定上报重点审批事项、审批单位和责任岗位办理情况",
    "不按规定提出审查意见",
    "岗位责任人粗暴刁难申办人以及多次出现超时办结等现象",
]
OTHERS = [
    {
        "code": "R-ACC-8",
        "group": "R-ACC-8",
        "text": "投诉办理不及时、不到位，造成重复投诉或越级投诉",
        "basis": "S0 三.3",
        "target": "window",
        "points_min": "5",
        "points_max": "10",
        "links": ["clerk", "chief", "supervisor"],
        "rectification": True,
    },
    {
        "code": "R-ACC-8.1",
        "group": "R-ACC-8",
        "text": "应进驻大厅的事项未进驻，窗口无事可办",
        "basis": "S0 三.1",
        "target": "window",
        "points_min": "5",
        "points_max": "10",
        "links": ["chief"],
        "rectification": True,
    },
    {
        "code": "R-ACC-8.3",
        "group": "R-ACC-8",
        "text": "领导交办事项办理不及时",
        "basis": "S0 三.3",
        "target": "window",
        "points_min": "5",
        "points_max": "10",
        "links": ["clerk", "chief", "supervisor"],
        "rectification": True,
    },
    {
        "code": "R-ACC-9",
        "group": "R-ACC-9",
        "text": "工作效率低下、服务态度差，予以通报批评；情节严重且不改正的，建议调整人员",
        "basis": "S0 二(三)3(3)",
        "target": "person",
        "points_min": "0",
        "points_max": "5",
        "links": ["clerk"],
        "criticism": True,
        "grouping": "person_month",
    },
    {
        "code": "R-ORG-7",
        "group": "R-ORG-7",
        "text": "离岗超过20分钟未经窗口负责人准假并安排顶岗（考勤违规）",
        "basis": "S4 五",
        "target": "person",
        "points_min": "0",
        "points_max": "2",
        "links": ["clerk"],
        "grouping": "person_month",
    },
    {
        "code": "R-COMP-2",
        "group": "R-COMP-2",
        "text": "经核实的投诉",
        "basis": "S2 §16",
        "target": "person",
        "points_min": "0",
        "points_max": "5",
        "links": ["clerk", "chief"],
    },
    {
        "code": "R-PATROL-2",
        "group": "R-PATROL-2",
        "text": "日常巡查发现的问题（着装、环境秩序、接听电话等）",
        "basis": "S4 六.3",
        "target": "window",
        "points_min": "0",
        "points_max": "2",
        "links": ["clerk"],
        "grouping": "person_month",
    },
]


def rules():
    for n, text in enumerate(ACC4, 1):
        yield {"code": f"R-ACC-4.{n}", "text": text, "basis": f"S1 八(四){n}", **W410}
    for n, text in enumerate(ACC5, 1):
        yield {"code": f"R-ACC-5.{n}", "text": text, "basis": f"S1 八(五){n}", **P1015}
    yield from OTHERS


def seed(apps, schema_editor):
    Rule = apps.get_model("accountability", "Rule")
    for spec in rules():
        values = dict(spec)
        code = values.pop("code")
        values["points_min"] = Decimal(values["points_min"])
        values["points_max"] = Decimal(values["points_max"])
        Rule.objects.get_or_create(code=code, defaults=values)


class Migration(migrations.Migration):
    dependencies = [("accountability", "0002_rule_catalog_cases")]
    operations = [migrations.RunPython(seed, migrations.RunPython.noop)]
