"""A finding's photo: JPEG or PNG only, size-limited, stored without its metadata.

A phone's photo carries EXIF: where it was taken (GPS), the device, the time. The
hall keeps none of it: the picture is decoded and encoded afresh, turned upright by
its orientation tag first, so what is stored has pixels and nothing else.
"""

from __future__ import annotations

import io
import uuid

from django.conf import settings
from django.core.exceptions import ValidationError
from django.core.files.base import ContentFile
from django.template.defaultfilters import filesizeformat
from django.utils.translation import gettext as _
from PIL import Image, ImageOps, UnidentifiedImageError

ACCEPTED = {"JPEG": "jpg", "PNG": "png"}
# A decompression bomb (a tiny file of enormous pixel size) is refused, not decoded.
MAX_PIXELS = 40_000_000


def photo_clean(upload) -> ContentFile:
    """The stored form of an uploaded photo, or ValidationError with a clear message."""
    limit = settings.HALL_PATROL_PHOTO_MAX_BYTES
    if upload.size > limit:
        raise ValidationError(
            _("The photo is %(size)s; the largest accepted is %(limit)s.")
            % {"size": filesizeformat(upload.size), "limit": filesizeformat(limit)}
        )
    wrong_type = ValidationError(_("A photo must be a JPEG or PNG picture."))
    try:
        upload.seek(0)
        with Image.open(upload) as probe:
            kind = probe.format
            width, height = probe.size
            if kind not in ACCEPTED:
                raise wrong_type
            if width * height > MAX_PIXELS:
                raise ValidationError(_("The photo has too many pixels."))
            probe.verify()
        upload.seek(0)
        with Image.open(upload) as image:
            image.load()
            upright = ImageOps.exif_transpose(image)
    except ValidationError:
        raise
    except (UnidentifiedImageError, OSError, SyntaxError, ValueError, Image.DecompressionBombError):
        raise wrong_type from None
    side = settings.HALL_PATROL_PHOTO_MAX_SIDE
    if max(upright.size) > side:
        upright.thumbnail((side, side))
    out = io.BytesIO()
    if kind == "JPEG":
        # No exif=, no icc/xmp/comment: the encoder writes pixels only.
        upright.convert("RGB").save(out, format="JPEG", quality=85, optimize=True)
    else:
        if upright.mode not in ("RGB", "RGBA", "L", "LA", "P"):
            upright = upright.convert("RGBA")
        upright.save(out, format="PNG", optimize=True)
    return ContentFile(out.getvalue(), name=f"{uuid.uuid4().hex}.{ACCEPTED[kind]}")
