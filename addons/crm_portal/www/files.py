"""Files a resident may download: the portal-public attachments of his own
appeals and of the public messages on them."""
import mimetypes
import urllib.parse

from werkzeug.exceptions import NotFound
from werkzeug.wrappers import Response

from trytond.transaction import without_check_access

from .core import route

# The records whose portal-public files a resident may see, when the
# portal's rules let him read the record itself
RESOURCES = {'crm.appeal', 'crm.appeal.message'}


@route('/files/<int:id>')
def download(page, id):
    pool = page.pool
    Attachment = pool.get('ir.attachment')
    with without_check_access():
        attachments = Attachment.search([
                ('id', '=', id),
                ('portal_public', '=', True),
                ], limit=1)
        resource = attachments[0].resource if attachments else None
        if resource is None or resource.__name__ not in RESOURCES:
            raise NotFound()
        attachment = attachments[0]
        name, data = attachment.name, attachment.data
    # The rules decide whether the resident reads the record of the file
    Resource = pool.get(resource.__name__)
    if not Resource.search([('id', '=', resource.id)], limit=1):
        raise NotFound()
    mimetype = mimetypes.guess_type(name)[0] or 'application/octet-stream'
    response = Response(bytes(data or b''), mimetype=mimetype)
    response.headers['Content-Disposition'] = (
        "inline; filename*=UTF-8''%s" % urllib.parse.quote(name))
    response.headers['X-Content-Type-Options'] = 'nosniff'
    response.headers['Cache-Control'] = 'private, max-age=3600'
    return response
