"""Shared set-up of the crm_dispatch tests: scenarios (proteus) and unit
tests (in process), and a loopback SMTP server for both."""
import email
import email.policy
import os
import re
import shutil
import socket
import subprocess
import unittest
import threading
from contextlib import contextmanager

from proteus import Model
from proteus.config import get_config
from sql import Column

import trytond.config as config
from trytond.modules.company.tests import set_company
from trytond.pool import Pool
from trytond.transaction import Transaction

CYRILLIC = re.compile('[а-яА-ЯёЁ]')


def setup_catalogue(company, config=None):
    """Create the sources, tags, two support lines, reasons with deadlines
    and one account a scenario needs; return them by name."""
    config = config or get_config()
    get = lambda name: Model.get(name, config=config)  # noqa: E731
    Source, Tag, Line = (
        get('crm.appeal.source'), get('crm.tag'), get('crm.support_line'))
    Group, Reason = get('crm.appeal.reason.group'), get('crm.appeal.reason')
    phone = Source(name='Телефон', code='phone')
    phone.save()
    email = Source(name='Электронная почта', code='email')
    email.save()
    planned = Source(name='Плановое', code='planned', schedulable=True)
    planned.save()
    housing = Tag(name='Содержание жилфонда', code='housing')
    housing.save()
    billing = Tag(name='Начисления', code='billing')
    billing.save()
    line1 = Line(number=1, name='Аварийно-диспетчерская', company=company,
        appeal_access='own', topic_access='tags')
    line1.tags.append(Tag(housing.id))
    line1.save()
    line2 = Line(number=2, name='Расчётный центр', company=company,
        appeal_access='own', topic_access='tags')
    line2.tags.append(Tag(billing.id))
    line2.save()
    repairs = Group(name='Ремонт и аварии')
    repairs.save()
    charges = Group(name='Начисления и оплата')
    charges.save()
    leak = Reason(group=repairs, name='Протечка', default_hours=24)
    leak.tags.append(Tag(housing.id))
    deadline = leak.deadlines.new()
    deadline.source = email
    deadline.hours = 72
    leak.save()
    recalc = Reason(group=charges, name='Перерасчёт', default_hours=120)
    recalc.tags.append(Tag(billing.id))
    recalc.save()
    Result = get('crm.appeal.result')
    result = Result(name='Заменён кран', text='Кран заменён')
    result.save()
    Building, Premise, Account = (
        get('crm.building'), get('crm.premise'), get('crm.account'))
    building = Building(company=company, city='Вологда', street='ул. Ленина',
        house='12')
    building.save()
    premise = Premise(building=building, number='5', entrance=1, floor=2)
    premise.save()
    account = Account(number='100001', company=company, premise=premise)
    account.save()
    return {
        'phone': phone, 'email': email, 'planned': planned,
        'housing': housing, 'billing': billing,
        'line1': line1, 'line2': line2,
        'repairs': repairs, 'charges': charges,
        'leak': leak, 'recalc': recalc, 'result': result,
        'building': building, 'premise': premise, 'account': account,
        }


def setup_russian(config=None):
    "Load the Russian translations (scenarios); return the ir.lang record"
    config = config or get_config()
    Lang = Model.get('ir.lang', config=config)
    ru, = Lang.find([('code', '=', 'ru')])
    ru.click('load_translations')
    return ru


def refusal(func, *args, **kwargs):
    """Call func and return the refusal it raises as "Class: message".

    The scenarios run with IGNORE_EXCEPTION_DETAIL, under which a
    traceback example compares the exception class only; printing the
    refusal compares its text too."""
    from trytond.exceptions import UserError
    try:
        func(*args, **kwargs)
    except UserError as error:
        return f'{type(error).__name__}: {error.message}'
    raise AssertionError(f'{func!r} was not refused')


def create_operator(login, company, lines, group='CRM Operator',
        config=None, language=None):
    """Create a user of the company in the CRM group, member of the lines,
    working in the language (code) if given"""
    config = config or get_config()
    User = Model.get('res.user', config=config)
    Group = Model.get('res.group', config=config)
    Line = Model.get('crm.support_line', config=config)
    Lang = Model.get('ir.lang', config=config)
    group, = Group.find([('name', '=', group)])
    user = User(name=login.capitalize(), login=login)
    if language:
        user.language, = Lang.find([('code', '=', language)])
    user.groups.append(group)
    user.companies.append(type(company)(company.id))
    user.company = company
    for line in lines:
        user.crm_lines.append(Line(line.id))
    user.save()
    return user


def load_russian():
    """Load the Russian translations of the activated modules unless they
    are (a database activated in Russian has them); return ir.lang"""
    Lang = Pool().get('ir.lang')
    ru, = Lang.search([('code', '=', 'ru')])
    if not ru.translatable:
        Lang.load_translations([ru])
    return ru


def create_staff(login, company, lines=(), group='group_crm_operator'):
    "Create in process a user of the company in the CRM group, on the lines"
    pool = Pool()
    User = pool.get('res.user')
    ModelData = pool.get('ir.model.data')
    user, = User.create([{
                'name': login.capitalize(),
                'login': login,
                'groups': [('add', [ModelData.get_id('crm_dispatch', group)])],
                'companies': [('add', [company.id])],
                'company': company.id,
                'crm_lines': [('add', [l.id for l in lines])],
                }])
    return user


@contextmanager
def acting_as(user, checked=True, **context):
    """Run as the user with his preferences (organisation, language) and
    with access rights and record rules checked, as an RPC call would
    (checked=False: unchecked, as the RPC runs a wizard's steps)."""
    User = Pool().get('res.user')
    transaction = Transaction()
    with transaction.set_user(user.id):
        preferences = User.get_preferences(context_only=True)
    with transaction.set_user(user.id), transaction.set_context(
            preferences, _check_access=checked, **context):
        yield


class _Mailbox:
    "aiosmtpd handler that keeps every letter it accepts"

    def __init__(self):
        self.letters = []
        self.received = threading.Event()

    async def handle_DATA(self, server, session, envelope):
        message = email.message_from_bytes(
            envelope.original_content or envelope.content,
            policy=email.policy.default)
        self.letters.append({
                'from': envelope.mail_from,
                'to': list(envelope.rcpt_tos),
                'message': message,
                })
        self.received.set()
        return '250 Message accepted for delivery'


def _free_port():
    with socket.socket() as sock:
        sock.bind(('127.0.0.1', 0))
        return sock.getsockname()[1]


class SMTPServer:
    """A real SMTP server on 127.0.0.1 to which trytond's [email] uri points
    while it runs, so that no test ever talks to port 25 of the machine.
    ``letters`` lists what it received: dicts of the envelope's from and
    to and the parsed message.  Use it as a context manager, or start()
    and stop() it (doctests)."""

    def __init__(self, sender='crm@example.ru'):
        self.sender = sender
        self._mailbox = _Mailbox()
        self.letters = self._mailbox.letters
        self._controller = None
        self._previous = None

    def start(self):
        from aiosmtpd.controller import Controller
        for attempt in range(5):
            # Controller checks the port by connecting to it: it needs a
            # real number, not 0; should another process take the free one
            # meanwhile, try another
            controller = Controller(self._mailbox, hostname='127.0.0.1',
                port=_free_port())
            try:
                controller.start()
            except Exception:
                if attempt == 4:
                    raise
                continue
            break
        self._controller = controller
        self._previous = (
            config.get('email', 'uri'), config.get('email', 'from'))
        config.set('email', 'uri', f'smtp://127.0.0.1:{controller.port}')
        config.set('email', 'from', self.sender)
        return self

    @property
    def port(self):
        return self._controller.port

    def stop(self):
        if self._controller is None:
            return
        uri, from_ = self._previous
        config.set('email', 'uri', uri)
        config.set('email', 'from', from_)
        self._controller.stop()
        self._controller = None

    def __enter__(self):
        return self.start()

    def __exit__(self, *exc_info):
        self.stop()


def smtp_server(sender='crm@example.ru'):
    "Context manager yielding a running SMTPServer"
    return SMTPServer(sender=sender)


def require_libreoffice():
    """Skip unless LibreOffice (soffice) and pdftotext are installed; under
    CI=true their absence is a failure: PDF output must be tested there"""
    missing = [p for p in ['soffice', 'pdftotext'] if not shutil.which(p)]
    if not missing:
        return
    reason = (f"{', '.join(missing)} not installed (apt-get install "
        "libreoffice-writer-nogui poppler-utils)")
    if os.environ.get('CI') == 'true':
        raise AssertionError(f'PDF blanks cannot be tested under CI: {reason}')
    raise unittest.SkipTest(reason)


def pdf_text(content):
    "The text of a PDF document, by pdftotext"
    return subprocess.run(['pdftotext', '-layout', '-', '-'], input=content,
        capture_output=True, check=True).stdout.decode('utf-8')


def create_employee(name, company, user=None, config=None):
    """An employee of company for a new party named name; linked to the
    res.user user (a proteus record) when given, as his current one"""
    config = config or get_config()
    Party = Model.get('party.party', config=config)
    Employee = Model.get('company.employee', config=config)
    User = Model.get('res.user', config=config)
    party = Party(name=name)
    party.save()
    employee = Employee(party=party, company=company)
    employee.save()
    if user is not None:
        user = User(user.id)
        user.employees.append(Employee(employee.id))
        user.employee = Employee(employee.id)
        user.save()
    return employee


def create_executor(login, company, team, name, position, email=None,
        config=None):
    """Create an employee (a party named name, with position) of the
    company in team and a user in the executor group who is that
    employee; return the user"""
    config = config or get_config()
    get = lambda model: Model.get(model, config=config)  # noqa: E731
    Party, Employee, User = (
        get('party.party'), get('company.employee'), get('res.user'))
    Group, Lang, Team = get('res.group'), get('ir.lang'), get(
        'crm.executor.team')
    party = Party(name=name)
    party.save()
    employee = Employee(party=party, company=company, crm_position=position)
    employee.save()
    team = Team(team.id)
    team.employees.append(Employee(employee.id))
    team.save()
    group, = Group.find([('name', '=', 'CRM Executor')])
    user = User(name=name, login=login, email=email)
    user.language, = Lang.find([('code', '=', 'ru')])
    user.groups.append(group)
    user.companies.append(type(company)(company.id))
    user.company = company
    user.employees.append(Employee(employee.id))
    user.employee = Employee(employee.id)
    user.save()
    return user


def write_columns(record, **values):
    """Write values into record's columns by SQL, past the model: a state
    the life cycle would refuse, a deadline other than the reason's"""
    table = record.__table__()
    Transaction().connection.cursor().execute(*table.update(
            [Column(table, n) for n in values], list(values.values()),
            where=table.id == record.id))


def create_appeal(company, source, line, state, deadline, **links):
    """An appeal of the company on line (in process), its state and
    deadline set as the database has them; links are many-to-one values"""
    Appeal = Pool().get('crm.appeal')
    with set_company(company):
        appeal, = Appeal.create([{'source': source.id,
                    'support_line': line.id,
                    **{k: v.id for k, v in links.items()}}])
    write_columns(appeal, state=state, deadline=deadline)
    return appeal
