import datetime as dt
import os
from contextlib import contextmanager

from trytond.exceptions import UserError
from trytond.modules.company.tests import (
    CompanyTestMixin, create_company, set_company)
from trytond.modules.crm_dispatch.party import normalize_phone
from trytond.modules.crm_dispatch.tests.tools import CYRILLIC, load_russian
from trytond.pool import Pool
from trytond.tests.test_tryton import ModuleTestCase, with_transaction
from trytond.transaction import Transaction


class CrmDispatchTestCase(CompanyTestMixin, ModuleTestCase):
    "Test crm_dispatch module"
    module = 'crm_dispatch'
    language = 'ru'

    @property
    def _skip_company_rule(self):
        # Lines, result and message templates may be shared by all
        # organisations
        return super()._skip_company_rule | {
            ('crm.support_line', 'company'),
            ('crm.appeal.result', 'company'),
            ('crm.message.template', 'company'),
            ('crm.blank', 'company'),
            # A gateway without an organisation serves all (and the portal)
            ('crm.sms.gateway', 'company'),
            }

    @contextmanager
    def _russian_company(self):
        "An organisation whose user works in Russian; yields source, reason"
        load_russian()
        company = create_company()
        with set_company(company), Transaction().set_context(language='ru'):
            yield self._catalogue(company)

    def _catalogue(self, company):
        pool = Pool()
        Source = pool.get('crm.appeal.source')
        Group = pool.get('crm.appeal.reason.group')
        Reason = pool.get('crm.appeal.reason')
        phone, = Source.create([{'name': 'Телефон', 'code': 'phone'}])
        group, = Group.create([{'name': 'Ремонт'}])
        reason, = Reason.create([{
                    'group': group.id, 'name': 'Протечка',
                    'default_hours': 24}])
        return phone, reason

    def test_normalize_phone(self):
        "Russian phones typed in any usual form are normalised"
        for typed in ['89020077998', '+7 902 007-79-98', '8 (902) 007 79 98',
                '7-902-007-79-98']:
            with self.subTest(typed=typed):
                self.assertEqual(normalize_phone(typed), '+79020077998')
        for typed in ['12-34', 'abc', '8902', '']:
            with self.subTest(typed=typed):
                self.assertIsNone(normalize_phone(typed))

    @with_transaction()
    def test_malformed_phone_russian_error(self):
        "A malformed phone gives a Russian error and creates nothing"
        pool = Pool()
        Appeal = pool.get('crm.appeal')
        with self._russian_company() as (phone, reason):
            with self.assertRaises(UserError) as cm:
                Appeal.create([{
                            'source': phone.id, 'reason': reason.id,
                            'contact_phone': '12-34'}])
            self.assertRegex(cm.exception.message, CYRILLIC)
            self.assertIn('12-34', cm.exception.message)
            self.assertEqual(Appeal.search([], count=True), 0)

    @with_transaction()
    def test_close_without_work_done_russian_error(self):
        "Closing without work done gives a Russian error, nothing changes"
        pool = Pool()
        Appeal = pool.get('crm.appeal')
        with self._russian_company() as (phone, reason):
            appeal, = Appeal.create([{
                        'source': phone.id, 'reason': reason.id}])
            Appeal.take([appeal])
            with self.assertRaises(UserError) as cm:
                Appeal.do_close([appeal], '   ')
            self.assertRegex(cm.exception.message, CYRILLIC)
            appeal = Appeal(appeal.id)
            self.assertEqual(appeal.state, 'in_work')
            self.assertIsNone(appeal.closed_date)
            self.assertIsNone(appeal.work_done)

    @with_transaction()
    def test_reject_reason_mandatory_setting(self):
        "The rejection reason is required only when the setting says so"
        pool = Pool()
        Appeal = pool.get('crm.appeal')
        Configuration = pool.get('crm.configuration')
        with self._russian_company() as (phone, reason):
            appeal, = Appeal.create([{'source': phone.id}])
            with self.assertRaises(UserError) as cm:
                Appeal.do_reject([appeal], '')
            self.assertRegex(cm.exception.message, CYRILLIC)
            self.assertEqual(Appeal(appeal.id).state, 'draft')

            Configuration.write(
                [Configuration(1)], {'reject_reason_required': False})
            Appeal.do_reject([appeal], '')
            self.assertEqual(Appeal(appeal.id).state, 'rejected')

    @with_transaction()
    def test_numbers_per_organisation(self):
        "Each organisation numbers its appeals with its own sequence"
        pool = Pool()
        Appeal = pool.get('crm.appeal')
        Sequence = pool.get('ir.sequence')
        ModelData = pool.get('ir.model.data')
        company1 = create_company(name='УК Север')
        company2 = create_company(name='УК Юг')
        sequence_type = ModelData.get_id('crm_dispatch', 'sequence_type_appeal')
        ConfigurationSequence = pool.get('crm.configuration.sequence')
        for company, prefix in [(company1, 'С-'), (company2, 'Ю-')]:
            sequence, = Sequence.create([{
                        'name': company.rec_name, 'prefix': prefix,
                        'sequence_type': sequence_type,
                        'company': company.id}])
            ConfigurationSequence.create([{
                        'company': company.id,
                        'appeal_sequence': sequence.id}])
        numbers = []
        for company in [company1, company2, company1]:
            with set_company(company):
                if not numbers:
                    phone, reason = self._catalogue(company)
                appeal, = Appeal.create([{'source': phone.id}])
                numbers.append(appeal.number)
        self.assertEqual(numbers, ['С-1', 'Ю-1', 'С-2'])

    @with_transaction()
    def test_deadline_follows_reason_and_source(self):
        "Deadline is received + hours of the reason for the source"
        pool = Pool()
        Appeal = pool.get('crm.appeal')
        Source = pool.get('crm.appeal.source')
        Deadline = pool.get('crm.appeal.reason.deadline')
        company = create_company()
        with set_company(company):
            phone, reason = self._catalogue(company)
            portal, = Source.create([{'name': 'Портал', 'code': 'portal'}])
            Deadline.create([{
                        'reason': reason.id, 'source': portal.id,
                        'hours': 48}])
            received = dt.datetime(2026, 11, 2, 9, 0)
            by_phone, by_portal, no_reason = Appeal.create([
                    {'source': phone.id, 'reason': reason.id,
                        'received_date': received},
                    {'source': portal.id, 'reason': reason.id,
                        'received_date': received},
                    {'source': phone.id, 'received_date': received},
                    ])
            self.assertEqual(by_phone.deadline, received + dt.timedelta(
                    hours=24))
            self.assertEqual(by_portal.deadline, received + dt.timedelta(
                    hours=48))
            self.assertIsNone(no_reason.deadline)
            self.assertTrue(by_phone.overdue)

    @with_transaction()
    def test_deadline_recomputed_on_reason_and_received(self):
        "Changing the reason or the received time moves the deadline"
        pool = Pool()
        Appeal = pool.get('crm.appeal')
        Reason = pool.get('crm.appeal.reason')
        company = create_company()
        with set_company(company):
            phone, leak = self._catalogue(company)
            recalc, = Reason.create([{
                        'group': leak.group.id, 'name': 'Перерасчёт',
                        'default_hours': 120}])
            received = dt.datetime(2026, 11, 2, 9, 0)
            appeal, = Appeal.create([{
                        'source': phone.id, 'reason': leak.id,
                        'received_date': received}])
            self.assertEqual(
                appeal.deadline, received + dt.timedelta(hours=24))

            Appeal.write([appeal], {'reason': recalc.id})
            self.assertEqual(Appeal(appeal.id).deadline,
                received + dt.timedelta(hours=120))

            later = received + dt.timedelta(hours=5)
            Appeal.write([appeal], {'received_date': later})
            self.assertEqual(Appeal(appeal.id).deadline,
                later + dt.timedelta(hours=120))

            # A reason set only after creation gives a deadline too
            no_reason, = Appeal.create([{
                        'source': phone.id, 'received_date': received}])
            self.assertIsNone(no_reason.deadline)
            Appeal.write([no_reason], {'reason': leak.id})
            self.assertEqual(Appeal(no_reason.id).deadline,
                received + dt.timedelta(hours=24))

            # Through save() as the client does, not only write()
            appeal = Appeal(appeal.id)
            appeal.reason = leak
            appeal.save()
            self.assertEqual(Appeal(appeal.id).deadline,
                later + dt.timedelta(hours=24))

    @with_transaction()
    def test_deadline_default_from_configuration(self):
        "A reason without hours takes the configured default deadline"
        pool = Pool()
        Appeal = pool.get('crm.appeal')
        Reason = pool.get('crm.appeal.reason')
        Configuration = pool.get('crm.configuration')
        company = create_company()
        with set_company(company):
            phone, leak = self._catalogue(company)
            noise, = Reason.create([{
                        'group': leak.group.id, 'name': 'Шум'}])
            self.assertFalse(noise.default_hours)
            self.assertFalse(noise.deadlines)
            received = dt.datetime(2026, 11, 2, 9, 0)
            self.assertEqual(
                Configuration(1).default_deadline_hours, 72)
            appeal, = Appeal.create([{
                        'source': phone.id, 'reason': noise.id,
                        'received_date': received}])
            self.assertEqual(
                appeal.deadline, received + dt.timedelta(hours=72))

            Configuration.write([Configuration(1)], {
                    'default_deadline_hours': 10})
            other, = Appeal.create([{
                        'source': phone.id, 'reason': noise.id,
                        'received_date': received}])
            self.assertEqual(
                other.deadline, received + dt.timedelta(hours=10))
            # The setting is read when the deadline is computed: an appeal
            # whose reason changes to this one follows the new value
            with_hours, = Appeal.create([{
                        'source': phone.id, 'reason': leak.id,
                        'received_date': received}])
            Appeal.write([with_hours], {'reason': noise.id})
            self.assertEqual(Appeal(with_hours.id).deadline,
                received + dt.timedelta(hours=10))

    @with_transaction()
    def test_another_question_event(self):
        "«Another question» writes its event with the new appeal's number"
        pool = Pool()
        Appeal = pool.get('crm.appeal')
        Event = pool.get('crm.appeal.event')
        with self._russian_company() as (phone, reason):
            first, = Appeal.create([{
                        'source': phone.id, 'reason': reason.id}])
            Appeal.take([first])
            new = first.open_another(reason)

            first = Appeal(first.id)
            self.assertEqual(first.state, 'resolved')
            self.assertEqual(new.previous_appeal, first)
            self.assertNotEqual(new.number, first.number)
            another = Event.search([
                    ('appeal', '=', first.id),
                    ('kind', '=', 'another'),
                    ])
            self.assertEqual(len(another), 1)
            event, = another
            self.assertEqual(event.comment, new.number)
            self.assertEqual(event.user.id, Transaction().user)
            self.assertEqual(event.state, 'resolved')
            self.assertEqual(
                [e.kind for e in Event.search(
                        [('appeal', '=', first.id)],
                        order=[('id', 'ASC')])],
                ['created', 'taken', 'closed', 'another'])

    @with_transaction()
    def test_russian_labels_complete(self):
        "Every field label of the module has a Russian translation"
        pool = Pool()
        translated = _po_entries(os.path.join(
                os.path.dirname(__file__), '..', 'locale', 'ru.po'))
        missing = []
        for name, model in pool.iterobject():
            if not name.startswith('crm.'):
                continue
            contexts = [f'model:{name},string:'] + [
                f'field:{name},{fname}:' for fname in model._fields
                if fname not in {'id', 'create_uid', 'create_date',
                    'write_uid', 'write_date', 'rec_name', 'active'}
                and not fname.startswith('_')
                and getattr(model, '__module__', '').startswith(
                    'trytond.modules.crm_dispatch')]
            missing += [c for c in contexts if not translated.get(c)]
        self.assertEqual(missing, [])


def _po_entries(path):
    "Return {msgctxt: msgstr} of a .po file (enough of the format for ours)"
    entries, key, current = {}, None, None
    with open(path, encoding='utf-8') as po:
        for line in po:
            line = line.strip()
            if line.startswith('msgctxt '):
                key, current = line[9:-1], 'ctxt'
            elif line.startswith('msgid '):
                current = 'id'
            elif line.startswith('msgstr '):
                current = 'str'
                entries[key] = line[8:-1]
            elif line.startswith('"') and current == 'str' and key:
                entries[key] += line[1:-1]
    return entries


del ModuleTestCase
