"Appeals CRM: the residents' website and the executors' phone pages."
# The website's routes join trytond's WSGI application when the module is
# imported; on a database where the module is not activated they answer 404
from . import www  # noqa: F401
