"The portal website: werkzeug routes served by trytond's WSGI application."
from . import core  # noqa: F401
from . import auth  # noqa: F401
from . import profile  # noqa: F401
from . import appeals  # noqa: F401
from . import files  # noqa: F401
from . import notifications  # noqa: F401
from . import accounts  # noqa: F401
from . import executor  # noqa: F401
from . import billing  # noqa: F401
from . import readings  # noqa: F401
from . import phone  # noqa: F401
