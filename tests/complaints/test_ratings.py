"""好差评 (N-2, R-COMP-5): five levels with reasons, on the window's tablet (no login, bound
to the window) or by phone through the receipt; one rating per case per visit; each rating
tied to the case, window and staff member; a bad one opens a rectification."""

import datetime as dt

import pytest
from django.core.cache import cache
from django.core.exceptions import PermissionDenied, ValidationError
from django.urls import reverse
from django.utils import timezone, translation

from complaints.models import Rating, RatingTablet, Rectification
from complaints.ratings import rating_submit, tablet_issue, tablet_queue
from hall.models import Alert
from staff.models import StaffMember
from tests.complaints.support import at, consultation, finished_case, open_case

pytestmark = pytest.mark.django_db

NOW = at(2026, 10, 9, 15, 0)  # a Friday; Saturday 10 October is a make-up working day


@pytest.fixture(autouse=True)
def _english_and_fresh_cache():
    cache.clear()
    with translation.override("en"):
        yield
    cache.clear()


@pytest.fixture
def tablet(hall, supervisor):
    return tablet_issue(actor=supervisor, window=hall.window, now=NOW)


@pytest.fixture
def case(clerk, hall):
    return finished_case(clerk, hall, NOW)


# --- The tablet --------------------------------------------------------------------


def test_the_center_or_the_window_head_sets_up_a_tablet(
    hall, supervisor, window_head, clerk, department_head
):
    first = tablet_issue(actor=window_head, window=hall.window, now=NOW)
    old = first.token
    again = tablet_issue(actor=supervisor, window=hall.window, now=NOW)
    assert again.pk == first.pk and again.token != old and len(again.token) >= 32
    assert again.history.latest().history_user == supervisor
    for actor in (clerk, department_head):
        with pytest.raises(PermissionDenied):
            tablet_issue(actor=actor, window=hall.window, now=NOW)
    with pytest.raises(PermissionDenied):  # another window's tablet
        tablet_issue(actor=window_head, window=hall.other_window, now=NOW)


def test_the_tablet_offers_what_the_window_just_finished(hall, clerk, case):
    queue = tablet_queue(hall.window, NOW + dt.timedelta(minutes=5))
    assert [(i["kind"], i["pk"]) for i in queue] == [("case", case.pk)]
    assert tablet_queue(hall.other_window, NOW) == []
    assert tablet_queue(hall.window, NOW + dt.timedelta(minutes=31)) == []  # too long ago
    talk = consultation(clerk, hall, NOW + dt.timedelta(minutes=1))
    queue = tablet_queue(hall.window, NOW + dt.timedelta(minutes=2))
    assert [i["kind"] for i in queue] == ["inquiry", "case"]  # newest first
    assert queue[0]["pk"] == talk.pk


def test_an_open_case_is_not_offered_nor_rated(hall, clerk, tablet):
    case = open_case(clerk, hall, NOW)
    assert tablet_queue(hall.window, NOW) == []
    with pytest.raises(ValidationError, match="once it is finished"):
        rating_submit(level=5, source="tablet", case=case, tablet=tablet, now=NOW)


def test_a_rating_is_tied_to_the_case_the_window_and_the_staff_member(case, tablet, clerk):
    rating = rating_submit(
        level=4,
        reasons=["fast", "clear"],
        comment="很快",
        source="tablet",
        case=case,
        tablet=tablet,
        now=NOW,
    )
    assert (rating.case, rating.window, rating.staff_member) == (
        case,
        case.window,
        StaffMember.objects.get(user=clerk),
    )
    assert rating.visit_on == dt.date(2026, 10, 9) and rating.reasons == ["fast", "clear"]
    assert not Rectification.objects.exists()  # a good review opens nothing


def test_one_rating_per_case_per_visit(case, tablet):
    rating_submit(level=5, source="tablet", case=case, tablet=tablet, now=NOW)
    with pytest.raises(ValidationError, match="already rated on this visit"):
        rating_submit(level=1, source="tablet", case=case, tablet=tablet, now=NOW)
    with pytest.raises(ValidationError, match="already rated on this visit"):
        rating_submit(level=1, source="phone", case=case, now=NOW + dt.timedelta(hours=2))
    assert Rating.objects.count() == 1
    # Another visit, another day: one more on site, and one (only) online.
    rating_submit(
        level=3, source="tablet", case=case, tablet=tablet, now=NOW + dt.timedelta(days=3)
    )
    rating_submit(level=4, source="phone", case=case, now=NOW + dt.timedelta(days=4))
    with pytest.raises(ValidationError, match="already rated online"):
        rating_submit(level=4, source="phone", case=case, now=NOW + dt.timedelta(days=9))
    assert Rating.objects.count() == 3


def test_a_consultation_is_rated_once(hall, clerk, tablet):
    talk = consultation(clerk, hall, NOW)
    rating = rating_submit(level=5, source="tablet", inquiry=talk, tablet=tablet, now=NOW)
    assert rating.staff_member.user == clerk and rating.window == hall.window
    with pytest.raises(ValidationError, match="already rated"):
        rating_submit(level=5, source="tablet", inquiry=talk, tablet=tablet, now=NOW)


def test_bad_input_is_refused_and_nothing_is_kept(case, tablet, hall, supervisor):
    for kwargs, message in (
        ({"level": 0}, "five levels"),
        ({"level": "x"}, "five levels"),
        ({"level": 5, "reasons": ["attitude"]}, "from the list"),  # a bad reason, good level
        ({"level": 1, "reasons": ["fast"]}, "from the list"),
        ({"level": 2, "comment": "长" * 301}, "300 characters"),
    ):
        with pytest.raises(ValidationError, match=message):
            rating_submit(source="tablet", case=case, tablet=tablet, now=NOW, **kwargs)
    other = tablet_issue(actor=supervisor, window=hall.other_window, now=NOW)
    with pytest.raises(PermissionDenied, match="another window"):
        rating_submit(level=5, source="tablet", case=case, tablet=other, now=NOW)
    assert not Rating.objects.exists()


def test_a_bad_review_opens_a_rectification_with_its_clocks(
    case, tablet, window_head, inspector, department_head
):
    rating = rating_submit(
        level=2, reasons=["attitude"], source="tablet", case=case, tablet=tablet, now=NOW
    )
    r = rating.rectification
    assert r.status == "open" and r.window == case.window
    assert r.callback_due == dt.date(2026, 10, 10)  # 1 working day: the make-up Saturday
    assert r.rectify_due == dt.date(2026, 10, 15)  # 5 working days
    told = set(
        Alert.objects.filter(key__startswith=f"rectification:{r.pk}").values_list("user", flat=True)
    )
    assert {window_head.pk, inspector.pk, department_head.pk} <= told


# --- The pages ---------------------------------------------------------------------


def test_the_tablet_page_needs_no_login_and_rates_in_two_taps(client, clerk, hall, supervisor):
    now = timezone.now()
    case = finished_case(clerk, hall, now)
    device = tablet_issue(actor=supervisor, window=hall.window, now=now)
    url = reverse("complaints:tablet", args=[device.token])
    page = client.get(url).content.decode()
    assert case.number in page and "非常满意" in page  # Chinese by default
    subject = f"case:{case.pk}"
    reasons = client.post(url, {"subject": subject, "level": "1"}).content.decode()
    assert "态度" in reasons and not Rating.objects.exists()  # step 2: the reasons
    done = client.post(
        url, {"subject": subject, "level": "1", "reasons": ["attitude"], "confirm": "1"}
    )
    assert "感谢" in done.content.decode()
    rating = Rating.objects.get()
    assert (rating.level, rating.source, rating.reasons) == (1, "tablet", ["attitude"])
    assert rating.rectification.status == "open"
    assert case.number not in client.get(url).content.decode()  # rated: no longer offered
    again = client.post(url, {"subject": subject, "level": "5", "confirm": "1"}, follow=True)
    assert Rating.objects.count() == 1 and again.status_code == 200


def test_a_wrong_tablet_address_is_not_found(client, tablet):
    assert client.get(reverse("complaints:tablet", args=["not-a-tablet"])).status_code == 404
    old = tablet.token
    tablet_issue(actor=tablet.issued_by, window=tablet.window, now=NOW)
    assert client.get(reverse("complaints:tablet", args=[old])).status_code == 404


def test_the_tablet_page_keeps_the_comment_when_it_is_refused(client, clerk, hall, supervisor):
    now = timezone.now()
    case = finished_case(clerk, hall, now)
    device = tablet_issue(actor=supervisor, window=hall.window, now=now)
    url = reverse("complaints:tablet", args=[device.token])
    long_comment = "太慢了" * 101
    page = client.post(
        url, {"subject": f"case:{case.pk}", "level": "2", "comment": long_comment, "confirm": "1"}
    ).content.decode()
    assert long_comment in page and "300" in page
    assert not Rating.objects.exists()


def test_the_phone_page_through_the_receipt(client, clerk, hall):
    case = finished_case(clerk, hall, timezone.now())
    url = reverse("complaints:rate")
    wrong = client.post(url, {"number": case.number, "code": "WRONG123"}).content.decode()
    assert "不符" in wrong or "没有" in wrong or "No case" in wrong
    levels = client.post(url, {"number": case.number, "code": case.tracking_code})
    assert 'name="level"' in levels.content.decode()
    client.post(url, {"number": case.number, "code": case.tracking_code, "level": "5"})
    assert not Rating.objects.exists()
    client.post(
        url,
        {
            "number": case.number,
            "code": case.tracking_code,
            "level": "5",
            "reasons": ["fast"],
            "confirm": "1",
        },
    )
    rating = Rating.objects.get()
    assert (rating.source, rating.level, rating.case) == ("phone", 5, case)
    done = client.post(url, {"number": case.number, "code": case.tracking_code})
    assert 'data-testid="rate-done"' in done.content.decode()


def test_the_tracking_page_offers_the_rating_once_the_case_is_finished(client, clerk, hall):
    now = timezone.now()
    open_one = open_case(clerk, hall, now)
    finished = finished_case(clerk, hall, now)
    track = reverse("cases:track")
    page = client.post(track, {"number": open_one.number, "code": open_one.tracking_code})
    assert 'data-testid="track-rate"' not in page.content.decode()
    page = client.post(track, {"number": finished.number, "code": finished.tracking_code})
    assert 'data-testid="track-rate"' in page.content.decode()


def test_wrong_codes_on_the_phone_page_are_limited(client, clerk, hall, settings):
    settings.HALL_TRACKING_MAX_FAILURES = 2
    case = finished_case(clerk, hall, timezone.now())
    url = reverse("complaints:rate")
    for _ in range(2):
        client.post(url, {"number": case.number, "code": "WRONG123"})
    locked = client.post(url, {"number": case.number, "code": case.tracking_code})
    assert locked.status_code == 429


def test_the_tablets_page(client, hall, supervisor, window_head, clerk):
    client.force_login(supervisor)
    client.post(reverse("complaints:tablets"), {"window": hall.window.pk})
    device = RatingTablet.objects.get(window=hall.window)
    page = client.get(reverse("complaints:tablets")).content.decode()
    assert device.token in page and hall.other_window.number in page
    client.force_login(window_head)
    page = client.get(reverse("complaints:tablets")).content.decode()
    assert device.token in page and hall.other_window.name not in page
    client.force_login(clerk)
    assert client.get(reverse("complaints:tablets")).status_code == 403


def test_the_ratings_register_by_persona(
    client, case, tablet, hall, clerk, window_head, department_head, inspector, outsider, supervisor
):
    rating_submit(level=1, reasons=["slow"], source="tablet", case=case, tablet=tablet, now=NOW)
    url = reverse("complaints:ratings")
    for user in (inspector, supervisor, window_head, department_head, clerk):
        client.force_login(user)
        page = client.get(url)
        assert page.status_code == 200 and case.number in page.content.decode(), user
    client.force_login(outsider)
    assert client.get(url).status_code == 403
