"""Return to the department (R-ORG-5): each rule, rules without facts shown as not yet
available, the director's decision and the department told."""

import datetime as dt

import pytest
from django.core.exceptions import PermissionDenied, ValidationError
from django.urls import reverse
from django.utils import timezone, translation

from hall.models import Alert
from staff import returns
from staff.models import PostChange, ReturnDecision, StaffMember
from staff.returns import (
    RULES,
    Fact,
    register_return_source,
    return_check,
    return_check_notify,
    return_decide,
    unregister_return_source,
)
from tests.factories import StaffMemberFactory

pytestmark = pytest.mark.django_db

NOW = timezone.make_aware(dt.datetime(2027, 1, 5, 9, 0))
TODAY = NOW.date()


@pytest.fixture
def facts():
    """Fact sources for every rule, as the higher apps will register them: a dict
    rule -> {member_id: [Fact]} the test fills; the source honours the window."""
    table: dict[str, dict[int, list[Fact]]] = {r.code: {} for r in RULES}

    def source_for(code):
        def source(ids, since, until):
            return {
                m: [f for f in found if since <= f.on <= until]
                for m, found in table[code].items()
                if m in set(ids)
            }

        return source

    saved = dict(returns._sources)
    for rule in RULES:
        register_return_source(rule.code, source_for(rule.code))
    yield table
    returns._sources.clear()
    returns._sources.update(saved)


def ago(days):
    return TODAY - dt.timedelta(days=days)


def test_a_rule_without_a_source_is_not_yet_available_and_lists_nobody(clerk, monkeypatch):
    monkeypatch.setattr(returns, "_sources", {})
    candidates, legend = return_check(today=TODAY)
    assert candidates == []
    assert [r.available for r in legend] == [False] * len(RULES)


def test_complaints_accountability_and_assessment_answer_their_rules(clerk):
    # registered by complaints.apps, accountability.apps (R-ACC-9's circulated
    # criticisms) and assessment.apps (the annual grade); exposure and serious
    # violations have no source yet
    _candidates, legend = return_check(today=TODAY)
    assert {r.rule.code for r in legend if r.available} == {
        "complaints",
        "criticisms",
        "annual_grade",
    }


@pytest.mark.parametrize(
    ("code", "dates", "met"),
    [
        ("annual_grade", [10], True),
        ("complaints", [10], False),
        ("complaints", [10, 300], True),
        ("complaints", [10, 400], False),  # the second lies outside the 12 months
        ("criticisms", [5], False),
        ("criticisms", [5, 6], True),
        ("exposure", [100], True),
        ("serious_violation", [1], True),
    ],
)
def test_each_rule_and_its_threshold(clerk, facts, code, dates, met):
    member = StaffMember.objects.get(user=clerk)
    facts[code][member.pk] = [Fact(ago(d), f"事实{d}") for d in dates]
    candidates, legend = return_check(today=TODAY)
    assert all(r.available for r in legend)
    if met:
        [candidate] = candidates
        assert [r.rule.code for r in candidate.met] == [code]
    else:
        assert candidates == []


def test_a_missing_source_is_not_a_pass(clerk, facts):
    member = StaffMember.objects.get(user=clerk)
    unregister_return_source("annual_grade")
    facts["criticisms"][member.pk] = [Fact(ago(1), "通报1"), Fact(ago(2), "通报2")]
    [candidate], legend = return_check(today=TODAY)
    states = {r.rule.code: r.available for r in candidate.results}
    assert states["annual_grade"] is False and states["criticisms"] is True


def test_only_the_director_decides_and_the_department_is_told(
    clerk, facts, supervisor, director, department_head, hall
):
    member = StaffMember.objects.get(user=clerk)
    post = member.post
    facts["exposure"][member.pk] = [Fact(ago(3), "市级暗访曝光")]
    with pytest.raises(PermissionDenied):
        return_decide(actor=supervisor, member=member, decision="return", reasons="x", now=NOW)
    with translation.override("en"), pytest.raises(ValidationError, match="reasons"):
        return_decide(actor=director, member=member, decision="return", reasons=" ", now=NOW)
    record = return_decide(
        actor=director, member=member, decision="return", reasons="暗访曝光，予以退回", now=NOW
    )
    member.refresh_from_db()
    assert not member.is_active and member.left_on == TODAY and member.post is None
    assert record.facts[0]["rule"] == "exposure"
    assert record.history.latest().history_user == director
    assert PostChange.objects.get(post=post).previous == member
    alert = Alert.objects.get(user=department_head)
    assert member.name in alert.title
    with translation.override("en"), pytest.raises(ValidationError, match="left the hall"):
        return_decide(actor=director, member=member, decision="keep", reasons="x", now=NOW)


def test_nobody_is_returned_who_meets_no_rule(clerk, facts, director):
    member = StaffMember.objects.get(user=clerk)
    with translation.override("en"), pytest.raises(ValidationError, match="meets no return rule"):
        return_decide(actor=director, member=member, decision="return", reasons="x", now=NOW)
    assert not ReturnDecision.objects.exists()


def test_the_yearly_check_tells_the_director_once(clerk, facts, director):
    member = StaffMember.objects.get(user=clerk)
    facts["annual_grade"][member.pk] = [Fact(ago(5), "2026年度不称职")]
    assert return_check_notify(now=NOW) == 1
    assert return_check_notify(now=NOW) == 0
    assert "1" in Alert.objects.get(user=director).title


def test_the_return_page(client, clerk, facts, director, supervisor, department_head, hall):
    member = StaffMember.objects.get(user=clerk)
    StaffMemberFactory(window=hall.window, department=hall.department, name="无事")
    today = timezone.localdate()  # the page checks the 12 months up to today
    facts["criticisms"][member.pk] = [
        Fact(today - dt.timedelta(days=1), "通报A"),
        Fact(today - dt.timedelta(days=2), "通报B"),
    ]
    unregister_return_source("annual_grade")
    client.force_login(supervisor)
    body = client.get(reverse("staff:returns")).content.decode()
    assert body.count('data-testid="return-candidate"') == 1 and "通报A" in body
    assert body.count('data-testid="not-available"') == 1
    assert 'data-testid="return-decide"' not in body  # the supervisor does not decide
    client.force_login(director)
    response = client.post(
        reverse("staff:returns"),
        {"member": member.pk, "decision": "return", "reasons": "两次通报批评"},
        follow=True,
    )
    assert "已退回" in response.content.decode()
    member.refresh_from_db()
    assert not member.is_active
    for user in (department_head, clerk):
        client.force_login(user)
        assert client.get(reverse("staff:returns")).status_code == 403
