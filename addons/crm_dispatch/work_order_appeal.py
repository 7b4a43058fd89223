"""Closing the loop between an appeal and its work orders: the appeal
shows its orders and «Работы выполнены» once the last one is done; a
setting forbids resolving it while one is open; the close wizard proposes
the work done from the orders' decisions and measures."""
from trytond.i18n import gettext
from trytond.model import ModelView, fields
from trytond.pool import Pool, PoolMeta
from trytond.pyson import Eval, Id
from trytond.transaction import Transaction

from .appeal_lifecycle import OPEN_STATES
from .exceptions import AppealError
from .work_order import OPEN


class Configuration(metaclass=PoolMeta):
    __name__ = 'crm.configuration'
    work_order_sequence = fields.Many2One('ir.sequence',
        "Work Order Sequence",
        domain=[('sequence_type', '=',
                Id('crm_dispatch', 'sequence_type_work_order'))])
    close_with_open_orders = fields.Boolean(
        "Close Appeals with Open Work Orders",
        help="Unchecked: an appeal is resolved only when all its work "
        "orders are done or cancelled.")

    @classmethod
    def default_work_order_sequence(cls):
        ModelData = Pool().get('ir.model.data')
        try:
            return ModelData.get_id('crm_dispatch', 'sequence_work_order')
        except KeyError:
            return None

    @classmethod
    def default_close_with_open_orders(cls):
        return False

    @property
    def work_order_sequence_used(self):
        Sequence = Pool().get('ir.sequence')
        return self.work_order_sequence or Sequence(
            self.default_work_order_sequence())


class Appeal(metaclass=PoolMeta):
    __name__ = 'crm.appeal'
    work_orders = fields.One2Many('crm.work_order', 'appeal', "Work Orders",
        readonly=True)
    works_done = fields.Function(fields.Boolean("Works Done",
            help="Every work order of the appeal is done (or cancelled) "
            "and at least one is done."),
        'get_works_done')

    @classmethod
    def __setup__(cls):
        super().__setup__()
        cls._buttons.update({
                'create_work_order': {
                    'invisible': ~Eval('state').in_(OPEN_STATES)
                    | (Eval('id', -1) < 0),
                    'depends': ['state'],
                    },
                })

    @classmethod
    def get_works_done(cls, appeals, name):
        "One query for all appeals: (open, done) orders of each"
        WorkOrder = Pool().get('crm.work_order')
        order = WorkOrder.__table__()
        cursor = Transaction().connection.cursor()
        result = dict.fromkeys((a.id for a in appeals), False)
        ids = list(result)
        if not ids:
            return result
        cursor.execute(*order.select(order.appeal, order.state,
                where=order.appeal.in_(ids),
                group_by=[order.appeal, order.state]))
        open_, done = set(), set()
        for appeal_id, state in cursor:
            if state in OPEN:
                open_.add(appeal_id)
            elif state == 'done':
                done.add(appeal_id)
        for appeal_id in done - open_:
            result[appeal_id] = True
        return result

    @classmethod
    @ModelView.button_action('crm_dispatch.wizard_appeal_create_order')
    def create_work_order(cls, appeals):
        pass

    def check_closable(self):
        "Not while a work order is open, unless the setting allows it"
        Configuration = Pool().get('crm.configuration')
        super().check_closable()
        if not Configuration(1).close_with_open_orders:
            open_ = [o for o in self.work_orders if o.state in OPEN]
            if open_:
                raise AppealError(gettext(
                        'crm_dispatch.msg_appeal_open_work_orders',
                        appeal=self.rec_name,
                        orders=', '.join(o.rec_name for o in open_)))

    def proposed_work_done(self):
        "The work done as the orders' decisions and measures tell it"
        lines = []
        for order in self.work_orders:
            if order.state != 'done':
                continue
            decision = order.decision
            text = (decision.text or decision.name) if decision else ''
            lines.append('; '.join(filter(None, [
                            text, (order.measures or '').strip()])))
        return '\n'.join(l for l in lines if l)


class Close(metaclass=PoolMeta):
    __name__ = 'crm.appeal.close'

    def default_start(self, fields):
        values = super().default_start(fields)
        if len(self.records) == 1 and not values.get('work_done'):
            if proposed := self.records[0].proposed_work_done():
                values['work_done'] = proposed
        return values
