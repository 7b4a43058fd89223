from trytond.cache import Cache
from trytond.model import ModelSingleton, ModelSQL, ModelView, fields
from trytond.modules.company.model import (
    CompanyMultiValueMixin, CompanyValueMixin)
from trytond.pool import Pool
from trytond.pyson import Eval, Id
from trytond.transaction import Transaction

from .search import ensure_trigram


class Configuration(
        ModelSingleton, ModelSQL, ModelView, CompanyMultiValueMixin):
    "Appeals settings (Настройки обращений)"
    __name__ = 'crm.configuration'
    __string__ = "Appeals settings"
    _history = True

    appeal_sequence = fields.MultiValue(fields.Many2One(
            'ir.sequence', "Appeal Sequence", required=True,
            domain=[
                ('company', 'in', [Eval('context', {}).get('company', -1),
                        None]),
                ('sequence_type', '=',
                    Id('crm_dispatch', 'sequence_type_appeal')),
                ]))
    reject_reason_required = fields.Boolean(
        "Rejection Reason Is Mandatory",
        help="Operators must give a reason when they reject an appeal.")
    close_notification_subject = fields.Char("Close Notification Subject")
    close_notification_text = fields.Text(
        "Close Notification Text",
        help="Sent to the applicant when an appeal is closed.\n"
        "Placeholders: {number}, {reason}, {work_done}, {applicant}.")
    public_contact_threshold = fields.Integer(
        "Public Contact Threshold", required=True,
        help="A phone or e-mail shared by more applicants than this "
        "is put on the review list of public contacts.")
    default_deadline_hours = fields.Integer(
        "Default Deadline (hours)", required=True,
        help="Used when the reason has no deadline for the source.")
    desk_due_hours = fields.Integer(
        "Due Soon Window (hours)", required=True,
        domain=[('desk_due_hours', '>', 0)],
        help="The supervisor's desk counts the open appeals whose deadline "
        "comes within this many hours, and the appeals list shows them in "
        "yellow (breach forecast).")

    # Asked by every read of the appeals list (its yellow rows)
    _desk_due_hours_cache = Cache(
        'crm.configuration.desk_due_hours', context=False)

    @classmethod
    def desk_due_hours_value(cls):
        "The hours of the «due soon» window, read once until changed"
        hours = cls._desk_due_hours_cache.get(None)
        if hours is None:
            # One column of the singleton's one row, not the singleton and
            # all its settings
            table = cls.__table__()
            cursor = Transaction().connection.cursor()
            cursor.execute(*table.select(table.desk_due_hours, limit=1))
            row = cursor.fetchone()
            hours = (row and row[0]) or cls.default_desk_due_hours()
            cls._desk_due_hours_cache.set(None, hours)
        return hours

    @classmethod
    def on_modification(cls, mode, records, field_names=None):
        super().on_modification(mode, records, field_names=field_names)
        cls._desk_due_hours_cache.clear()

    @classmethod
    def __register__(cls, module):
        # The module's first table: the trigram extension must be there
        # before any of its search indexes is built
        ensure_trigram()
        super().__register__(module)

    @classmethod
    def multivalue_model(cls, field):
        pool = Pool()
        if field == 'appeal_sequence':
            return pool.get('crm.configuration.sequence')
        return super().multivalue_model(field)

    @classmethod
    def default_appeal_sequence(cls, **pattern):
        return cls.multivalue_model(
            'appeal_sequence').default_appeal_sequence()

    @classmethod
    def default_reject_reason_required(cls):
        return True

    @classmethod
    def default_close_notification_subject(cls):
        return "Обращение {number} закрыто"

    @classmethod
    def default_close_notification_text(cls):
        return ("Здравствуйте, {applicant}!\n\n"
            "Ваше обращение № {number} ({reason}) закрыто.\n"
            "Выполненные работы: {work_done}\n\n"
            "Спасибо, что обратились к нам.")

    @classmethod
    def default_public_contact_threshold(cls):
        return 5

    @classmethod
    def default_default_deadline_hours(cls):
        return 72

    @classmethod
    def default_desk_due_hours(cls):
        # Half a working shift: time enough to act before the deadline
        return 4


class ConfigurationSequence(ModelSQL, CompanyValueMixin):
    "Appeals settings: number sequence per organisation"
    __name__ = 'crm.configuration.sequence'
    __string__ = "Appeals settings: number sequence per organisation"
    appeal_sequence = fields.Many2One(
        'ir.sequence', "Appeal Sequence", required=True,
        domain=[
            ('company', 'in', [Eval('company', -1), None]),
            ('sequence_type', '=',
                Id('crm_dispatch', 'sequence_type_appeal')),
            ])

    @classmethod
    def default_appeal_sequence(cls):
        pool = Pool()
        ModelData = pool.get('ir.model.data')
        try:
            return ModelData.get_id('crm_dispatch', 'sequence_appeal')
        except KeyError:
            return None
