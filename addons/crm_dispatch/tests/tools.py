"Shared set-up of the crm_dispatch scenarios (proteus)."
from proteus import Model
from proteus.config import get_config


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


def create_operator(login, company, lines, group='CRM Operator',
        config=None):
    "Create a user of the company in the CRM group, member of the lines"
    config = config or get_config()
    User = Model.get('res.user', config=config)
    Group = Model.get('res.group', config=config)
    Line = Model.get('crm.support_line', config=config)
    group, = Group.find([('name', '=', group)])
    user = User(name=login.capitalize(), login=login)
    user.groups.append(group)
    user.companies.append(type(company)(company.id))
    user.company = company
    for line in lines:
        user.crm_lines.append(Line(line.id))
    user.save()
    return user
