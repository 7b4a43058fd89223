"""Photos sent from the portal: the type is read from the content, the size
is limited, and the picture is saved anew without its metadata (EXIF keeps
the place where a phone took it)."""
import io

from PIL import Image, ImageOps, UnidentifiedImageError

from trytond.i18n import gettext

MAX_FILES = 5
MAX_SIZE = 5 * 1024 * 1024
# Formats a phone camera produces, by what Pillow reads in the content
FORMATS = {'JPEG': ('jpg', 'image/jpeg'), 'PNG': ('png', 'image/png'),
    'WEBP': ('webp', 'image/webp')}
Image.MAX_IMAGE_PIXELS = 50_000_000


class UploadError(Exception):
    "A file the portal refuses; the message is for the resident"


def clean_photo(name, data):
    """Return (file name, bytes) of the photo without metadata, or raise
    UploadError"""
    if len(data) > MAX_SIZE:
        raise UploadError(gettext('crm_portal.msg_upload_too_large',
                name=name, size=MAX_SIZE // (1024 * 1024)))
    try:
        with Image.open(io.BytesIO(data)) as image:
            image_format = image.format
            if image_format not in FORMATS:
                raise UploadError(gettext('crm_portal.msg_upload_not_photo',
                        name=name))
            image.load()
            # Turn the picture as the phone meant it, then drop the tags
            image = ImageOps.exif_transpose(image)
            clean = Image.new(image.mode, image.size)
            clean.paste(image)
    except (UnidentifiedImageError, OSError, SyntaxError,
            Image.DecompressionBombError) as exception:
        raise UploadError(gettext('crm_portal.msg_upload_not_photo',
                name=name)) from exception
    extension, _ = FORMATS[image_format]
    if image_format == 'JPEG' and clean.mode not in ('RGB', 'L'):
        clean = clean.convert('RGB')
    output = io.BytesIO()
    clean.save(output, format=image_format)
    stem = (name or 'photo').rsplit('.', 1)[0][:80] or 'photo'
    return f'{stem}.{extension}', output.getvalue()


def read_photos(request, field='photos', limit=MAX_FILES):
    """The cleaned photos of a form's file field: a list of (name, bytes);
    raises UploadError for too many, too large or not a photo"""
    files = [f for f in request.files.getlist(field) if f and f.filename]
    if len(files) > limit:
        raise UploadError(gettext('crm_portal.msg_upload_too_many',
                limit=limit))
    photos = []
    for storage in files:
        data = storage.read(MAX_SIZE + 1)
        photos.append(clean_photo(storage.filename, data))
    return photos
