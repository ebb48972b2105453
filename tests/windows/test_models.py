"""Service items: the time-limit rule (R-ITEM-2) in the model, the rule function and the DB."""

from decimal import Decimal

import pytest
from django.core.exceptions import ValidationError
from django.db import IntegrityError, transaction
from django.utils import translation

from tests.factories import DepartmentFactory, ServiceItemFactory
from windows.models import Department, ServiceItem
from windows.rules import check_time_limits, max_promised_days

pytestmark = pytest.mark.django_db

PROMISED = ServiceItem.Kind.PROMISED
IMMEDIATE = ServiceItem.Kind.IMMEDIATE


@pytest.fixture(autouse=True)
def english():
    """Messages are asserted in their source language, whatever catalog is compiled."""
    with translation.override("en"):
        yield


def unsaved_item(**kwargs) -> ServiceItem:
    return ServiceItemFactory.build(department=DepartmentFactory(), **kwargs)


def promised_error(exc_info) -> str:
    return " ".join(exc_info.value.message_dict["promised_limit_days"])


# --- R-ITEM-2 through the model's full_clean -----------------------------------


def test_it_accepts_a_promised_limit_of_eight_of_twenty_days():
    # R-ITEM-2: 40 % of 20 is 8.
    item = unsaved_item(kind=PROMISED, statutory_limit_days=20, promised_limit_days=8)
    item.full_clean()
    item.save()
    assert ServiceItem.objects.filter(pk=item.pk).exists()


def test_it_refuses_a_promised_limit_above_forty_percent():
    # R-ITEM-2: 9 of 20 is 45 %.
    item = unsaved_item(kind=PROMISED, statutory_limit_days=20, promised_limit_days=9)
    with pytest.raises(ValidationError) as exc_info:
        item.full_clean()
    message = promised_error(exc_info)
    assert "40%" in message
    assert "at most 8" in message


def test_it_refuses_an_immediate_item_with_a_promised_limit():
    # R-ITEM-2: an immediate item is done on the spot.
    item = unsaved_item(kind=IMMEDIATE, statutory_limit_days=20, promised_limit_days=1)
    with pytest.raises(ValidationError) as exc_info:
        item.full_clean()
    assert "promised_limit_days" in exc_info.value.message_dict


def test_it_accepts_an_immediate_item_without_a_promised_limit():
    # R-ITEM-2
    item = unsaved_item(kind=IMMEDIATE, statutory_limit_days=20, promised_limit_days=0)
    item.full_clean()


def test_it_refuses_a_promised_item_without_a_promised_limit():
    # R-ITEM-2: a promised item promises at least one working day.
    item = unsaved_item(kind=PROMISED, statutory_limit_days=20, promised_limit_days=0)
    with pytest.raises(ValidationError) as exc_info:
        item.full_clean()
    assert "promised_limit_days" in exc_info.value.message_dict


def test_it_refuses_a_statutory_limit_of_zero():
    # R-ITEM-1: the time limit is one of the eight published elements.
    item = unsaved_item(kind=IMMEDIATE, statutory_limit_days=0, promised_limit_days=0)
    with pytest.raises(ValidationError) as exc_info:
        item.full_clean()
    assert "statutory_limit_days" in exc_info.value.message_dict


# --- R-ITEM-2 through the shared rule function ----------------------------------


def test_the_rule_function_accepts_eight_of_twenty():
    # R-ITEM-2
    check_time_limits(kind=PROMISED, statutory_days=20, promised_days=8)
    assert max_promised_days(20) == 8


def test_the_rule_function_refuses_nine_of_twenty_naming_the_ratio_and_the_maximum():
    # R-ITEM-2
    with pytest.raises(ValidationError) as exc_info:
        check_time_limits(kind=PROMISED, statutory_days=20, promised_days=9)
    message = promised_error(exc_info)
    assert "40%" in message
    assert "at most 8" in message


def test_the_rule_function_refuses_an_immediate_item_with_a_promised_limit():
    # R-ITEM-2
    with pytest.raises(ValidationError) as exc_info:
        check_time_limits(kind=IMMEDIATE, statutory_days=20, promised_days=2)
    assert "promised_limit_days" in exc_info.value.message_dict


def test_the_rule_function_refuses_a_promised_item_with_zero_days():
    # R-ITEM-2
    with pytest.raises(ValidationError) as exc_info:
        check_time_limits(kind=PROMISED, statutory_days=20, promised_days=0)
    assert "promised_limit_days" in exc_info.value.message_dict


def test_the_rule_function_refuses_a_statutory_limit_of_zero():
    # R-ITEM-1
    with pytest.raises(ValidationError) as exc_info:
        check_time_limits(kind=IMMEDIATE, statutory_days=0, promised_days=0)
    assert "statutory_limit_days" in exc_info.value.message_dict


def test_the_ratio_is_a_setting(settings):
    # R-ITEM-2: a hall whose regulation allows half the statutory limit says so in settings.
    settings.HALL_PROMISED_LIMIT_MAX_RATIO = Decimal("0.5")
    check_time_limits(kind=PROMISED, statutory_days=20, promised_days=10)
    unsaved_item(kind=PROMISED, statutory_limit_days=20, promised_limit_days=10).full_clean()
    with pytest.raises(ValidationError) as exc_info:
        check_time_limits(kind=PROMISED, statutory_days=20, promised_days=11)
    message = promised_error(exc_info)
    assert "50%" in message
    assert "at most 10" in message


# --- R-ITEM-2 in the database, for writes that skip full_clean -------------------


def test_the_database_refuses_a_promised_limit_above_the_statutory_one():
    # R-ITEM-2: QuerySet.update() skips clean(); the check constraint still holds.
    item = ServiceItemFactory(kind=PROMISED, statutory_limit_days=20, promised_limit_days=8)
    with pytest.raises(IntegrityError), transaction.atomic():
        ServiceItem.objects.filter(pk=item.pk).update(promised_limit_days=21)
    item.refresh_from_db()
    assert item.promised_limit_days == 8


def test_the_database_refuses_an_immediate_item_with_a_promised_limit():
    # R-ITEM-2
    item = ServiceItemFactory(kind=IMMEDIATE, statutory_limit_days=20, promised_limit_days=0)
    with pytest.raises(IntegrityError), transaction.atomic():
        ServiceItem.objects.filter(pk=item.pk).update(promised_limit_days=3)


def test_the_database_refuses_a_promised_item_with_zero_days():
    # R-ITEM-2
    item = ServiceItemFactory(kind=PROMISED, statutory_limit_days=20, promised_limit_days=8)
    with pytest.raises(IntegrityError), transaction.atomic():
        ServiceItem.objects.filter(pk=item.pk).update(promised_limit_days=0)


# --- pinyin search keys ----------------------------------------------------------


def test_it_computes_the_pinyin_keys_of_an_item_on_save():
    item = ServiceItemFactory(name="不动产登记资料查询")
    item.refresh_from_db()
    assert item.name_initials == "bdcdjzlcx"
    assert item.name_pinyin == "budongchandengjiziliaochaxun"


def test_it_recomputes_the_pinyin_keys_when_the_name_changes():
    item = ServiceItemFactory(name="不动产登记资料查询")
    item.name = "居民身份证换领"
    item.save()
    item.refresh_from_db()
    assert item.name_initials == "jmsfzhl"


def test_it_computes_the_pinyin_keys_of_a_department_on_save():
    department = DepartmentFactory(name="县自然资源局")
    department = Department.objects.get(pk=department.pk)
    assert department.name_initials == "xzrzyj"
    assert department.name_pinyin == "xianziranziyuanju"
