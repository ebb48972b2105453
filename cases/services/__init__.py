"""Writes of the cases app: every action checks its state and its actor's authority."""

from .appeals import appeal_decide, appeal_file  # noqa: F401
from .intake import (  # noqa: F401
    ApplicantInput,
    MaterialInput,
    PartInput,
    case_intake,
    inquiry_record,
    supplement_notice_issue,
    supplement_receive,
)
from .progress import (  # noqa: F401
    case_approve,
    case_pickup,
    case_refuse,
    extension_decide,
    extension_request,
    filing_review,
    part_complete,
    suspension_end,
    suspension_start,
)
