"""The columns of the appeal list, read in one query.

The web client reads a many-to-one column of a list as the display name of
its target: one read of each target model, each with its access checks,
record rules and instances, eight of them for the operator's queue.  The
list shows instead the names below, read for all its rows at once by one
query over the targets' own columns and composed by the same functions
the targets' display names use.  They are searched and sorted as the
many-to-ones they stand for."""
from trytond.backend import MAX_QUERY_PARAMS
from trytond.model import fields
from trytond.pool import Pool, PoolMeta
from trytond.tools import grouped_slice, reduce_ids
from trytond.transaction import Transaction

from .address import building_label
from .catalogue import line_label


def party_label(name, code):
    "party.party's display name (party module)"
    return name if name else f'[{code}]'


def user_label(name, login):
    "res.user's display name (res module)"
    return name if name else login


# display column: (many-to-one it stands for, its label)
COLUMNS = {
    'source_name': ('source', "Source"),
    'applicant_name': ('applicant', "Applicant"),
    'reason_group_name': ('reason_group', "Reason Group"),
    'reason_name': ('reason', "Reason"),
    'building_name': ('building', "Building"),
    'support_line_name': ('support_line', "Support Line"),
    'operator_name': ('operator', "Operator"),
    'company_name': ('company', "Organisation"),
    }


def _order(many2one):
    def order(cls, tables):
        return cls._fields[many2one].convert_order(many2one, tables, cls)
    return classmethod(order)


class AppealList(metaclass=PoolMeta):
    __name__ = 'crm.appeal'

    source_name = fields.Function(fields.Char("Source"),
        'get_list_names', searcher='search_list_name', loading='eager')
    applicant_name = fields.Function(fields.Char("Applicant"),
        'get_list_names', searcher='search_list_name', loading='eager')
    reason_group_name = fields.Function(fields.Char("Reason Group"),
        'get_list_names', searcher='search_list_name', loading='eager')
    reason_name = fields.Function(fields.Char("Reason"),
        'get_list_names', searcher='search_list_name', loading='eager')
    building_name = fields.Function(fields.Char("Building"),
        'get_list_names', searcher='search_list_name', loading='eager')
    support_line_name = fields.Function(fields.Char("Support Line"),
        'get_list_names', searcher='search_list_name', loading='eager')
    operator_name = fields.Function(fields.Char("Operator"),
        'get_list_names', searcher='search_list_name', loading='eager')
    company_name = fields.Function(fields.Char("Organisation"),
        'get_list_names', searcher='search_list_name', loading='eager')

    order_source_name = _order('source')
    order_applicant_name = _order('applicant')
    order_reason_group_name = _order('reason_group')
    order_reason_name = _order('reason')
    order_building_name = _order('building')
    order_support_line_name = _order('support_line')
    order_operator_name = _order('operator')
    order_company_name = _order('company')

    @classmethod
    def search_list_name(cls, name, clause):
        many2one, _ = COLUMNS[name]
        return [(f'{many2one}.rec_name',) + tuple(clause[1:])]

    @classmethod
    def _list_names_query(cls, ids):
        pool = Pool()
        appeal = cls.__table__()
        tables = {
            name: pool.get(model).__table__() for name, model in [
                ('source', 'crm.appeal.source'),
                ('applicant', 'party.party'),
                ('reason_group', 'crm.appeal.reason.group'),
                ('reason', 'crm.appeal.reason'),
                ('building', 'crm.building'),
                ('support_line', 'crm.support_line'),
                ('operator', 'res.user'),
                ('company', 'company.company'),
                ]}
        company_party = pool.get('party.party').__table__()
        join = appeal
        for name, table in tables.items():
            join = join.join(table, 'LEFT',
                condition=getattr(appeal, name) == table.id)
        join = join.join(company_party, 'LEFT',
            condition=tables['company'].party == company_party.id)
        source, party, group, reason, building, line, user, _ = (
            tables.values())
        return join.select(
            appeal.id,
            appeal.source, source.name,
            party.name, party.code,
            group.name, reason.name,
            building.city, building.street, building.house, building.block,
            line.number, line.name,
            user.name, user.login,
            company_party.name, company_party.code,
            where=reduce_ids(appeal.id, ids))

    @classmethod
    def get_list_names(cls, appeals, names):
        pool = Pool()
        Translation = pool.get('ir.translation')
        cursor = Transaction().connection.cursor()
        result = {n: {} for n in names}
        rows = []
        for sub_ids in grouped_slice([a.id for a in appeals],
                MAX_QUERY_PARAMS):
            cursor.execute(*cls._list_names_query(list(sub_ids)))
            rows.extend(cursor)
        # The source's name is translated: in the user's language
        sources = {r[1] for r in rows if r[1] is not None}
        source_names = Translation.get_ids(
            'crm.appeal.source,name', 'model', Transaction().language,
            list(sources)) if sources and 'source_name' in names else {}
        for (id_, source_id, source, party_name, party_code, group, reason,
                city, street, house, block, line_number, line_name,
                user_name, user_login, company_name, company_code) in rows:
            values = {
                'source_name': (source_names.get(source_id) or source
                    if source_id is not None else None),
                'applicant_name': (party_label(party_name, party_code)
                    if party_name is not None or party_code is not None
                    else None),
                'reason_group_name': group,
                'reason_name': reason,
                'building_name': (building_label(city, street, house, block)
                    if city is not None else None),
                'support_line_name': (line_label(line_number, line_name)
                    if line_number is not None else None),
                'operator_name': (user_label(user_name, user_login)
                    if user_login is not None else None),
                'company_name': (party_label(company_name, company_code)
                    if company_name is not None or company_code is not None
                    else None),
                }
            for name in names:
                result[name][id_] = values[name]
        return result
