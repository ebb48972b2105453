"""The access matrix (style.md: "Every URL: anonymous → login redirect; each persona →
allowed or 403/404; POST-only views refuse GET"): every address of the URL
configuration, asked by anonymous and by each persona for objects inside and outside
their scope, answers as the table below says, and no answer shows what R-COMP-4 or the
ID masking hides, nor what lies outside its reader's scope (SHOWN_IN_FULL, outside_a01).

How to read the table. One row per (url name, object variant, method); a column per
persona (domain.md, "Who uses it"): anonymous, clerk, window head, department head,
supervisor, director, inspector, applicant, outsider (logged in, no role) and admin (a
superuser). Variants are seen from window A01, where the clerk works, which the window
head heads and whose department D1 the department head heads: A01/D1 is inside their
scope, B01/D2 (the other department's window) outside it; `clerk`/`otherclerk` name the
person an object is about, `-` an address without an object. A `#` line says why a row
answers as it does where the rule is not obvious.

    200 400 401 403 404 405   the status code
    L                         302 to the login page, back to this address afterwards
    A                         302 to the admin's login page
    302                       302 to another page, by design (the row's note says where)
    +                         ... and the request saved something (INSERT/UPDATE/DELETE
                              of a row, the session and login records aside)
    ~                         ... it may save or not (the hall's hours decide: sign-in)
    without + or ~            ... and nothing was saved

A POST row with no GET row of the same url name is a POST-only view: GET answers 405 to
everyone, anonymous included (`require_POST` comes before `login_required`), which
`test_a_post_only_view_refuses_get` checks. Each request is undone after it is answered,
so every row starts from the same hall (tests/security/matrix_support.py builds it).

A new address fails `test_every_url_name_has_a_row` until it has a row here.
"""

from __future__ import annotations

import re

import pytest
from django.urls import URLPattern, URLResolver, get_resolver

from hall.identity import mask_id

from .matrix_support import (
    ADDRESS_MARK,
    APPLICANT_PHONE,
    COLUMNS,
    COMPLAINANT_PHONE,
    DISPATCH_ID_D1,
    DISPATCH_ID_D2,
    ID_A,
    ID_B,
    ID_J,
    REPORT_SUBJECT,
    REPORTER_PHONE,
    FakeHTML,
    build_world,
    fetch,
    login_clients,
    target,
    text_of,
)

pytestmark = pytest.mark.django_db

MATRIX = """
# url name                       variant    meth anon clrk whd  dhd  sup  dir  insp appl outs admn
home                             -          GET  L    200  200  200  200  200  200  200  200  200

windows:guide_list               -          GET  200  200  200  200  200  200  200  200  200  200
windows:guide_detail             MX-A       GET  200  200  200  200  200  200  200  200  200  200
windows:guide_detail             draft      GET  404  404  404  404  404  404  404  404  404  404
windows:guide_pdf                MX-A       GET  200  200  200  200  200  200  200  200  200  200
windows:guide_pdf                draft      GET  404  404  404  404  404  404  404  404  404  404

# applicant, outsider: an empty list (no window in their scope)
cases:list                       -          GET  L    200  200  200  200  200  200  200  200  200
cases:intake                     -          GET  L    200  200  403  403  200  403  403  403  200
cases:intake                     -          POST L    200  200  403  403  200  403  403  403  200
cases:inquiries                  -          GET  L    200  200  200  200  200  200  200  200  200
cases:inquiry_new                -          GET  L    200  200  403  403  200  403  403  403  200
cases:inquiry_new                -          POST L    200  200  403  403  200  403  403  403  200
cases:detail                     A01        GET  L    200  200  200  200  200  200  404  404  200
cases:detail                     B01        GET  L    404  404  404  200  200  200  404  404  200
# joint: led by B01 with a part at A01; A01's staff see it through their part (R-CASE-8)
cases:detail                     joint      GET  L    200  200  200  200  200  200  404  404  200
# suspend the clock: the window's staff and the director; readers of the case 403; others 404
cases:action                     A01        POST L    302+ 302+ 403  403  302+ 403  404  404  302+
cases:action                     B01        POST L    404  404  404  403  302+ 403  404  404  302+
# the window head approves (R-CASE-5), the clerk may not
cases:extension_decide           A01        POST L    403  302+ 403  403  302+ 403  404  404  302+
cases:extension_decide           B01        POST L    404  404  404  403  302+ 403  404  404  302+
# A01: A01's part of the joint case B01 leads; B01: B01's part of the one A01 leads
cases:part_complete              A01        POST L    302+ 302+ 403  403  302+ 403  404  404  302+
cases:part_complete              B01        POST L    403  403  403  403  302+ 403  404  404  302+
# the receipt: its readers see the ID masked (cases.documents)
cases:document                   A01        GET  L    200  200  200  200  200  200  404  404  200
cases:document                   B01        GET  L    404  404  404  200  200  200  404  404  200
cases:document_pdf               A01        GET  L    200  200  200  200  200  200  404  404  200
cases:document_pdf               B01        GET  L    404  404  404  200  200  200  404  404  200
# public: a case is found by its number and the receipt's code, no login
cases:track                      -          GET  200  200  200  200  200  200  200  200  200  200
cases:track                      -          POST 200  200  200  200  200  200  200  200  200  200

hall:alerts                      -          GET  L    200  200  200  200  200  200  200  200  200
# id= the clerk's alert: only its owner marks it read; others change nothing
hall:alerts_read                 -          POST L    302+ 302  302  302  302  302  302  302  302

# the clerk's whereabouts sign is up already: refused with a message; no post: 404
staff:absence_new                -          POST L    302  302+ 404  404  404  404  404  404  404
# the clerk's absence: only the post's holders end it (not even a superuser)
staff:absence_back               A01        POST L    302+ 403  403  403  403  403  403  403  403
staff:absence_back               B01        POST L    403  403  403  403  403  403  403  403  403
# ~: whether a sign-in is saved depends on the hall's hours
staff:sign_in                    -          POST L    302~ 302~ 404  404  404  404  404  404  404
staff:sign_out                   -          POST L    302~ 302~ 404  404  404  404  404  404  404
# the window head puts up their sign; the clerk's is up already (302 + message)
staff:whereabouts_new            -          POST L    302  302+ 404  404  404  404  404  404  404
# the clerk's sign: the person, a supervisor or the director takes it down
staff:whereabouts_back           A01        POST L    302+ 403  403  302+ 302+ 403  403  403  302+
staff:whereabouts_back           B01        POST L    403  403  403  302+ 302+ 403  403  403  302+
# the window head of the sign's window (R-ORG-7), or a superuser
staff:whereabouts_grant          A01        POST L    403  302+ 403  403  403  403  403  403  302+
staff:whereabouts_grant          B01        POST L    403  403  403  403  403  403  403  403  302+
staff:leave_new                  -          POST L    302+ 302+ 404  404  404  404  404  404  404
staff:leave_decide               A01        POST L    403  302+ 403  403  403  403  403  403  302+
staff:leave_decide               B01        POST L    403  403  403  403  403  403  403  403  302+
# R-ORG-8: department heads and the center; POST: 404 for anyone heading no department
staff:visits                     -          GET  L    403  403  200  200  200  200  403  403  200
staff:visits                     -          POST L    404  404  302+ 404  404  404  404  404  404
staff:people                     -          GET  L    403  200  200  200  200  200  403  403  200
staff:dispatch_list              -          GET  L    403  403  200  200  200  200  403  403  200
staff:dispatch_list              -          POST L    403  403  200  403  403  403  403  403  200
staff:dispatch_detail            D1         GET  L    404  404  200  200  200  200  404  404  200
staff:dispatch_detail            D2         GET  L    404  404  404  200  200  200  404  404  200
# withdraw: D1's head; the center gets the page back with the refusal (200), nothing saved
staff:dispatch_detail            D1         POST L    404  404  302+ 200  200  200  404  404  302+
staff:dispatch_detail            D2         POST L    404  404  404  200  200  200  404  404  302+
staff:swaps                      -          GET  L    403  200  200  200  200  200  403  403  200
# action=request: a refusal is a message and 302 back; D1's head gets the form back (200)
staff:swaps                      -          POST L    403  302  200  302  302  302  403  403  200
staff:returns                    -          GET  L    403  403  403  200  200  200  403  403  200
# R-ORG-5: the director decides; the supervisor and the inspector are refused (302 + message)
staff:returns                    -          POST L    403  403  403  302  302+ 302  403  403  302+
staff:posts                      -          GET  L    403  200  200  200  200  200  403  403  200
# the center keeps the A/B register; others 302 back with the refusal
staff:post_change                -          POST L    302  302  302  302+ 302+ 302  302  302  302+
staff:rota                       -          GET  L    403  403  403  200  200  200  403  403  200
staff:attendance_report          -          GET  L    403  200  200  200  200  200  403  403  200
staff:attendance_report_file     xlsx       GET  L    403  200  200  200  200  200  403  403  200
staff:attendance_report_file     pdf        GET  L    403  200  200  200  200  200  403  403  200

# public: anyone complains and follows the complaint without logging in (R-COMP-1)
complaints:public_new            -          GET  200  200  200  200  200  200  200  200  200  200
complaints:public_new            -          POST 200  200  200  200  200  200  200  200  200  200
complaints:public_track          -          GET  200  200  200  200  200  200  200  200  200  200
complaints:public_track          -          POST 200  200  200  200  200  200  200  200  200  200
complaints:public_results        -          GET  200  200  200  200  200  200  200  200  200  200
# D1's head handles the complaint about A01's clerk (R-COMP-4); the window head does not
complaints:list                  -          GET  L    403  403  200  200  200  200  403  403  200
# registrars: inspectors and supervisors
complaints:new                   -          GET  L    403  403  403  200  403  200  403  403  200
complaints:new                   -          POST L    403  403  403  200  403  200  403  403  200
complaints:export                -          GET  L    403  403  200  200  200  200  403  403  200
complaints:report                -          GET  L    403  200  200  200  200  200  403  403  200
complaints:report_pdf            -          GET  L    403  200  200  200  200  200  403  403  200
complaints:report_xlsx           -          GET  L    403  200  200  200  200  200  403  403  200
complaints:rate                  -          GET  200  200  200  200  200  200  200  200  200  200
complaints:rate                  -          POST 200  200  200  200  200  200  200  200  200  200
complaints:tablet                A01        GET  200  200  200  200  200  200  200  200  200  200
# nothing chosen: back to the tablet
complaints:tablet                A01        POST 302  302  302  302  302  302  302  302  302  302
complaints:tablet                bad-token  GET  404  404  404  404  404  404  404  404  404  404
# a clerk reads their own ratings
complaints:ratings               -          GET  L    200  200  200  200  200  200  403  403  200
# the window head for their window, supervisors for all; POST B01: the window head 404
complaints:tablets               -          GET  L    403  200  403  200  403  403  403  403  200
complaints:tablets               A01        POST L    403  302+ 403  302+ 403  403  403  403  302+
complaints:tablets               B01        POST L    403  404  403  302+ 403  403  403  403  302+
complaints:rectifications        -          GET  L    403  200  200  200  200  200  403  403  200
complaints:rectification         A01        GET  L    404  200  200  200  200  200  404  404  200
complaints:rectification         B01        GET  L    404  404  404  200  200  200  404  404  200
# call back: the window's head or D1's head; the center 403
complaints:rectification_act     A01        POST L    404  302+ 302+ 403  403  403  404  404  302+
complaints:rectification_act     B01        POST L    404  404  404  403  403  403  404  404  302+
complaints:detail                A01        GET  L    403  403  200  200  200  200  403  403  200
complaints:detail                B01        GET  L    403  403  403  200  200  200  403  403  200
complaints:pdf                   A01        GET  L    403  403  200  200  200  200  403  403  200
complaints:pdf                   B01        GET  L    403  403  403  200  200  200  403  403  200
# propose: the assigned handler only
complaints:act                   A01        POST L    403  403  302+ 403  403  403  403  403  403
complaints:act                   B01        POST L    403  403  403  403  403  403  403  403  403

# heads, and a person named in a finding, go to the findings (302)
patrols:index                    -          GET  L    302  302  302  200  200  200  403  403  200
# joins this morning's open round: 302, nothing new
patrols:round_start              -          POST L    403  403  403  302  302  403  403  403  302
patrols:round                    -          GET  L    403  403  403  200  200  200  403  403  200
patrols:round_sign               -          POST L    403  403  403  302+ 302+ 403  403  403  302+
patrols:round_window             A01        GET  L    403  403  403  200  200  200  403  403  200
patrols:round_window             B01        GET  L    403  403  403  200  200  200  403  403  200
# records a finding at A01
patrols:round_window             A01        POST L    403  403  403  302+ 302+ 403  403  403  302+
# the window has a finding: refused with a message (302)
patrols:check_pass               A01        POST L    403  403  403  302  302  403  403  403  302
patrols:check_pass               B01        POST L    403  403  403  302  302  403  403  403  302
patrols:check_undo               A01        POST L    403  403  403  302  302  403  403  403  302
patrols:check_undo               B01        POST L    403  403  403  302  302  403  403  403  302
# the clerk reads the finding that names them
patrols:findings                 -          GET  L    200  200  200  200  200  200  403  403  200
patrols:finding                  A01        GET  L    200  200  200  200  200  200  403  403  200
patrols:finding                  B01        GET  L    403  403  403  200  200  200  403  403  200
patrols:finding_photo            A01        GET  L    200  200  200  200  200  200  403  403  200
patrols:finding_photo            B01        GET  L    403  403  403  200  200  200  403  403  200
# dispute: the head of the finding's window
patrols:finding_act              A01        POST L    403  302+ 403  403  403  403  403  403  403
patrols:finding_act              B01        POST L    403  403  403  403  403  403  403  403  403
patrols:coverage                 -          GET  L    403  403  403  200  200  200  403  403  200
patrols:summary                  -          GET  L    403  200  200  200  200  200  403  403  200
patrols:summary_pdf              -          GET  L    403  200  200  200  200  200  403  403  200
patrols:summary_xlsx             -          GET  L    403  200  200  200  200  200  403  403  200

# an applicant with no case 403; the outsider an empty desk
accountability:desk              -          GET  L    200  200  200  200  200  200  403  200  200
# opens cases from the occurrences waiting
accountability:take_up           -          POST L    403  403  403  403  403  302+ 403  403  302+
accountability:case_new          -          GET  L    403  403  403  403  403  200  403  403  200
accountability:case_new          -          POST L    403  403  403  403  403  400  403  403  400
# the case about A01's clerk; supervisors do not read accountability
accountability:case              A01        GET  L    200  200  200  403  200  200  403  403  200
accountability:case              B01        GET  L    403  403  403  403  200  200  403  403  200
# the case is decided already: inspectors 400; others 403
accountability:case_hear         A01        POST L    403  403  403  403  403  400  403  403  400
accountability:case_hear         B01        POST L    403  403  403  403  403  400  403  403  400
accountability:case_decide       A01        POST L    403  403  403  403  403  400  403  403  400
accountability:case_decide       B01        POST L    403  403  403  403  403  400  403  403  400
accountability:case_dismiss      A01        POST L    403  403  403  403  403  400  403  403  400
accountability:case_dismiss      B01        POST L    403  403  403  403  403  400  403  403  400
accountability:hearing           A01        GET  L    200  200  200  403  200  200  403  403  200
accountability:hearing           B01        GET  L    403  403  403  403  200  200  403  403  200
# the clerk stated already: 400
accountability:hearing           A01        POST L    400  403  403  403  403  400  403  403  400
accountability:hearing           B01        POST L    403  403  403  403  403  400  403  403  400
accountability:hearing_pdf       A01        GET  L    200  200  200  403  200  200  403  403  200
accountability:hearing_pdf       B01        GET  L    403  403  403  403  200  200  403  403  200
accountability:decision_pdf      A01        GET  L    200  200  200  403  200  200  403  403  200
accountability:decision_pdf      B01        GET  L    403  403  403  403  200  200  403  403  200
# appeal: the clerk appealed already (400)
accountability:decision_act      A01        POST L    400  403  403  403  403  403  403  403  403
accountability:decision_act      B01        POST L    403  403  403  403  403  403  403  403  403
# the inspector who decided may not review; the director does
accountability:appeal_review     A01        POST L    403  403  403  403  302+ 403  403  403  302+
accountability:appeal_review     B01        POST L    403  403  403  403  302+ 403  403  403  302+
# the self-examination: the window's head or an inspector records it
accountability:effect_hand_in    A01        POST L    403  302+ 403  403  403  302+ 403  403  302+
accountability:effect_hand_in    B01        POST L    403  403  403  403  403  302+ 403  403  302+
accountability:criticism_pdf     A01        GET  L    200  200  200  403  200  200  403  403  200
accountability:criticism_pdf     B01        GET  L    403  403  403  403  200  200  403  403  200
accountability:record_person     clerk      GET  L    200  200  200  403  200  200  403  403  200
accountability:record_person     otherclerk GET  L    403  403  403  403  200  200  403  403  200
accountability:record_window     A01        GET  L    403  200  200  403  200  200  403  403  200
accountability:record_window     B01        GET  L    403  403  403  403  200  200  403  403  200

assessment:home                  -          GET  L    200  200  200  200  200  200  200  200  200
assessment:public                -          GET  200  200  200  200  200  200  200  200  200  200
assessment:period                published  GET  L    200  200  200  200  200  200  403  403  200
# a month not computed: 404 but for the center
assessment:period                unscored   GET  L    404  404  404  200  200  404  404  404  200
assessment:period_action         unscored   POST L    403  403  403  302+ 302+ 403  403  403  302+
assessment:score                 clerk      GET  L    200  200  200  200  200  200  403  403  200
assessment:score                 otherclerk GET  L    403  403  403  200  200  200  403  403  200
# A01's window score; a clerk reads their own score only
assessment:score                 A01        GET  L    403  200  200  200  200  200  403  403  200
assessment:score                 B01        GET  L    403  403  403  200  200  200  403  403  200
# the window head's objection is waiting (400); D1's head may object too
assessment:object                A01        POST L    403  400  302+ 403  403  403  403  403  403
assessment:object                B01        POST L    403  403  403  403  403  403  403  403  403
# the director, once the period is final (400 until then)
assessment:correct               clerk      POST L    403  403  403  403  400  403  403  403  400
assessment:answer                A01        POST L    403  403  403  302+ 302+ 403  403  403  302+
assessment:answer                B01        POST L    403  403  403  302+ 302+ 403  403  403  302+
assessment:commendations         -          GET  L    403  403  403  200  200  403  403  403  200
assessment:commendations         -          POST L    403  403  403  400  400  403  403  403  400
assessment:commendation_withdraw A01        POST L    403  403  403  302+ 302+ 403  403  403  302+
assessment:commendation_withdraw B01        POST L    403  403  403  302+ 302+ 403  403  403  302+
# the person commended, the window's heads and the center; D1's head 403
assessment:evidence              A01        GET  L    200  200  403  200  200  200  403  403  200
assessment:evidence              B01        GET  L    403  403  403  200  200  200  403  403  200
# R-SCORE-4 raters (inspectors rate no one); POST A01/B01: marks for that window's clerk
assessment:merit                 A01        GET  L    200  200  200  200  200  403  403  403  200
assessment:merit                 A01        POST L    302+ 302+ 302+ 302+ 302+ 403  403  403  302+
assessment:merit                 B01        POST L    403  403  403  302+ 302+ 403  403  403  302+
assessment:report                -          GET  L    403  200  200  200  200  200  403  403  200
# ?department=D2: D1's head 403
assessment:report                D2         GET  L    403  403  403  200  200  200  403  403  200
assessment:report_file_new       -          POST L    403  302+ 302+ 302+ 302+ 302+ 403  403  302+
# D1's head's file: the requester's own, 404 to anyone else
assessment:report_file           dhead-file GET  L    404  404  200  404  404  404  404  404  200
assessment:report_file_download  dhead-file GET  L    404  404  200  404  404  404  404  404  200

supervision:overview             -          GET  L    403  403  200  200  200  200  403  403  200
supervision:appeals              -          GET  L    403  403  403  200  200  403  403  403  200
supervision:appeal_decide        A01        POST L    403  403  403  302+ 302+ 403  403  403  302+
supervision:appeal_decide        B01        POST L    403  403  403  302+ 302+ 403  403  403  302+
supervision:screen               -          GET  200  200  200  200  200  200  200  200  200  200

# logged in: 302 to the home page
login                            -          GET  200  302  302  302  302  302  302  302  302  302
login                            -          POST 200  302  302  302  302  302  302  302  302  302
# Django 5 logs out by POST only
logout                           -          GET  405  405  405  405  405  405  405  405  405  405
logout                           -          POST 302  302  302  302  302  302  302  302  302  302
password_change                  -          GET  L    200  200  200  200  200  200  200  200  200
password_change                  -          POST L    200  200  200  200  200  200  200  200  200
# the idle-session check: anonymous 401 (JSON)
session                          -          GET  401  200  200  200  200  200  200  200  200  200
session                          -          POST 401  200  200  200  200  200  200  200  200  200
# administrators only (staff_member_required)
login_log                        -          GET  A    A    A    A    A    A    A    A    A    200

admin:index                      -          GET  A    A    A    A    A    A    A    A    A    200
"""

# Addresses Django provides that the table leaves out: the language switch, and the admin's
# own pages (only its index has a row: the admin guards every page behind it alike).
NOT_IN_THE_TABLE = ("set_language",)
NOT_IN_THE_TABLE_NAMESPACES = ("admin",)

# What is private, and the only (url name, variant) rows where each persona may read it
# whole; everywhere else it is masked or absent (checked in every answer of the matrix).
EVERY_CASE = {"director", "inspector", "admin_user"}  # read every case's ID and phone
A01_STAFF = {"clerk", "window_head"}
CENTER = {"supervisor", "director", "inspector", "admin_user"}
SHOWN_IN_FULL = {
    # cases.access.may_see_full_identity: the case's own window (lead or co-window),
    # inspectors, the director. Documents for the applicant (receipts) always mask it.
    ID_A: {("cases:detail", "A01"): A01_STAFF | EVERY_CASE},
    ID_B: {("cases:detail", "B01"): EVERY_CASE},
    ID_J: {("cases:detail", "joint"): A01_STAFF | EVERY_CASE},
    # The applicant's mobile: as the ID on the case page; in full to whoever calls back
    # after a bad review (the window's heads, D1's head, the center), never to the person
    # rated (complaints.views_ratings._applicant_contact); masked on the documents.
    APPLICANT_PHONE: {
        ("cases:detail", "A01"): A01_STAFF | EVERY_CASE,
        ("cases:detail", "B01"): EVERY_CASE,
        ("cases:detail", "joint"): A01_STAFF | EVERY_CASE,
        ("complaints:rectification", "A01"): {"window_head", "department_head"} | CENTER,
        ("complaints:rectification", "B01"): CENTER,
        # a refused step shows the rectification page again
        ("complaints:rectification_act", "A01"): {"window_head", "department_head"} | CENTER,
        ("complaints:rectification_act", "B01"): CENTER,
    },
    # R-COMP-4: inspectors and the complaint's handler (D1's head) only; never the clerk
    # complained about nor the window's head. The refusal page of a step shows the
    # complaint as its reader may see it.
    **dict.fromkeys(
        (COMPLAINANT_PHONE, ADDRESS_MARK),
        {
            ("complaints:detail", "A01"): {"department_head", "inspector", "admin_user"},
            ("complaints:pdf", "A01"): {"department_head", "inspector", "admin_user"},
            ("complaints:export", "-"): {"department_head", "inspector", "admin_user"},
            ("complaints:act", "A01"): {"inspector", "admin_user"},
        },
    ),
    # R-FIRST-1: a report waiting to be registered is the center's (the registrars'), and
    # on the first-inquiry lists of its window (the director's: every window); its
    # reporter's phone is on B01's inquiry list and the registration form only.
    REPORT_SUBJECT: {
        ("complaints:list", "-"): CENTER,
        ("cases:inquiries", "-"): {"director", "admin_user"},
        ("cases:inquiry_new", "-"): {"director", "admin_user"},
    },
    REPORTER_PHONE: {},
    # R-ORG-3: the center reviews a proposed person's identity; their department sees it.
    DISPATCH_ID_D1: {("staff:dispatch_detail", "D1"): {"department_head"} | CENTER},
    DISPATCH_ID_D2: {("staff:dispatch_detail", "D2"): CENTER},
}


# Scope: what only B01, department D2 and the center read, and the rows where those whose
# scope is A01 or D1 (and the public) may read it anyway.
INSIDE_A01 = ("anon", "clerk", "window_head", "department_head", "applicant", "outsider")
B01_NAMES_SHOWN = {
    ("cases:inquiry_new", "-"),  # R-FIRST-1: refer the visitor to any colleague
    ("assessment:public", "-"),  # R-SCORE-1: the public notice names the staff scored
}


def outside_a01(world) -> dict[str, set]:
    return {
        world.case_b.number: set(),
        world.done_b.number: set(),
        world.complaint_b.number: set(),
        world.acc_case_b.number: set(),
        "钱申请": set(),  # B01's applicant
        "吴投诉": set(),  # who complained about B01's clerk
        "钱新人": set(),  # the person D2 proposes
        # B01's clerk took in the joint case B01 leads, which A01's staff work on too
        world.users["other_clerk"].first_name: B01_NAMES_SHOWN | {("cases:detail", "joint")},
        world.users["other_head"].first_name: B01_NAMES_SHOWN,
    }


def parse(table: str) -> list[tuple[str, str, str, tuple[str, ...]]]:
    rows = []
    for line in table.strip().splitlines():
        if not line.strip() or line.startswith("#"):
            continue
        name, variant, method, *codes = line.split()
        assert len(codes) == len(COLUMNS), f"{line!r}: {len(codes)} codes for {len(COLUMNS)}"
        rows.append((name, variant, method, tuple(codes)))
    return rows


ROWS = parse(MATRIX)
POST_ONLY = sorted({r[0] for r in ROWS if r[2] == "POST"} - {r[0] for r in ROWS if r[2] == "GET"})


def row_id(row) -> str:
    return f"{row[0]}[{row[1]}]{row[2]}"


# --- the hall, built once for the module ------------------------------------------------------


@pytest.fixture(scope="module")
def world(django_db_setup, django_db_blocker, tmp_path_factory):
    """Built once (the rows only read it: each request is rolled back), in a transaction
    rolled back when the module is done."""
    from django.db import transaction
    from django.test import override_settings

    media = override_settings(MEDIA_ROOT=tmp_path_factory.mktemp("matrix-media"))
    with django_db_blocker.unblock(), media, transaction.atomic():
        w = build_world()
        login_clients(w)
        yield w
        transaction.set_rollback(True)


@pytest.fixture
def fake_pdfs(monkeypatch):
    """The matrix reads the HTML each PDF is made from (WeasyPrint takes about a second a
    PDF); the privacy tests below read real PDFs."""
    import weasyprint

    monkeypatch.setattr(weasyprint, "HTML", FakeHTML)


def _all_url_names() -> set[str]:
    names: set[str] = set()

    def walk(resolver, namespace):
        for pattern in resolver.url_patterns:
            if isinstance(pattern, URLResolver):
                if pattern.namespace in NOT_IN_THE_TABLE_NAMESPACES:
                    continue
                walk(pattern, ":".join(p for p in (namespace, pattern.namespace) if p))
            elif isinstance(pattern, URLPattern) and pattern.name:
                names.add(f"{namespace}:{pattern.name}" if namespace else pattern.name)

    walk(get_resolver(), "")
    return names - set(NOT_IN_THE_TABLE)


def _matches(expected: str, answer) -> bool:
    if expected.endswith("~"):
        return answer.code == expected[:-1]
    return answer.shown == expected


def _leaks(world, name: str, variant: str, answers: dict) -> list[str]:
    found = []
    outside = outside_a01(world)
    for persona, answer in answers.items():
        # The language switch's hidden `next` echoes the address the reader asked for
        # (a refusal page too): that is their own typing, not the hall's data.
        text = re.sub(r'name="next" value="[^"]*"', "", text_of(answer))
        for secret, places in SHOWN_IN_FULL.items():
            if secret in text and persona not in places.get((name, variant), ()):
                found.append(f"  {persona:<16} reads {secret!r}")
        if persona in INSIDE_A01:
            for marker, rows in outside.items():
                if marker in text and (name, variant) not in rows:
                    found.append(f"  {persona:<16} reads {marker!r}, outside their scope")
    return found


# --- the tests ---------------------------------------------------------------------------------


def test_every_url_name_has_a_row():
    in_table = {row[0] for row in ROWS} - {"admin:index"}
    configured = _all_url_names()
    missing = sorted(configured - in_table)
    gone = sorted(in_table - configured)
    assert not missing and not gone, (
        f"URL names without a row in MATRIX (add one per object variant): {missing}; "
        f"rows whose URL name no longer exists: {gone}"
    )


@pytest.mark.parametrize("row", ROWS, ids=row_id)
def test_access_matrix(world, fake_pdfs, row):
    name, variant, method, expected = row
    path, data = target(world, name, variant)
    answers = {p: fetch(world, p, method, path, data) for p in COLUMNS}
    wrong = [p for p, e in zip(COLUMNS, expected, strict=True) if not _matches(e, answers[p])]
    actual = "".join(f"{answers[p].shown:<5}" for p in COLUMNS).rstrip()
    assert not wrong, (
        f"{method} {path} ({name}, {variant}):\n"
        + "\n".join(
            f"  {p:<16} expected {e:<5} got {answers[p].shown:<5} {answers[p].location}"
            for p, e in zip(COLUMNS, expected, strict=True)
            if p in wrong
        )
        + f"\nthe row as it answers now:\n{name:<33}{variant:<11}{method:<5}{actual}"
    )
    leaks = _leaks(world, name, variant, answers)
    assert not leaks, f"{method} {path} shows what it should not:\n" + "\n".join(leaks)


@pytest.mark.parametrize("name", POST_ONLY)
def test_a_post_only_view_refuses_get(world, name):
    """`require_POST` answers before `login_required`: 405 to anyone, a superuser too."""
    variant = next(r[1] for r in ROWS if r[0] == name)
    path, _data = target(world, name, variant)
    assert [fetch(world, p, "GET", path, {}).shown for p in ("anon", "admin_user")] == [
        "405",
        "405",
    ]


# --- R-COMP-4 and masked ID numbers, read as their readers read them ---------------------


def _answers_of(world, persona: str):
    """Every row where `persona` gets a 200, asked again, with what they read."""
    column = COLUMNS.index(persona)
    for name, variant, method, codes in ROWS:
        if codes[column] == "200":
            path, data = target(world, name, variant)
            answer = fetch(world, persona, method, path, data)
            assert answer.code == "200", (name, variant, method, answer.shown)
            yield (name, variant, method), answer


def test_the_complained_about_clerk_never_reads_the_complainants_contact(world):
    """R-COMP-4: the phone and address of whoever complained about the clerk are on no
    page, PDF (read with pypdf) or workbook (openpyxl) the clerk can open."""
    read = {
        key: (answer.content_type, text_of(answer)) for key, answer in _answers_of(world, "clerk")
    }
    seen = [
        key
        for key, (_type, text) in read.items()
        if COMPLAINANT_PHONE in text or ADDRESS_MARK in text
    ]
    assert not seen, f"the clerk reads the complainant's contact on {seen}"
    # The clerk's documents were read as PDFs, and the same reading finds the contact on
    # the registration form the complaint's handler prints.
    decision = read[("accountability:decision_pdf", "A01", "GET")]
    assert decision[0] == "application/pdf" and "问责决定书" in decision[1]
    path, _data = target(world, "complaints:pdf", "A01")
    handlers_copy = text_of(fetch(world, "department_head", "GET", path, {}))
    assert COMPLAINANT_PHONE in handlers_copy and ADDRESS_MARK in handlers_copy


LISTS_AND_EXPORTS = {
    ("home", "-"),
    ("cases:list", "-"),
    ("cases:inquiries", "-"),
    ("hall:alerts", "-"),
    ("staff:people", "-"),
    ("staff:dispatch_list", "-"),
    ("staff:attendance_report", "-"),
    ("staff:attendance_report_file", "xlsx"),
    ("staff:attendance_report_file", "pdf"),
    ("complaints:list", "-"),
    ("complaints:export", "-"),
    ("complaints:report_pdf", "-"),
    ("complaints:report_xlsx", "-"),
    ("complaints:ratings", "-"),
    ("complaints:rectifications", "-"),
    ("patrols:findings", "-"),
    ("patrols:summary_pdf", "-"),
    ("patrols:summary_xlsx", "-"),
    ("accountability:desk", "-"),
    ("assessment:report_file_download", "dhead-file"),
    ("supervision:overview", "-"),
    ("supervision:appeals", "-"),
}


def test_lists_and_exports_show_no_full_id_number(world, fake_pdfs):
    """Lists, workbooks and list PDFs show an applicant's ID number masked, if at all, to
    every persona who opens them; the clerk's case list shows A01's case that way."""
    full = []
    for persona in COLUMNS:
        column = COLUMNS.index(persona)
        for name, variant, method, codes in ROWS:
            if (name, variant) in LISTS_AND_EXPORTS and method == "GET" and codes[column] == "200":
                path, _data = target(world, name, variant)
                text = text_of(fetch(world, persona, "GET", path, {}))
                full += [(persona, name, n) for n in (ID_A, ID_B, ID_J) if n in text]
    assert not full
    path, _data = target(world, "cases:list", "-")
    listed = text_of(fetch(world, "clerk", "GET", path, {}))
    assert world.case_a.number in listed and mask_id(ID_A) in listed


def test_the_case_page_shows_the_full_id_to_its_window_and_the_receipt_never(world):
    """The designed exceptions: the case page shows the full ID number to the case's own
    window, the inspectors and the director (cases.access.may_see_full_identity), masked
    to the other readers; the receipt handed to the applicant masks it for everyone."""
    detail, _data = target(world, "cases:detail", "A01")
    assert ID_A in text_of(fetch(world, "clerk", "GET", detail, {}))
    for reader in ("department_head", "supervisor"):
        page = text_of(fetch(world, reader, "GET", detail, {}))
        assert ID_A not in page and mask_id(ID_A) in page
    for persona, variant, number in (
        ("clerk", "A01", ID_A),
        ("department_head", "A01", ID_A),
        ("inspector", "B01", ID_B),
    ):
        path, _data = target(world, "cases:document_pdf", variant)
        answer = fetch(world, persona, "GET", path, {})
        text = text_of(answer)  # a real PDF, read with pypdf
        assert answer.content_type == "application/pdf" and "收件回执" in text
        assert number not in text and mask_id(number) in text
