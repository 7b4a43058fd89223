"""Running the planned appeals through the module's own workflow.

Each appeal is planned first (who, what, when, final state), then created
and moved through the module's own workflow methods as the user who would
do it, so numbers, deadlines, operators, the event log and the history are
the module's. Afterwards the moments of the simulated timeline (received,
taken, closed …) are written back over the «now» the workflow stamped.
"""
import datetime as dt
from collections import Counter, defaultdict

from . import data as D
from .runtime import as_user, chunks, join_discarded_mail


class AppealWorkflow:
    """Needs the plans of AppealPlans; keeps event_dates and event_users
    (event id → the simulated moment, the user the log should name)."""

    def make_appeals(self):
        plans = self.plan_appeals()
        self.event_dates = {}
        # Close notifications by e-mail are recorded, never sent
        join_discarded_mail()
        self.event_users = {}
        self.register(plans)
        for plan in plans:
            self.plan_timeline(plan)
        self.take(plans)
        self.transfer(plans)
        self.close(plans)
        self.reject(plans)
        self.reopen(plans)
        self.rate(plans)
        # Write the simulated moments over the workflow's «now»
        self.write_timeline(plans)

        counts = Counter(p['state'] for p in plans)
        self.summary['appeals'] = len(plans)
        self.summary['appeal_states'] = dict(sorted(counts.items()))
        self.summary['rated'] = sum(
            1 for p in plans if p.get('rating_comment') is not None)
        self.summary['transferred'] = sum(
            1 for p in plans if p.get('transfer'))
        self.summary['reopened'] = sum(1 for p in plans if p.get('reopen'))

    def register(self, plans):
        """Registration, in the order appeals were received so that the
        numbers of an organisation follow the dates. Phone calls, visits
        and planned appeals are registered by an operator (the event log
        says who), the rest by the intake (the system user)."""
        Appeal = self.pool.get('crm.appeal')
        ordered = sorted(plans, key=lambda p: (
                p['company'].id, p['received']))
        for plan in ordered:
            plan['creator'] = self.actor(plan) if plan['source'] in {
                'phone', 'visit', 'planned'} else 0
        runs = []
        for plan in ordered:
            if runs and runs[-1][0] == plan['company'].id \
                    and len(runs[-1][1]) < 50:
                runs[-1][1].append(plan)
            else:
                runs.append((plan['company'].id, [plan]))
        for company, chunk in runs:
            vlist = []
            for plan in chunk:
                values = self.appeal_values(plan)
                if plan['creator']:
                    values['operator'] = plan['creator']
                vlist.append(values)
            with as_user(0, company):
                appeals = self.tracked(
                    lambda: Appeal.create(vlist),
                    {None: [p['received'] for p in chunk]}, chunk,
                    users=[p['creator'] or None for p in chunk])
            for plan, appeal in zip(chunk, appeals):
                plan['id'] = appeal.id
            self.bar.step("обращения", len(chunk))

    def run_step(self, selected, key, method, when, label):
        """Call method(appeals, *key[2:]) on the selected plans, grouped by
        key(plan) = (user, company, arguments …), as that user, dating the
        events at when(plan)"""
        Appeal = self.pool.get('crm.appeal')
        groups = defaultdict(list)
        for plan in selected:
            groups[key(plan)].append(plan)
        for k, group in sorted(groups.items(), key=lambda kv: str(kv[0])):
            user, company = k[0], k[1]
            for chunk in chunks(group, 100):
                records = Appeal.browse([p['id'] for p in chunk])
                with as_user(user, company):
                    self.tracked(
                        lambda: method(records, *k[2:]),
                        {None: [when(p) for p in chunk]}, chunk)
                self.bar.step(label, len(chunk))

    def take(self, plans):
        Appeal = self.pool.get('crm.appeal')
        self.run_step([p for p in plans if p.get('taken')],
            lambda p: (self.actor(p), p['company'].id),
            Appeal.take, lambda p: p['taken'], "в работу")

    def transfer(self, plans):
        "From one line to the other"
        Appeal = self.pool.get('crm.appeal')

        def do_transfer(records, line, comment):
            Appeal.do_transfer(
                records, support_line=self.lines[line], comment=comment)
        for plan in plans:
            if plan.get('transfer'):
                plan['to_line'] = 2 if plan['line'] == 1 else 1
                plan['transfer_comment'] = self.rng.choice(
                    D.TRANSFER_COMMENTS)
        self.run_step([p for p in plans if p.get('transfer')],
            lambda p: (self.actor(p), p['company'].id, p['to_line'],
                p['transfer_comment']),
            do_transfer, lambda p: p['transfer'], "передачи")

    def do_close(self, records, text, result):
        self.pool.get('crm.appeal').do_close(records, text, result=result)

    def close(self, plans):
        "With the work done and a result template"
        rng = self.rng
        results = {r.name: r for r in self.results}

        def close_key(plan):
            info = plan['info']
            text, index = rng.choice(D.RESOLUTIONS.get(info['code'])
                or D.RESOLUTIONS[info['group']])
            result = results.get(D.RESULTS[index][0]) \
                if index is not None and rng.random() < 0.75 else None
            return (self.actor(plan, plan.get('to_line')),
                plan['company'].id, text, result)
        for plan in plans:
            if plan.get('closed') and plan['state'] == 'resolved':
                plan['close_key'] = close_key(plan)
        self.run_step([p for p in plans if p.get('close_key')],
            lambda p: p['close_key'], self.do_close,
            lambda p: p['closed'], "закрытие")

    def reject(self, plans):
        Appeal = self.pool.get('crm.appeal')

        def do_reject(records, reason):
            Appeal.do_reject(records, reason)
        for plan in plans:
            if plan['state'] == 'rejected':
                plan['closed'] = plan.get('closed') or min(
                    plan['received'] + dt.timedelta(minutes=self.rng.randint(
                            5, 600)), self.now - dt.timedelta(minutes=1))
                plan['reject_reason'] = self.rng.choice(D.REJECT_REASONS)
        self.run_step([p for p in plans if p['state'] == 'rejected'],
            lambda p: (self.actor(p), p['company'].id, p['reject_reason']),
            do_reject, lambda p: p['closed'], "отклонение")

    def reopen(self, plans):
        "Reopen some closed appeals; half of them are closed again"
        Appeal = self.pool.get('crm.appeal')
        self.run_step([p for p in plans if p.get('reopen')],
            lambda p: (self.actor(p, p.get('to_line')), p['company'].id),
            Appeal.reopen, lambda p: p['reopen'], "возобновление")
        self.run_step([p for p in plans if p.get('reclose')],
            lambda p: p['close_key'], self.do_close,
            lambda p: p['reclose'], "закрытие")
        for plan in plans:
            if plan.get('reopen') and not plan.get('reclose'):
                plan['state'] = 'in_work'

    def rate(self, plans):
        "The applicant of resolved appeals"
        Appeal = self.pool.get('crm.appeal')

        def do_rate(records, rating, comment):
            Appeal.do_rate(records, rating, comment or None)
        for plan in plans:
            if plan.get('rating') and plan['state'] == 'resolved':
                plan['rating_comment'] = self.rng.choice(
                    D.RATING_COMMENTS[plan['rating']])
        self.run_step(
            [p for p in plans if p.get('rating_comment') is not None],
            lambda p: (self.actor(p, p.get('to_line')), p['company'].id,
                p['rating'], p['rating_comment']),
            do_rate, lambda p: (p.get('reclose') or p['closed'])
            + dt.timedelta(minutes=1), "оценки")

    def tracked(self, func, when, plans, users=None):
        """Run func and date the appeal events it wrote with the planned
        moment of each appeal (plans give the appeal ids); users: who the
        event log should name (when the system user did the step)"""
        Event = self.pool.get('crm.appeal.event')
        last = Event.search([], order=[('id', 'DESC')], limit=1)
        mark = last[0].id if last else 0
        result = func()
        if plans and 'id' not in plans[0]:  # created just now
            ids = [a.id for a in result]
        else:
            ids = [p['id'] for p in plans]
        moments = dict(zip(ids, when[None]))
        if users is not None:
            users = dict(zip(ids, users))
        seen = Counter()
        for event in Event.search([('id', '>', mark)], order=[('id', 'ASC')]):
            appeal = event.appeal.id
            if appeal in moments:
                # events of one step follow each other by a few seconds
                self.event_dates[event.id] = moments[appeal] + dt.timedelta(
                    seconds=20 * seen[appeal])
                if users is not None and users.get(appeal):
                    self.event_users[event.id] = users[appeal]
                seen[appeal] += 1
        return result

    def write_timeline(self, plans):
        pool = self.pool
        Appeal = pool.get('crm.appeal')
        Event = pool.get('crm.appeal.event')
        rng = self.rng
        args = []
        for plan in plans:
            values = {}
            state = plan['state']
            if plan.get('taken') and state == 'in_work':
                values['work_started'] = plan.get('reopen') or plan['taken']
            if state in {'resolved', 'rejected'}:
                values['closed_date'] = plan.get('reclose') or plan['closed']
            if state == 'resolved':
                group = plan['info']['group']
                top = 120 if group in {'emergency', 'common'} else 40
                values['labour_minutes'] = rng.randint(3, top)
            elif state == 'rejected':
                values['labour_minutes'] = rng.randint(1, 10)
            elif state == 'in_work':
                values['labour_minutes'] = rng.choice([None, 5, 10, 15])
            if values:
                args += [[Appeal(plan['id'])], values]
        for chunk in chunks(args, 400):
            Appeal.write(*chunk)
        self.bar.step("даты")
        by_date = defaultdict(list)
        for event_id, date in self.event_dates.items():
            by_date[(date, self.event_users.get(event_id))].append(event_id)
        args = []
        for (date, user), ids in by_date.items():
            values = {'date': date}
            if user:
                values['user'] = user
            args += [Event.browse(ids), values]
        for chunk in chunks(args, 400):
            Event.write(*chunk)
        self.bar.step("журнал")
