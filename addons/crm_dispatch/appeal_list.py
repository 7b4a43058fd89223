"""The columns of the appeal list, read in one query.

The web client reads a many-to-one column of a list as the display name of
its target: one read of each target model, each with its access checks,
record rules and instances, eight of them for the operator's queue.  The
list shows instead the names below, read for all its rows at once by one
query over the targets' own columns and composed by the same functions
the targets' display names use.  They are searched and sorted as the
many-to-ones they stand for."""
from trytond.model import fields
from trytond.pool import Pool, PoolMeta
from trytond.transaction import Transaction

from .address import building_label
from .catalogue import line_label


def party_label(name, code):
    "party.party's display name (party module)"
    return name if name else f'[{code}]'


def user_label(name, login):
    "res.user's display name (res module)"
    return name if name else login


def as_is(value):
    return value


# many-to-one: (its target, the target's columns, their display name)
TARGETS = {
    'source': ('crm.appeal.source', ['name'], as_is),
    'applicant': ('party.party', ['name', 'code'], party_label),
    'reason_group': ('crm.appeal.reason.group', ['name'], as_is),
    'reason': ('crm.appeal.reason', ['name'], as_is),
    'building': ('crm.building', ['city', 'street', 'house', 'block'],
        building_label),
    'support_line': ('crm.support_line', ['number', 'name'], line_label),
    'operator': ('res.user', ['name', 'login'], user_label),
    'company': ('company.company', ['party.name', 'party.code'],
        party_label),
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
    'company_name': 'company',
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
    def get_rec_name(cls, appeals, name):
        """The number, read by itself: an appeal's attribute read loads
        every eager column, the list's computed ones too"""
        return dict(cls.select_rows(appeals, lambda t: [t.number]))

    @classmethod
    def search_list_name(cls, name, clause):
        return [(f'{COLUMNS[name]}.rec_name',) + tuple(clause[1:])]

    @classmethod
    def _list_columns(cls, appeal, many2one):
        """The target's columns of many2one for each appeal row, as
        sub-queries: one query for the whole list, cheap to plan (joining
        the eight tables costs PostgreSQL more to plan than to run)"""
        pool = Pool()
        model, columns, _ = TARGETS[many2one]
        target = pool.get(model).__table__()
        reference = getattr(appeal, many2one)
        if many2one == 'company':
            party = pool.get('party.party').__table__()
            from_ = target.join(party, condition=target.party == party.id)
            return [from_.select(getattr(party, c.split('.')[1]),
                    where=target.id == reference) for c in columns]
        return [target.select(getattr(target, c), where=target.id == reference)
            for c in columns]

    @classmethod
    def get_list_names(cls, appeals, names):
        pool = Pool()
        many2ones = [COLUMNS[n] for n in names]

        def columns(appeal):
            for many2one in many2ones:
                yield getattr(appeal, many2one)
                yield from cls._list_columns(appeal, many2one)
        result = {n: {} for n in names}
        sources = {}
        for row in cls.select_rows(appeals, columns):
            id_, values = row[0], list(row[1:])
            for name, many2one in zip(names, many2ones):
                _, target_columns, compose = TARGETS[many2one]
                reference = values.pop(0)
                parts = [values.pop(0) for _ in target_columns]
                result[name][id_] = (
                    compose(*parts) if reference is not None else None)
                if many2one == 'source' and reference is not None:
                    sources.setdefault(reference, []).append(id_)
        if sources:
            # The source's name is translated: in the user's language
            Translation = pool.get('ir.translation')
            translated = Translation.get_ids('crm.appeal.source,name',
                'model', Transaction().language, list(sources))
            for source, name in translated.items():
                for id_ in sources[source] if name else []:
                    result['source_name'][id_] = name
        return result
