"""The columns of the appeal list, read in one query.

The web client reads a many-to-one column of a list as the display name of
its target: one read of each target model, each with its access checks,
record rules and instances, eight of them for the operator's queue.  The
list shows instead the names below, read for all its rows at once by one
query over the targets' own columns and composed by the same functions
the targets' display names use.  They are searched and sorted as the
many-to-ones they stand for.  The names of the small catalogues among them
are looked up in memory instead (list_labels.py), composed by the same SQL."""
from sql import Literal, Null
from sql.conditionals import Case, Coalesce, NullIf
from sql.operators import Concat

from trytond.model import fields
from trytond.pool import Pool, PoolMeta
from trytond.transaction import Transaction

# The display names below are composed in SQL the way the targets' own
# get_rec_name compose them in Python (tests/test_appeal_list.py holds
# them equal): party_label in party, building_label in address.py,
# line_label in catalogue.py, a user's name or login in res.


def _concat(*parts):
    expression = parts[0]
    for part in parts[1:]:
        expression = Concat(expression, part)
    return expression


def _text(value):
    return value.cast('VARCHAR')


def _filled(column):
    "column when it holds text, else NULL (Python's falsy empty string)"
    return NullIf(column, '')


def party_label(target):
    return Coalesce(_filled(target.name), _concat('[', target.code, ']'))


def user_label(target):
    return Coalesce(_filled(target.name), target.login)


def building_label(target):
    block = Case(
        (Coalesce(target.block, '') != '', Concat(', корп. ', target.block)),
        else_=Literal(''))
    return _concat('г. ', target.city, ', ', target.street, ', д. ',
        target.house, block)


def line_label(target):
    return _concat(_text(target.number), '. ', target.name)


def name_of(target):
    return target.name


def source_label(target):
    "The source's name in the user's language (it is translated)"
    Translation = Pool().get('ir.translation')
    translation = Translation.__table__()
    return Coalesce(translation.select(translation.value,
            where=(translation.name == 'crm.appeal.source,name')
            & (translation.type == 'model')
            & (translation.lang == Transaction().language)
            & (translation.res_id == target.id)
            & (translation.fuzzy == Literal(False))
            & (translation.value != '') & (translation.value != Null),
            limit=1),
        target.name)


# many-to-one: (its target, the display name of a row of its table)
TARGETS = {
    'source': ('crm.appeal.source', source_label),
    'applicant': ('party.party', party_label),
    'reason_group': ('crm.appeal.reason.group', name_of),
    'reason': ('crm.appeal.reason', name_of),
    'building': ('crm.building', building_label),
    'support_line': ('crm.support_line', line_label),
    'operator': ('res.user', user_label),
    'stage': ('crm.stage', name_of),
    'routing_rule': ('crm.routing.rule', name_of),
    'company': ('company.company', None),
    }

# display column: the many-to-one it stands for
COLUMNS = {
    'source_name': 'source',
    'applicant_name': 'applicant',
    'reason_group_name': 'reason_group',
    'reason_name': 'reason',
    'building_name': 'building',
    'support_line_name': 'support_line',
    'operator_name': 'operator',
    'stage_name': 'stage',
    'routing_rule_name': 'routing_rule',
    'company_name': 'company',
    }


def _order(many2one):
    def order(cls, tables):
        return cls._fields[many2one].convert_order(many2one, tables, cls)
    return classmethod(order)


def label_query(many2one):
    """(from, id column, display name) of the rows of many2one's target,
    the company's name being its party's"""
    pool = Pool()
    model, label = TARGETS[many2one]
    target = pool.get(model).__table__()
    if many2one == 'company':
        party = pool.get('party.party').__table__()
        return (target.join(party, condition=target.party == party.id),
            target.id, party_label(party))
    return target, target.id, label(target)


def _column(many2one):
    """The display name of many2one as a sub-query of the appeal's row: the
    whole list in the one query of its read, no getter, no instance"""
    def column(cls, tables):
        table, _ = tables[None]
        from_, id_, label = label_query(many2one)
        return from_.select(label, where=id_ == getattr(table, many2one))
    return classmethod(column)


def _name_field(string):
    return fields.Function(fields.Char(string), None,
        searcher='search_list_name', loading='eager')


class AppealList(metaclass=PoolMeta):
    __name__ = 'crm.appeal'

    source_name = _name_field("Source")
    applicant_name = _name_field("Applicant")
    reason_group_name = _name_field("Reason Group")
    reason_name = _name_field("Reason")
    building_name = _name_field("Building")
    support_line_name = _name_field("Support Line")
    operator_name = _name_field("Operator")
    stage_name = _name_field("Stage")
    routing_rule_name = _name_field("Routing Rule")
    company_name = _name_field("Organisation")

    order_source_name = _order('source')
    order_applicant_name = _order('applicant')
    order_reason_group_name = _order('reason_group')
    order_reason_name = _order('reason')
    order_building_name = _order('building')
    order_support_line_name = _order('support_line')
    order_operator_name = _order('operator')
    order_stage_name = _order('stage')
    order_routing_rule_name = _order('routing_rule')
    order_company_name = _order('company')
    column_source_name = _column('source')
    column_applicant_name = _column('applicant')
    column_reason_group_name = _column('reason_group')
    column_reason_name = _column('reason')
    column_building_name = _column('building')
    column_support_line_name = _column('support_line')
    column_operator_name = _column('operator')
    column_stage_name = _column('stage')
    column_routing_rule_name = _column('routing_rule')
    column_company_name = _column('company')

    @classmethod
    def __setup__(cls):
        super().__setup__()
        # The display name is the number, read as a column of the row
        # (column_rec_name) like the list's names: no getter to call
        cls.rec_name.getter = None

    @classmethod
    def column_rec_name(cls, tables):
        table, _ = tables[None]
        return table.number

    @classmethod
    def search_list_name(cls, name, clause):
        return [(f'{COLUMNS[name]}.rec_name',) + tuple(clause[1:])]
