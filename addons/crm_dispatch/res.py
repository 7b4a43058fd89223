"Staff: support lines of users and the record rules built on them."
from trytond.cache import Cache
from trytond.model import fields
from trytond.pool import Pool, PoolMeta
from trytond.transaction import Transaction

RESTRICTED_GROUP = ('crm_dispatch', 'group_crm_operator')
WIDE_GROUPS = [
    ('crm_dispatch', 'group_crm_supervisor'),
    ('crm_dispatch', 'group_crm_admin'),
    ]
# The root user (id 0), named «Root» by Tryton's init.sql, is the author of
# what the scheduled tasks and the demo loader do: charges runs, debtor
# cases, events
ROOT_NAME = 'Система'


def as_user_in_russian():
    """The context of the transaction's user as in the back office
    (organisation, companies, employee: the record rules read them), with
    messages in Russian: for the HTTP routes keyed by a user's
    application key, which start with a bare context"""
    User = Pool().get('res.user')
    preferences = User.get_preferences(context_only=True)
    preferences.pop('language', None)
    return Transaction().set_context(preferences, language='ru')


class User(metaclass=PoolMeta):
    __name__ = 'res.user'

    crm_lines = fields.Many2Many(
        'crm.support_line-res.user', 'user', 'line', "Support Lines")
    _crm_rule_cache = Cache('res_user.crm_rule_context', context=False)

    @classmethod
    def __register__(cls, module):
        super().__register__(module)
        table = cls.__table__()
        cursor = Transaction().connection.cursor()
        # Only Tryton's own name: one an administrator gave is kept
        cursor.execute(*table.update([table.name], [ROOT_NAME],
                where=(table.id == 0) & (table.name == 'Root')))

    def get_status_bar(self, name):
        status = super().get_status_bar(name)
        # The company module shows the currency of accounting ("[RUB]"):
        # nothing on the appeals desk is priced, so it only puzzles
        if self.company and self.company.currency:
            suffix = ' [%s]' % self.company.currency.code
            if status.endswith(suffix):
                status = status[:-len(suffix)]
        return status

    @classmethod
    def crm_restricted(cls, user_id=None):
        """Whether the user works as an operator bound by the settings of
        their support lines (supervisors and administrators are not)."""
        pool = Pool()
        ModelData = pool.get('ir.model.data')
        if user_id is None:
            user_id = Transaction().user
        if not user_id:
            return False
        with Transaction().set_user(user_id):
            groups = set(cls.get_groups())
        if ModelData.get_id(*RESTRICTED_GROUP) not in groups:
            return False
        return not any(ModelData.get_id(*g) in groups for g in WIDE_GROUPS)

    @classmethod
    def crm_rule_context(cls):
        """Values of the current user that appeal record rules refer to.
        Read with SQL: the rules are evaluated while reading users."""
        pool = Pool()
        Line = pool.get('crm.support_line')
        Member = pool.get('crm.support_line-res.user')
        user_id = Transaction().user
        key = user_id
        context = cls._crm_rule_cache.get(key)
        if context is not None:
            return context
        line, member = Line.__table__(), Member.__table__()
        cursor = Transaction().connection.cursor()
        cursor.execute(*member.join(line, condition=member.line == line.id
                ).select(line.id, line.appeal_access,
                where=(member.user == user_id) & (line.active == True)))
        rows = cursor.fetchall()
        context = {
            'crm_lines': sorted(r[0] for r in rows),
            # A member of a line giving access to all appeals sees them all
            'crm_appeal_all': any(r[1] == 'all' for r in rows),
            }
        cls._crm_rule_cache.set(key, context)
        return context

    @classmethod
    def crm_clear_cache(cls):
        cls._crm_rule_cache.clear()
        Pool().get('ir.rule')._domain_get_cache.clear()

    @classmethod
    def on_modification(cls, mode, users, field_names=None):
        super().on_modification(mode, users, field_names=field_names)
        if field_names is None or 'crm_lines' in field_names:
            cls.crm_clear_cache()


class Rule(metaclass=PoolMeta):
    __name__ = 'ir.rule'

    @classmethod
    def __setup__(cls):
        super().__setup__()
        cls.domain.help += (
            '\n- "crm_lines" as list of ids of the user\'s support lines'
            '\n- "crm_appeal_all" true when one of them shows all appeals')

    @classmethod
    def _get_context(cls, model_name):
        context = super()._get_context(model_name)
        context.update(Pool().get('res.user').crm_rule_context())
        if model_name == 'crm.appeal':
            # The rule of observers names the user himself
            context['user_id'] = Transaction().user
        return context

    @classmethod
    def _get_cache_key(cls, model_names):
        context = Pool().get('res.user').crm_rule_context()
        key = super()._get_cache_key(model_names)
        key = (*key, tuple(context['crm_lines']), context['crm_appeal_all'])
        if 'crm.appeal' in model_names:
            key = (*key, Transaction().user)
        return key
