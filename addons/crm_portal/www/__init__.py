"The portal website: werkzeug routes served by trytond's WSGI application."
from . import core  # noqa: F401
from . import auth  # noqa: F401
from . import executor  # noqa: F401
