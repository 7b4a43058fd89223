"Errors the appeals CRM reports to its users (texts live in message.xml)."
from trytond.exceptions import UserError, UserWarning
from trytond.model.exceptions import ValidationError


class AppealError(UserError):
    pass


class AppealValidationError(ValidationError):
    pass


class AppealWarning(UserWarning):
    pass
