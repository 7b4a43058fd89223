"The user agreement and consent to personal-data processing."
from trytond.model import DeactivableMixin, ModelSQL, ModelView, fields
from trytond.pool import Pool


class Agreement(DeactivableMixin, ModelSQL, ModelView):
    "Portal User Agreement"
    __name__ = 'crm.portal.agreement'
    __string__ = "Portal User Agreement"
    _history = True

    version = fields.Char("Version", required=True)
    title = fields.Char("Title", required=True)
    text = fields.Text("Text", required=True)
    date = fields.Date("Effective Date", required=True)

    def get_rec_name(self, name):
        # Versions of one agreement usually keep its title
        edition = ' '.join(filter(None, [
                    f'версия {self.version}' if self.version else '',
                    f'от {self.date:%d.%m.%Y}' if self.date else '']))
        return ', '.join(filter(None, [self.title, edition]))

    @classmethod
    def current(cls):
        "The agreement a new resident accepts, or None: no checkbox then"
        # A version prepared for a later date is not shown before that date
        today = Pool().get('ir.date').today()
        agreements = cls.search([('date', '<=', today)], order=[('date', 'DESC'), ('id', 'DESC')],
            limit=1)
        return agreements[0] if agreements else None
