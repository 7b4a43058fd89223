"""Access of operators to appeals of another organisation and to the
supervisors' mass operations, checked in process as an RPC call would be
(access rights and record rules on)."""
from trytond.exceptions import UserError
from trytond.model.exceptions import AccessError
from trytond.modules.company.tests import create_company, set_company
from trytond.modules.crm_dispatch.tests.tools import (
    CYRILLIC, acting_as, create_staff, load_russian)
from trytond.pool import Pool
from trytond.tests.test_tryton import _DBTestCase, with_transaction


class CrmDispatchAccessTestCase(_DBTestCase):
    "Operators stay inside their organisation and their role"
    # _DBTestCase: the database of the module without re-running the
    # generic ModuleTestCase checks, which test_module.py runs once
    module = 'crm_dispatch'
    language = 'ru'

    def _setup(self):
        """Two organisations, each with one line and its reasons; return
        them with the operator of the first one"""
        pool = Pool()
        Source = pool.get('crm.appeal.source')
        Tag = pool.get('crm.tag')
        Line = pool.get('crm.support_line')
        Group = pool.get('crm.appeal.reason.group')
        Reason = pool.get('crm.appeal.reason')
        ru = load_russian()
        north = create_company(name='УК Север')
        south = create_company(name='УК Юг')
        phone, = Source.create([{'name': 'Телефон', 'code': 'phone'}])
        housing, = Tag.create([{'name': 'Жилфонд', 'code': 'housing'}])
        group, = Group.create([{'name': 'Ремонт'}])
        leak, = Reason.create([{
                    'group': group.id, 'name': 'Протечка',
                    'default_hours': 24, 'tags': [('add', [housing.id])]}])
        line1, line2 = Line.create([{
                    'number': 1, 'name': 'Аварийная', 'company': north.id,
                    'appeal_access': 'own', 'topic_access': 'tags',
                    'tags': [('add', [housing.id])],
                    }, {
                    'number': 2, 'name': 'Вторая', 'company': north.id,
                    'appeal_access': 'own', 'topic_access': 'all',
                    }])
        operator = create_staff('operator1', north, [line1])
        User = pool.get('res.user')
        User.write([operator], {'language': ru.id})
        return {
            'north': north, 'south': south, 'phone': phone, 'leak': leak,
            'line1': line1, 'line2': line2, 'operator': operator,
            }

    def _two_appeals(self, s):
        """Two appeals of line 1 and the context of a wizard run on both:
        (appeals, their ids, context)"""
        appeals = self._appeals(s['north'], 2, source=s['phone'].id,
            reason=s['leak'].id, support_line=s['line1'].id)
        ids = [a.id for a in appeals]
        return appeals, ids, {
            'active_model': 'crm.appeal', 'active_ids': ids,
            'active_id': ids[0]}

    def _appeals(self, company, count=1, **values):
        Appeal = Pool().get('crm.appeal')
        with set_company(company):
            return Appeal.create([dict(values) for _ in range(count)])

    @with_transaction()
    def test_other_organisation_appeal_without_line(self):
        "Operators neither read nor write appeals of another organisation"
        pool = Pool()
        Appeal = pool.get('crm.appeal')
        s = self._setup()
        # Without a line the operator rule lets an appeal through: only the
        # organisation rule keeps the other organisation's one out
        mine, = self._appeals(s['north'], source=s['phone'].id,
            description="Своё")
        theirs, = self._appeals(s['south'], source=s['phone'].id,
            description="Чужое")
        self.assertIsNone(mine.support_line)
        self.assertIsNone(theirs.support_line)

        with acting_as(s['operator']):
            self.assertEqual(Appeal.search([]), [mine])
            with self.assertRaises(AccessError) as cm:
                Appeal.read([theirs.id], ['description'])
            self.assertRegex(cm.exception.message, CYRILLIC)
            with self.assertRaises(AccessError) as cm:
                Appeal.write([Appeal(theirs.id)], {'description': "Взлом"})
            self.assertRegex(cm.exception.message, CYRILLIC)
            with self.assertRaises(AccessError):
                Appeal.write([Appeal(theirs.id)], {
                        'company': s['north'].id})
            # The same write on his own organisation's appeal goes through:
            # the refusal above comes from the organisation, not the field
            Appeal.write([Appeal(mine.id)], {'description': "Исправлено"})

        theirs = Appeal(theirs.id)
        self.assertEqual(theirs.description, "Чужое")
        self.assertEqual(theirs.company, s['south'])
        self.assertEqual(Appeal(mine.id).description, "Исправлено")

    @with_transaction()
    def test_operator_cannot_open_mass_transfer(self):
        "An operator can neither open nor execute the mass transfer"
        pool = Pool()
        Appeal = pool.get('crm.appeal')
        Event = pool.get('crm.appeal.event')
        Session = pool.get('ir.session.wizard')
        MassTransfer = pool.get('crm.appeal.mass_transfer', type='wizard')
        s = self._setup()
        appeals, ids, context = self._two_appeals(s)

        # Opening: the action is for supervisors, and were it not, the
        # wizard itself refuses several appeals to an operator
        with acting_as(s['operator'], **context):
            with self.assertRaises(UserError):
                session_id, _, _ = MassTransfer.create()
                MassTransfer.execute(session_id, {}, 'start')

        # Executing a session he did not open himself is refused as well
        session, = Session.create([{}])
        with acting_as(s['operator'], **context):
            with self.assertRaises(UserError):
                MassTransfer.execute(session.id, {
                        'start': {
                            'support_line': s['line2'].id,
                            'operator': None,
                            'comment': "Перекинуть",
                            'count': 2,
                            },
                        }, 'transfer')

        self.assertEqual(
            [a.support_line for a in Appeal.browse(ids)],
            [s['line1'], s['line1']])
        self.assertEqual(Event.search([
                    ('appeal', 'in', ids),
                    ('kind', '=', 'transferred'),
                    ]), [])

    @with_transaction()
    def test_mass_transfer_group_and_own_check(self):
        "Each guard of the mass transfer refuses an operator on its own"
        pool = Pool()
        Appeal = pool.get('crm.appeal')
        MassTransfer = pool.get('crm.appeal.mass_transfer', type='wizard')
        Transfer = pool.get('crm.appeal.transfer', type='wizard')
        s = self._setup()
        appeals, ids, context = self._two_appeals(s)

        # The action of the mass transfer belongs to the supervisors
        with acting_as(s['operator'], active_model='crm.appeal',
                active_ids=ids[:1], active_id=ids[0]):
            with self.assertRaises(AccessError) as cm:
                MassTransfer.create()
        self.assertEqual(cm.exception.message,
            "Вам недоступен мастер «crm.appeal.mass_transfer».")

        # The ordinary transfer is the operator's, but not on several
        # appeals: the wizard's own check says so in Russian, when opened
        # and when executed
        with acting_as(s['operator'], **context):
            session_id, _, _ = Transfer.create()
            with self.assertRaises(UserError) as cm:
                Transfer.execute(session_id, {}, 'start')
            self.assertEqual(cm.exception.message,
                "Выполнять операцию сразу над несколькими обращениями может "
                "только старший оператор.")
            with self.assertRaises(UserError) as cm:
                Transfer.execute(session_id, {
                        'start': {'support_line': s['line2'].id},
                        }, 'transfer')
            self.assertRegex(cm.exception.message, CYRILLIC)
        self.assertEqual(
            [a.support_line for a in Appeal.browse(ids)],
            [s['line1'], s['line1']])

        # A supervisor runs it: the refusals above are about the role
        supervisor = create_staff('supervisor', s['north'],
            group='group_crm_supervisor')
        with acting_as(supervisor, **context):
            session_id, _, _ = MassTransfer.create()
            result = MassTransfer.execute(session_id, {}, 'start')
            self.assertEqual(result['view']['defaults']['count'], 2)
            MassTransfer.execute(session_id, {
                    'start': {
                        'support_line': s['line2'].id, 'operator': None,
                        'comment': "Перераспределение", 'count': 2},
                    }, 'transfer')
        self.assertEqual(
            [a.support_line for a in Appeal.browse(ids)],
            [s['line2'], s['line2']])


del _DBTestCase
