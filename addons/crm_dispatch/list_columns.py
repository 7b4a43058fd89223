"""The appeal list's optional columns are each user's own (seed 000 §5.26).

sao stores what a user shows or hides (ir.ui.view_tree_optional.set_optional)
and Tryton applies it in fields_view_get, whose result is cached by the
user's groups and context but not by the user: two operators with the same
groups and preferences (say, without an employee) were served whichever of
their column sets was computed first.  The list's view is built under a
context naming the user, so that the cache keeps one per user."""
from trytond.pool import PoolMeta
from trytond.transaction import Transaction


class AppealColumns(metaclass=PoolMeta):
    __name__ = 'crm.appeal'

    @classmethod
    def fields_view_get(cls, view_id=None, view_type='form', level=None):
        if view_type != 'tree':
            return super().fields_view_get(view_id, view_type, level)
        with Transaction().set_context(
                _crm_columns_of=Transaction().user):
            return super().fields_view_get(view_id, view_type, level)
