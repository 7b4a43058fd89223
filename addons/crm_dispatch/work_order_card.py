"""Work orders on the dispatch card: the employee an order is assigned to
(on creation, by dispatch or redirection) joins the executors of its
appeal, and a comment on the appeal is told to the employees of its open
orders as well as to its responsible and executors.

Executors are never removed by an order: the card lists everyone who has
worked on the appeal; a dispatcher takes one off by hand."""
from trytond.pool import Pool, PoolMeta
from trytond.transaction import without_check_access

from .work_order import OPEN


def join_executors(orders):
    "Add the employee of each order to the executors of its appeal"
    Link = Pool().get('crm.appeal-company.employee')
    wanted = {(o.appeal.id, o.employee.id) for o in orders
        if o.appeal and o.employee}
    if not wanted:
        return
    # The dispatcher may not write the appeal (another line), the order's
    # assignment is his to make: the link is the system's
    with without_check_access():
        have = {(l.appeal.id, l.employee.id) for l in Link.search([
                    ('appeal', 'in', sorted({a for a, _ in wanted})),
                    ])}
        Link.create([{'appeal': a, 'employee': e}
                for a, e in sorted(wanted - have)])


class WorkOrder(metaclass=PoolMeta):
    __name__ = 'crm.work_order'

    @classmethod
    def on_modification(cls, mode, orders, field_names=None):
        super().on_modification(mode, orders, field_names=field_names)
        if mode == 'create' or (mode == 'write' and field_names
                and {'employee', 'appeal'} & set(field_names)):
            join_executors(orders)


class Comment(metaclass=PoolMeta):
    __name__ = 'crm.appeal.comment'

    @classmethod
    def recipients(cls, comments):
        "And the users of the employees of the appeal's open orders"
        result = super().recipients(comments)
        for comment in comments:
            users = {u for o in comment.appeal.work_orders
                if o.state in OPEN and o.employee
                for u in o.employee.crm_users
                if u.active and u != comment.author}
            result.setdefault(comment, set()).update(users)
        return result
