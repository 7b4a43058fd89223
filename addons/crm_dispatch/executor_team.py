"""Executor teams (бригады): the employees who carry out work orders, the
buildings and districts they serve; a contractor is a team of another
organisation whose people log in as executors.

The record rules of work orders and of the appeals behind them name the
user's employees and their teams: `crm_employees`, `crm_teams` in the rule
context, read here by SQL (rules are evaluated while reading users)."""
from trytond.cache import Cache
from trytond.model import DeactivableMixin, Index, ModelSQL, ModelView, fields
from trytond.pool import Pool, PoolMeta
from trytond.pyson import Eval
from trytond.transaction import Transaction

DEPARTMENTS = [
    ('plumbing', "Plumbing"),
    ('electrical', "Electrical"),
    ('cleaning', "Cleaning"),
    ('repair', "Repair and maintenance"),
    ('other', "Other"),
    ]


class Team(DeactivableMixin, ModelSQL, ModelView):
    "Executor team (Бригада исполнителей)"
    __name__ = 'crm.executor.team'
    __string__ = "Executor team"
    _history = True
    name = fields.Char("Name", required=True)
    company = fields.Many2One(
        'company.company', "Organisation", required=True, ondelete='CASCADE')
    department = fields.Selection(DEPARTMENTS, "Department", required=True)
    contractor = fields.Many2One('party.party', "Contractor",
        ondelete='RESTRICT',
        context={'company': Eval('company', -1)}, depends={'company'},
        help="The outside organisation this team belongs to; empty: "
        "the organisation's own staff.")
    employees = fields.Many2Many(
        'crm.executor.team-company.employee', 'team', 'employee',
        "Employees", domain=[('company', '=', Eval('company', -1))])
    buildings = fields.Many2Many(
        'crm.executor.team-crm.building', 'team', 'building', "Buildings",
        domain=[('company', '=', Eval('company', -1))])
    districts = fields.Many2Many(
        'crm.executor.team-crm.district', 'team', 'district', "Districts")
    working_hours = fields.Char("Working Hours",
        help="As the team works, e.g. «Пн–Пт 08:00–17:00, дежурство "
        "круглосуточно».")

    @classmethod
    def __setup__(cls):
        super().__setup__()
        cls._order.insert(0, ('name', 'ASC'))

    @classmethod
    def default_company(cls):
        return Transaction().context.get('company')

    @classmethod
    def default_department(cls):
        return 'plumbing'

    @classmethod
    def on_modification(cls, mode, teams, field_names=None):
        super().on_modification(mode, teams, field_names=field_names)
        Pool().get('res.user').crm_clear_cache()

    @classmethod
    def serving(cls, building):
        "The active teams that serve building (itself or its district)"
        if not building:
            return []
        clause = ['OR', ('buildings', '=', building.id)]
        if building.district:
            clause.append(('districts', '=', building.district.id))
        return cls.search([('company', '=', building.company.id), clause])


class TeamEmployee(ModelSQL):
    "Executor team - employee"
    __name__ = 'crm.executor.team-company.employee'
    __string__ = "Executor team - employee"
    team = fields.Many2One(
        'crm.executor.team', "Team", required=True, ondelete='CASCADE')
    employee = fields.Many2One(
        'company.employee', "Employee", required=True, ondelete='CASCADE')

    @classmethod
    def __setup__(cls):
        super().__setup__()
        cls.__access__.add('team')
        t = cls.__table__()
        cls._sql_indexes.add(Index(t, (t.employee, Index.Range())))

    @classmethod
    def on_modification(cls, mode, records, field_names=None):
        super().on_modification(mode, records, field_names=field_names)
        Pool().get('res.user').crm_clear_cache()


class TeamBuilding(ModelSQL):
    "Executor team - building"
    __name__ = 'crm.executor.team-crm.building'
    __string__ = "Executor team - building"
    team = fields.Many2One(
        'crm.executor.team', "Team", required=True, ondelete='CASCADE')
    building = fields.Many2One(
        'crm.building', "Building", required=True, ondelete='CASCADE')

    @classmethod
    def __setup__(cls):
        super().__setup__()
        cls.__access__.add('team')


class TeamDistrict(ModelSQL):
    "Executor team - district"
    __name__ = 'crm.executor.team-crm.district'
    __string__ = "Executor team - district"
    team = fields.Many2One(
        'crm.executor.team', "Team", required=True, ondelete='CASCADE')
    district = fields.Many2One(
        'crm.district', "District", required=True, ondelete='CASCADE')

    @classmethod
    def __setup__(cls):
        super().__setup__()
        cls.__access__.add('team')


class Employee(metaclass=PoolMeta):
    __name__ = 'company.employee'
    crm_position = fields.Char("Position",
        help="Shown next to the name, e.g. «слесарь-сантехник».")
    crm_teams = fields.Many2Many(
        'crm.executor.team-company.employee', 'employee', 'team', "Teams",
        domain=[('company', '=', Eval('company', -1))])

    def get_rec_name(self, name):
        name = super().get_rec_name(name)
        if self.crm_position:
            name = f'{name} ({self.crm_position})'
        return name


class User(metaclass=PoolMeta):
    __name__ = 'res.user'
    _crm_executor_cache = Cache(
        'res_user.crm_executor_context', context=False)

    @classmethod
    def crm_executor_context(cls):
        """{'crm_employees': the user's employees, 'crm_teams': their
        teams}: what the executors' record rules name"""
        pool = Pool()
        UserEmployee = pool.get('res.user-company.employee')
        TeamEmployee = pool.get('crm.executor.team-company.employee')
        Team = pool.get('crm.executor.team')
        user_id = Transaction().user
        context = cls._crm_executor_cache.get(user_id)
        if context is not None:
            return context
        link, member = UserEmployee.__table__(), TeamEmployee.__table__()
        team = Team.__table__()
        cursor = Transaction().connection.cursor()
        cursor.execute(*link.select(link.employee,
                where=link.user == user_id))
        employees = sorted(r[0] for r in cursor)
        teams = []
        if employees:
            cursor.execute(*member.join(team,
                    condition=member.team == team.id).select(member.team,
                    where=member.employee.in_(employees)
                    & (team.active == True)))
            teams = sorted({r[0] for r in cursor})
        context = {'crm_employees': employees, 'crm_teams': teams}
        cls._crm_executor_cache.set(user_id, context)
        return context

    @classmethod
    def crm_clear_cache(cls):
        cls._crm_executor_cache.clear()
        super().crm_clear_cache()

    @classmethod
    def on_modification(cls, mode, users, field_names=None):
        super().on_modification(mode, users, field_names=field_names)
        if field_names is None or 'employees' in field_names:
            cls.crm_clear_cache()


class Rule(metaclass=PoolMeta):
    __name__ = 'ir.rule'

    # The keys crm_employees and crm_teams are not added to the domain's
    # help: its translation is one text per module (res.py's)

    @classmethod
    def _get_context(cls, model_name):
        context = super()._get_context(model_name)
        context.update(Pool().get('res.user').crm_executor_context())
        if model_name == 'crm.work_order':
            # The operators' rule follows the appeal's, observers included
            context['user_id'] = Transaction().user
        return context

    @classmethod
    def _get_cache_key(cls, model_names):
        context = Pool().get('res.user').crm_executor_context()
        key = super()._get_cache_key(model_names)
        key = (*key, tuple(context['crm_employees']),
            tuple(context['crm_teams']))
        if 'crm.work_order' in model_names:
            key = (*key, Transaction().user)
        return key
