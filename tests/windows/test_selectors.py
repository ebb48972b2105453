"""The public service guide's search (R-ITEM-1): by name, department and pinyin."""

import pytest

from tests.factories import DepartmentFactory, ServiceItemFactory
from windows.selectors import guide_departments, guide_item, guide_items

pytestmark = pytest.mark.django_db


@pytest.fixture
def catalog():
    """Three departments; one item named 不动产…, one found only through its department."""
    land = DepartmentFactory(code="ZR", name="县自然资源局")
    registry = DepartmentFactory(code="BDC", name="县不动产登记中心")  # initials xbdcdjzx
    police = DepartmentFactory(code="GA", name="县公安局")
    return {
        "records": ServiceItemFactory(code="ZR-001", name="不动产登记资料查询", department=land),
        "land_use": ServiceItemFactory(code="ZR-002", name="建设用地规划许可", department=land),
        # Found by `bdc` only because its department's initials contain it; its code
        # sorts before ZR-001, so only the ranking can put it second.
        "filing": ServiceItemFactory(code="BDC-001", name="房屋交易合同备案", department=registry),
        "id_card": ServiceItemFactory(code="GA-001", name="居民身份证换领", department=police),
    }


def names(items) -> list[str]:
    return [item.name for item in items]


def test_pinyin_initials_find_an_item_and_rank_it_above_a_department_match(catalog):
    # R-ITEM-1: `bdc` is how a clerk types 不动产 on a Latin keyboard.
    found = names(guide_items(query="bdc"))
    assert found == ["不动产登记资料查询", "房屋交易合同备案"]


def test_pinyin_initials_are_case_and_space_insensitive(catalog):
    assert "不动产登记资料查询" in names(guide_items(query=" B DC "))


def test_a_chinese_fragment_of_the_name_finds_the_item(catalog):
    assert names(guide_items(query="资料查询")) == ["不动产登记资料查询"]


def test_the_department_name_finds_its_items(catalog):
    found = names(guide_items(query="自然资源"))
    assert sorted(found) == sorted(["不动产登记资料查询", "建设用地规划许可"])


def test_the_full_pinyin_finds_the_item_first(catalog):
    # The item's own name ranks above items found through their department's pinyin.
    assert names(guide_items(query="budongchan"))[0] == "不动产登记资料查询"


def test_the_full_pinyin_of_the_department_finds_its_items(catalog):
    found = names(guide_items(query="ziranziyuan"))
    assert sorted(found) == sorted(["不动产登记资料查询", "建设用地规划许可"])


def test_the_item_code_finds_the_item(catalog):
    assert names(guide_items(query="ga-001")) == ["居民身份证换领"]


def test_the_department_filter_keeps_only_that_departments_items(catalog):
    found = names(guide_items(department_code="ZR"))
    assert sorted(found) == sorted(["不动产登记资料查询", "建设用地规划许可"])


def test_the_department_filter_combines_with_the_search(catalog):
    # `bdc` matches items of two departments; the filter keeps the registry's only.
    assert names(guide_items(query="bdc", department_code="BDC")) == ["房屋交易合同备案"]


def test_an_empty_search_lists_every_published_item(catalog):
    assert len(guide_items(query="")) == 4


def test_a_search_without_match_finds_nothing(catalog):
    assert names(guide_items(query="营业执照")) == []


def test_an_unpublished_item_is_not_in_the_guide(catalog):
    # R-ITEM-1: only published items are public.
    catalog["records"].is_published = False
    catalog["records"].save()
    assert "不动产登记资料查询" not in names(guide_items())
    assert "不动产登记资料查询" not in names(guide_items(query="bdc"))
    assert guide_item("ZR-001") is None


def test_items_of_an_inactive_department_are_not_in_the_guide(catalog):
    land = catalog["records"].department
    land.is_active = False
    land.save()
    assert names(guide_items()) == ["房屋交易合同备案", "居民身份证换领"]
    assert guide_item("ZR-001") is None
    assert land not in guide_departments()


def test_a_published_item_is_found_by_its_code(catalog):
    item = guide_item("ZR-001")
    assert item is not None
    assert item.name == "不动产登记资料查询"
    assert guide_item("NO-SUCH") is None


def test_the_department_list_holds_only_departments_with_published_items(catalog):
    DepartmentFactory(code="EMPTY", name="县空白局")
    assert {d.code for d in guide_departments()} == {"ZR", "BDC", "GA"}
