from django.conf import settings
from django.core.exceptions import ValidationError
from django.template.defaultfilters import filesizeformat
from django.utils.translation import gettext as _


def validate_upload_size(upload) -> None:
    """Refuse a file above HALL_UPLOAD_MAX_BYTES with a message naming both sizes."""
    limit = settings.HALL_UPLOAD_MAX_BYTES
    if upload.size > limit:
        raise ValidationError(
            _("The file is %(size)s; the largest accepted is %(limit)s.")
            % {"size": filesizeformat(upload.size), "limit": filesizeformat(limit)}
        )
