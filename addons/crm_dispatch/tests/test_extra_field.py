"Extra fields per reason: types checked, definitions by group, copies"
import datetime as dt
from decimal import Decimal

from trytond.model.exceptions import ValidationError
from trytond.modules.company.tests import create_company, set_company
from trytond.pool import Pool
from trytond.tests.test_tryton import _DBTestCase, with_transaction


class CrmDispatchExtraFieldTestCase(_DBTestCase):
    "The administrator's fields of a reason on its appeals"
    module = 'crm_dispatch'
    language = 'ru'

    def _setup(self):
        pool = Pool()
        Source = pool.get('crm.appeal.source')
        Group = pool.get('crm.appeal.reason.group')
        Reason = pool.get('crm.appeal.reason')
        Field = pool.get('crm.appeal.extra_field')
        source, = Source.create([{'name': 'Телефон', 'code': 'phone'}])
        group, = Group.create([{'name': 'Ремонт'}])
        leak, other = Reason.create([
                {'group': group.id, 'name': 'Протечка', 'default_hours': 24},
                {'group': group.id, 'name': 'Лифт', 'default_hours': 24}])
        kinds = {'text': 'char', 'note': 'text', 'floor': 'integer',
            'amount': 'numeric', 'day': 'date', 'moment': 'datetime',
            'access': 'boolean', 'visit': 'selection',
            'rooms': 'multiselection'}
        Field.create([{'name': code, 'string': code.title(), 'type_': kind,
                    'sequence': i, 'selection': 'a:А\nb:Б',
                    'reasons': [('add', [leak.id])]}
                for i, (code, kind) in enumerate(kinds.items())])
        # One for the whole group, first in order
        Field.create([{'name': 'entrance', 'string': 'Подъезд',
                    'type_': 'integer', 'sequence': -1,
                    'reason_groups': [('add', [group.id])]}])
        return source, leak, other

    @with_transaction()
    def test_types(self):
        "Each type takes its values and refuses the others"
        Appeal = Pool().get('crm.appeal')
        company = create_company()
        source, leak, _ = self._setup()
        good = {'text': 'x', 'note': 'a\nb', 'floor': 3,
            'amount': Decimal('1.5'), 'day': dt.date(2027, 1, 2),
            'moment': dt.datetime(2027, 1, 2, 10, 0), 'access': False,
            'visit': 'a', 'rooms': ['a', 'b'], 'entrance': 2}
        bad = {'text': 5, 'note': 5, 'floor': '3', 'amount': 'много',
            'day': dt.datetime(2027, 1, 2), 'moment': dt.date(2027, 1, 2),
            'access': 'да', 'visit': 'c', 'rooms': ['a', 'c'],
            'entrance': 1.5}
        with set_company(company):
            appeal, = Appeal.create([{'source': source.id,
                        'reason': leak.id, 'extra_fields': good}])
            self.assertEqual(appeal.extra_summary, 'Подъезд: 2; Text: x; '
                'Note: a\nb; Floor: 3; Amount: 1,50; Day: 02.01.2027; '
                'Moment: 02.01.2027 10:00; Access: Нет; Visit: А; '
                'Rooms: А; Б')
            for code, value in bad.items():
                with self.subTest(code=code), self.assertRaises(
                        ValidationError):
                    Appeal.write([appeal], {
                            'extra_fields': dict(good, **{code: value})})

    @with_transaction()
    def test_definition_and_reason_change(self):
        "Group fields come with every reason; a new reason drops the rest"
        pool = Pool()
        Appeal = pool.get('crm.appeal')
        Reason = pool.get('crm.appeal.reason')
        company = create_company()
        source, leak, other = self._setup()
        self.assertEqual([d['code'] for d in Reason.form_definition(leak.id)],
            ['entrance', 'text', 'note', 'floor', 'amount', 'day', 'moment',
                'access', 'visit', 'rooms'])
        self.assertEqual(Reason.form_definition(other.id)[0]['code'],
            'entrance')
        with set_company(company):
            appeal = Appeal(source=source, reason=leak,
                extra_fields={'floor': 2, 'entrance': 1})
            appeal.reason = other
            appeal.on_change_reason()
            self.assertEqual(dict(appeal.extra_fields), {'entrance': 1})
            appeal.save()
            copy, = Appeal.copy([appeal])
            # Not carried over, the reason's fields offered empty
            self.assertEqual(dict(copy.extra_fields), {'entrance': None})
