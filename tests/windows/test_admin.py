"""The Django admin of the hall's master data: the rules hold there too, and every change is
recorded with who made it (django-simple-history)."""

import pytest
from django.conf import settings
from django.urls import reverse

from staff.models import StaffMember
from tests.factories import (
    MaterialFactory,
    PostFactory,
    ServiceItemFactory,
    StaffMemberFactory,
    UserFactory,
)
from windows.models import ServiceItem, ServiceItemMaterial

pytestmark = pytest.mark.django_db


def item_form_data(hall, **overrides) -> dict:
    """The admin add form of a service item, with one material row in its inline."""
    data = {
        "code": "ZR-009",
        "name": "不动产登记资料查询",
        "department": hall.department.pk,
        "window": hall.window.pk,
        "kind": "promised",
        "is_published": "on",
        "legal_basis": "《不动产登记资料查询暂行办法》",
        "statutory_limit_days": "20",
        "promised_limit_days": "8",
        "preconditions": "持有效身份证明。",
        "process": "申请—受理—查询",
        "fee_basis": "不收费",
        "fee_standard": "不收费",
        "materials-TOTAL_FORMS": "1",
        "materials-INITIAL_FORMS": "0",
        "materials-MIN_NUM_FORMS": "0",
        "materials-MAX_NUM_FORMS": "1000",
        "materials-0-id": "",
        "materials-0-item": "",
        "materials-0-order": "1",
        "materials-0-name": "不动产登记资料查询申请书",
        "materials-0-form": "original",
        "materials-0-copies": "1",
        "materials-0-note": "",
        "_save": "Save",
    }
    data.update(overrides)
    return data


def test_the_admin_refuses_a_promised_limit_above_forty_percent(admin_client, hall):
    # R-ITEM-2: 9 of 20 working days is 45 %.
    admin_client.cookies[settings.LANGUAGE_COOKIE_NAME] = "en"
    response = admin_client.post(
        reverse("admin:windows_serviceitem_add"),
        item_form_data(hall, promised_limit_days="9"),
    )
    assert response.status_code == 200
    errors = response.context["adminform"].form.errors
    assert "promised_limit_days" in errors
    assert "40%" in errors["promised_limit_days"][0]
    assert "at most 8" in response.text
    assert not ServiceItem.objects.exists()
    assert not ServiceItemMaterial.objects.exists()


def test_the_admin_creates_a_valid_item_with_its_materials(admin_client, hall, admin_user):
    # R-ITEM-1, R-ITEM-2: 8 of 20 is allowed; the materials are element 6.
    response = admin_client.post(reverse("admin:windows_serviceitem_add"), item_form_data(hall))
    assert response.status_code == 302, response.context["adminform"].form.errors
    item = ServiceItem.objects.get(code="ZR-009")
    assert item.promised_limit_days == 8
    assert item.name_initials == "bdcdjzlcx"
    assert [m.name for m in item.materials.all()] == ["不动产登记资料查询申请书"]
    assert item.history.get().history_user == admin_user


def assert_history_page_lists_the_change(admin_client, url_name, obj, new_text, admin_user):
    response = admin_client.get(reverse(url_name, args=[obj.pk]))
    assert response.status_code == 200
    assert new_text in response.text
    assert reverse("admin:auth_user_change", args=[admin_user.pk]) in response.text


def test_changing_an_item_records_who_changed_it(admin_client, hall, admin_user):
    item = ServiceItemFactory(code="ZR-001", name="旧名称", department=hall.department)
    MaterialFactory(item=item, name="申请书", order=1)
    material = item.materials.get()
    data = item_form_data(
        hall,
        code="ZR-001",
        name="不动产登记资料查询",
        promised_limit_days="5",
        window="",
        **{
            "materials-INITIAL_FORMS": "1",
            "materials-0-id": str(material.pk),
            "materials-0-item": str(item.pk),
            "materials-0-name": "申请书",
        },
    )
    response = admin_client.post(reverse("admin:windows_serviceitem_change", args=[item.pk]), data)
    assert response.status_code == 302, response.context["adminform"].form.errors
    item.refresh_from_db()
    assert item.name == "不动产登记资料查询"
    latest = item.history.latest()
    assert latest.history_type == "~"
    assert latest.history_user == admin_user
    assert latest.prev_record.name == "旧名称"
    assert_history_page_lists_the_change(
        admin_client, "admin:windows_serviceitem_history", item, "不动产登记资料查询", admin_user
    )


def test_changing_a_department_records_who_changed_it(admin_client, hall, admin_user):
    department = hall.department
    window = hall.window
    data = {
        "code": department.code,
        "name": "县市场监管局",
        "short_name": "市场",
        "phone": "0745-1234567",
        "head": "",
        "is_active": "on",
        "windows-TOTAL_FORMS": "1",
        "windows-INITIAL_FORMS": "1",
        "windows-MIN_NUM_FORMS": "0",
        "windows-MAX_NUM_FORMS": "1000",
        "windows-0-id": str(window.pk),
        "windows-0-department": str(department.pk),
        "windows-0-number": window.number,
        "windows-0-name": window.name,
        "windows-0-floor": str(window.floor),
        "windows-0-zone": window.zone,
        "windows-0-is_active": "on",
        "_save": "Save",
    }
    response = admin_client.post(
        reverse("admin:windows_department_change", args=[department.pk]), data
    )
    assert response.status_code == 302, response.context["adminform"].form.errors
    department.refresh_from_db()
    assert department.name == "县市场监管局"
    latest = department.history.latest()
    assert latest.history_user == admin_user
    assert latest.prev_record.name == "县市场监督管理局"
    assert_history_page_lists_the_change(
        admin_client, "admin:windows_department_history", department, "县市场监管局", admin_user
    )


def test_changing_a_window_records_who_changed_it(admin_client, hall, admin_user):
    window = hall.window
    data = {
        "number": window.number,
        "name": "企业开办综合窗口",
        "department": str(hall.department.pk),
        "floor": "2",
        "zone": "B区",
        "floor_order": "3",
        "chief_representative": "",
        "window_head": "",
        "is_active": "on",
        "_save": "Save",
    }
    response = admin_client.post(reverse("admin:windows_window_change", args=[window.pk]), data)
    assert response.status_code == 302, response.context["adminform"].form.errors
    window.refresh_from_db()
    assert window.name == "企业开办综合窗口"
    latest = window.history.latest()
    assert latest.history_user == admin_user
    assert latest.prev_record.name == "企业开办窗口"
    assert_history_page_lists_the_change(
        admin_client, "admin:windows_window_history", window, "企业开办综合窗口", admin_user
    )


def test_changing_a_staff_member_records_who_changed_it(admin_client, hall, admin_user):
    # R-ORG-6: who holds which post is registered with the center; changes leave a trace.
    post = PostFactory(window=hall.window, name="综合受理岗")
    member = StaffMemberFactory(
        user=UserFactory(username="wang", first_name="王小明"),
        window=hall.window,
        department=hall.department,
        post=post,
        slot="A",
    )
    data = {
        "user": str(member.user.pk),
        "name": "王晓明",
        "gender": "M",
        "phone": "13800138000",
        "department": str(hall.department.pk),
        "window": str(hall.window.pk),
        "post": str(post.pk),
        "slot": "A",
        "role": "clerk",
        "is_active": "on",
        "training-TOTAL_FORMS": "0",
        "training-INITIAL_FORMS": "0",
        "_save": "Save",
    }
    response = admin_client.post(reverse("admin:staff_staffmember_change", args=[member.pk]), data)
    assert response.status_code == 302, response.context["adminform"].form.errors
    member.refresh_from_db()
    assert member.name == "王晓明"
    latest = member.history.latest()
    assert latest.history_user == admin_user
    assert latest.prev_record.name == "王小明"
    assert_history_page_lists_the_change(
        admin_client, "admin:staff_staffmember_history", member, "王晓明", admin_user
    )


def test_the_staff_admin_refuses_a_post_of_another_window(admin_client, hall):
    # R-ORG-6: a post is held at its own window.
    post = PostFactory(window=hall.other_window, name="户籍受理岗")
    user = UserFactory(username="li")
    data = {
        "user": str(user.pk),
        "name": "李四",
        "gender": "",
        "phone": "",
        "department": str(hall.department.pk),
        "window": str(hall.window.pk),
        "post": str(post.pk),
        "slot": "A",
        "role": "clerk",
        "is_active": "on",
        "training-TOTAL_FORMS": "0",
        "training-INITIAL_FORMS": "0",
        "_save": "Save",
    }
    response = admin_client.post(reverse("admin:staff_staffmember_add"), data)
    assert response.status_code == 200
    assert "post" in response.context["adminform"].form.errors
    assert not StaffMember.objects.filter(user=user).exists()


@pytest.mark.parametrize(
    "url_name",
    [
        "admin:windows_department_changelist",
        "admin:windows_window_changelist",
        "admin:windows_serviceitem_changelist",
        "admin:windows_serviceitemmaterial_changelist",
        "admin:staff_post_changelist",
        "admin:staff_staffmember_changelist",
        "admin:hall_calendarday_changelist",
    ],
)
def test_the_admin_changelists_load(admin_client, hall, url_name):
    item = ServiceItemFactory(department=hall.department, window=hall.window)
    MaterialFactory(item=item)
    StaffMemberFactory(window=hall.window, post=PostFactory(window=hall.window), slot="A")
    response = admin_client.get(reverse(url_name))
    assert response.status_code == 200


def test_the_admin_add_forms_load(admin_client):
    for url_name in [
        "admin:windows_serviceitem_add",
        "admin:windows_department_add",
        "admin:windows_window_add",
        "admin:staff_staffmember_add",
    ]:
        assert admin_client.get(reverse(url_name)).status_code == 200, url_name


def test_the_admin_is_closed_to_a_clerk(client, clerk):
    client.force_login(clerk)
    response = client.get(reverse("admin:windows_serviceitem_changelist"))
    assert response.status_code == 302
    assert response.url.startswith(reverse("admin:login"))
