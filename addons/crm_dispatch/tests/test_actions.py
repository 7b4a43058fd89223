"""What the appeal form offers: the menu entries of a new appeal by source,
the buttons shown in each state, the fields shown read-only; checked on
what the web client receives (actions, views, fields), as the operator."""
import xml.etree.ElementTree as ET

from trytond.exceptions import UserError

from trytond.modules.company.tests import create_company
from trytond.modules.crm_dispatch.tests.tools import (
    acting_as, create_staff, load_russian)
from trytond.pool import Pool
from trytond.pyson import PYSONDecoder
from trytond.tests.test_tryton import _DBTestCase, with_transaction
from trytond.transaction import Transaction

NEW_MENUS = {
    'act_appeal_new_phone': 'phone',
    'act_appeal_new_email': 'email',
    'act_appeal_new_visit': 'visit',
    }


class CrmDispatchActionsTestCase(_DBTestCase):
    "The appeal form's entries, buttons and read-only fields"
    module = 'crm_dispatch'
    language = 'ru'

    def _setup(self):
        pool = Pool()
        Source = pool.get('crm.appeal.source')
        Line = pool.get('crm.support_line')
        load_russian()
        company = create_company(name='УК Север')
        sources = {s.code: s for s in Source.create([
                    {'name': 'Телефон', 'code': 'phone'},
                    {'name': 'Электронная почта', 'code': 'email'},
                    {'name': 'Личный приём', 'code': 'visit'},
                    ])}
        line, self.line2 = Line.create([{
                    'number': 1, 'name': 'Аварийная', 'company': company.id,
                    'appeal_access': 'own', 'topic_access': 'all'}, {
                    'number': 2, 'name': 'Расчётная', 'company': company.id,
                    'appeal_access': 'own', 'topic_access': 'all'}])
        operator = create_staff('operator1', company, [line])
        executor = create_staff(
            'executor1', company, group='group_crm_executor')
        self.company, self.line1 = company, line
        return sources, operator, executor

    @staticmethod
    def _action_context(xml_id):
        "The context sao opens the menu entry's action with"
        pool = Pool()
        ModelData = pool.get('ir.model.data')
        Action = pool.get('ir.action')
        value, = Action.get_action_values('ir.action.act_window',
            [ModelData.get_id('crm_dispatch', xml_id)])
        return PYSONDecoder({}).decode(value['pyson_context']), value

    @with_transaction()
    def test_new_appeal_menus_set_the_source(self):
        "Each «Новое обращение: …» opens the form with its source set"
        pool = Pool()
        Appeal = pool.get('crm.appeal')
        Source = pool.get('crm.appeal.source')
        sources, operator, _ = self._setup()
        for xml_id, code in NEW_MENUS.items():
            context, action = self._action_context(xml_id)
            # The form first: sao opens a new record in it
            self.assertEqual(action['views'][0][1], 'form')
            with acting_as(operator, **context):
                defaults = Appeal.default_get(['source', 'state'])
            self.assertEqual(defaults['source'], sources[code].id, xml_id)
            self.assertEqual(defaults['state'], 'draft')

        # An admin renames the source: the entry still finds it
        Source.write([sources['visit']], {'name': 'Приёмная'})
        context, _ = self._action_context('act_appeal_new_visit')
        with acting_as(operator, **context):
            self.assertEqual(Appeal.default_get(['source'])['source'],
                sources['visit'].id)
        # ... and archives it: no other source is put in its place
        Source.write([sources['visit']], {'active': False})
        with acting_as(operator, **context):
            self.assertIsNone(Appeal.default_get(['source']).get('source'))

    @with_transaction()
    def test_new_appeal_menus_for_operators_only(self):
        "Operators see the entries; executors, who do not register, do not"
        pool = Pool()
        Menu = pool.get('ir.ui.menu')
        ModelData = pool.get('ir.model.data')
        _, operator, executor = self._setup()
        menus = {ModelData.get_id('crm_dispatch', f'menu_{x[4:]}')
            for x in NEW_MENUS}
        with acting_as(operator, language='ru'):
            found = Menu.search([('id', 'in', list(menus))])
            self.assertEqual({m.id for m in found}, menus)
            self.assertEqual(sorted(m.name for m in found), [
                    'Новое обращение: e-mail',
                    'Новое обращение: личный приём',
                    'Новое обращение: телефон'])
        with acting_as(executor):
            self.assertEqual(Menu.search([('id', 'in', list(menus))]), [])

    def _form_buttons(self, operator):
        "The buttons of the appeal form as sao gets them: name → states"
        Appeal = Pool().get('crm.appeal')
        with acting_as(operator):
            view = Appeal.fields_view_get(view_type='form')
        return {b.get('name'): b.get('states', '{}')
            for b in ET.fromstring(view['arch']).iter('button')}

    @staticmethod
    def _shown(buttons, record):
        return sorted(name for name, states in buttons.items()
            if not PYSONDecoder(record).decode(states).get('invisible'))

    @with_transaction()
    def test_buttons_by_state(self):
        """A new appeal offers only «Взять в работу»; one waiting in the
        queue may also be handed over or rejected; closing comes once it is
        in work"""
        _, operator, _ = self._setup()
        buttons = self._form_buttons(operator)
        self.assertEqual(self._shown(buttons, {'id': -1, 'state': 'draft'}),
            ['take'])
        # The dispatch card's own (appeal_dispatch.py, appeal_comment.py)
        card = ['add_comment', 'assign_responsible', 'change_deadline']
        # «Создать заявку» (page «Заявки») on a saved open appeal
        orders = ['create_work_order']
        self.assertEqual(self._shown(buttons, {'id': 7, 'state': 'draft'}),
            sorted(['another_question', 'reject', 'take', 'transfer']
                + card + orders))
        self.assertEqual(
            self._shown(buttons, {'id': 7, 'state': 'in_work'}),
            sorted(['another_question', 'change_stage', 'close', 'reject',
                'transfer'] + card + orders))
        self.assertEqual(self._shown(buttons,
                {'id': 7, 'state': 'resolved', 'applicant': 3}),
            ['add_comment', 'another_question', 'rate', 'reopen'])
        # Responsible set: «Сменить»; incoming: «Создать исходящее»
        self.assertEqual(self._shown(buttons, {'id': 7, 'state': 'in_work',
                    'responsible': 5, 'direction': 'incoming'}),
            sorted(['another_question', 'change_stage', 'close', 'reject',
                    'transfer', 'add_comment', 'change_responsible',
                    'change_deadline', 'create_outgoing',
                    'create_work_order']))

    @with_transaction()
    def test_state_and_source_read_only(self):
        "The state is never typed; the source is fixed once taken"
        Appeal = Pool().get('crm.appeal')
        _, operator, _ = self._setup()
        with acting_as(operator):
            fields = Appeal.fields_get(['state', 'source'])
        self.assertTrue(fields['state']['readonly'])
        states = fields['source']['states']
        for state, readonly in [('draft', False), ('in_work', True),
                ('resolved', True), ('rejected', True)]:
            self.assertEqual(bool(PYSONDecoder({'state': state}).decode(
                        states).get('readonly')), readonly, state)

    @with_transaction()
    def test_other_line_by_transfer(self):
        """«Передать» moves an appeal to a line the operator does not see
        and says where; his own edit cannot (Tryton's record rule refuses
        it, in Russian, and says to use «Передать»)"""
        pool = Pool()
        Appeal = pool.get('crm.appeal')
        Transfer = pool.get('crm.appeal.transfer', type='wizard')
        sources, operator, _ = self._setup()
        values = {'company': self.company.id, 'source': sources['phone'].id}
        with acting_as(operator, language='ru'):
            appeal, other = Appeal.create([values, values])
            self.assertEqual(appeal.support_line, self.line1)
            number = appeal.number
            session_id, _, _ = Transfer.create()
            with Transaction().set_context(active_model='crm.appeal',
                    active_ids=[appeal.id], active_id=appeal.id):
                Transfer.execute(session_id, {}, 'start')
                result = Transfer.execute(session_id, {'start': {
                            'support_line': self.line2.id, 'operator': None,
                            'comment': None}}, 'transfer')
            self.assertEqual(result['view']['defaults']['message'],
                f'Обращение {number} передано на линию «2. Расчётная».')
            self.assertEqual(Appeal.search([('id', '=', appeal.id)]), [])

            # The refusals come last: the in-process transaction keeps what
            # a refused write did (an RPC call would be rolled back)
            with self.assertRaises(UserError) as cm:
                Appeal.write([other], {'support_line': self.line2.id})
            self.assertIn('на другую линию — кнопкой «Передать»',
                cm.exception.message)
            with self.assertRaises(UserError) as cm:
                Appeal.create([dict(values, support_line=self.line2.id)])
            self.assertIn('на другую линию — кнопкой «Передать»',
                cm.exception.message)
        self.assertEqual(Appeal(appeal.id).support_line, self.line2)
