"""Planning the appeals before any is created: when each was received
(weekdays and office hours weigh more), about what, from whom, for which
organisation, premise and line, the state it ends in, its text, and the
moments of its timeline (taken, transferred, closed, reopened, rated).

Everything random about an appeal is decided here or in the order the
workflow steps ask for it, so the same seed gives the same appeals."""
import datetime as dt
import random
from decimal import Decimal

from . import data as D

# Relative number of appeals per hour of the day
HOUR_WEIGHTS = [
    1, 1, 1, 1, 1, 2, 4, 8, 14, 16, 16, 15, 13, 14, 15, 14, 13, 12, 10, 8, 6,
    4, 2, 1]


class AppealPlans:
    """A plan is a dict: received, age (hours), source (code), reason,
    info (its D.REASON_GROUPS entry), applicant, accounts, company,
    building, premise, line (number), state; plan_timeline adds the
    moments; the workflow adds id and what it decided."""

    def sample_received(self):
        rng = self.rng
        days = self.sizes['days']
        while True:
            day = rng.randint(0, days - 1)
            date = (self.now - dt.timedelta(days=day)).date()
            if date.weekday() >= 5 and rng.random() < 0.45:
                continue  # fewer appeals at weekends
            hour = self.choice_weighted(range(24), HOUR_WEIGHTS)
            received = dt.datetime.combine(date, dt.time(hour)) + \
                dt.timedelta(seconds=rng.randint(0, 3599))
            if received < self.now - dt.timedelta(minutes=10):
                return received

    def final_state(self, age_hours):
        if age_hours < 24:
            weights = [35, 40, 22, 3]
        elif age_hours < 24 * 7:
            weights = [8, 25, 60, 7]
        else:
            weights = [2, 6, 85, 7]
        return self.choice_weighted(
            ['draft', 'in_work', 'resolved', 'rejected'], weights)

    def describe(self, code, premise, building):
        rng = self.rng
        text = rng.choice(D.DESCRIPTIONS.get(code) or D.DESCRIPTIONS['other'])
        month = D.MONTHS[(self.now.month - 2) % 12]
        return text.format(
            flat=premise.number if premise else rng.randint(1, 80),
            entrance=premise.entrance if premise and premise.entrance
            else rng.randint(1, 4),
            floor=premise.floor if premise and premise.floor
            else rng.randint(1, 9),
            month=month,
            amount='%d,%02d' % (rng.randint(300, 9800), rng.randint(0, 99)),
            days=rng.randint(7, 45),
            street=building.street if building else "ул. Ленина",
            house=building.house if building else rng.randint(1, 50),
            cold='%05d' % rng.randint(100, 2500),
            hot='%05d' % rng.randint(50, 1500),
            power='%05d' % rng.randint(1000, 40000),
            people=rng.randint(2, 5))

    def plan_appeals(self):
        rng = self.rng
        reasons = [self.reasons[c] for c in self.reason_info
            if c in self.reasons]
        reason_weights = [self.reason_info[r.code]['weight'] for r in reasons]
        source_codes = [c for c in self.source_weights if c in self.sources]
        source_weights = [self.source_weights[c] for c in source_codes]
        planned_groups = {'meters', 'common'}
        org1 = self.companies[0]
        with_accounts = [p for p in self.applicants
            if self.applicant_accounts[p.id]]
        plans = []
        for i in range(self.sizes['appeals']):
            received = self.sample_received()
            age = (self.now - received).total_seconds() / 3600
            source = rng.choices(source_codes, source_weights)[0]
            reason = rng.choices(reasons, reason_weights)[0]
            info = self.reason_info[reason.code]
            if source == 'planned':
                while info['group'] not in planned_groups:
                    reason = rng.choices(reasons, reason_weights)[0]
                    info = self.reason_info[reason.code]
            if info['group'] == 'emergency' and rng.random() < 0.7:
                source = 'phone'  # emergencies are phoned in
            # Applicant and the place the appeal is about
            applicant = None
            accounts = []
            if source == 'planned' or rng.random() < 0.05:
                pass  # anonymous call or a planned round
            elif rng.random() < 0.9 and with_accounts:
                applicant = rng.choice(with_accounts)
                accounts = list(self.applicant_accounts[applicant.id])
            else:
                applicant = rng.choice(self.applicants)
                accounts = list(self.applicant_accounts[applicant.id])
            if accounts:
                company = self.account_company[accounts[0].id]
                premise = self.account_premise[accounts[0].id]
                building = premise.building
            else:
                building = rng.choice(self.buildings)
                company = building.company
                premise = None
                if info['group'] not in {'emergency', 'common', 'waste'}:
                    building = None
            if building is not None:
                company = building.company
            elif not accounts:
                company = org1 if rng.random() < 0.7 else \
                    self.companies[-1]
            lines = [n for n, tags in self.line_tags.items()
                if tags & set(info['tags']) and n in self.lines]
            line = rng.choice(lines) if lines else None
            state = self.final_state(age)
            if source not in {'phone', 'visit'} and state == 'draft' \
                    and rng.random() < 0.3:
                line = None  # arrived by itself, not yet routed
            no_reason = (source in {'email', 'messenger', 'portal'}
                and state == 'draft' and line is None
                and rng.random() < 0.5)
            plans.append(dict(
                    index=i, received=received, age=age, source=source,
                    reason=None if no_reason else reason, info=info,
                    applicant=applicant, accounts=accounts,
                    company=company, building=building, premise=premise,
                    line=line, state=state))
        plans.sort(key=lambda p: p['received'])
        return plans

    def actor(self, plan, line=None):
        "The user who works the appeal (0: the system itself)"
        line = line if line is not None else plan['line']
        if not self.users:
            return 0
        if plan['company'] != self.companies[0]:
            return self.users['supervisor'].id
        if line == 1:
            return self.users['operator1'].id
        if line == 2:
            return self.users['operator2'].id
        return self.users['supervisor'].id

    def appeal_values(self, plan):
        rng = self.rng
        applicant = plan['applicant']
        values = {
            'company': plan['company'].id,
            'source': self.sources[plan['source']].id,
            'received_date': plan['received'],
            'description': self.describe(
                plan['info']['code'], plan['premise'], plan['building']),
            }
        if plan['reason']:
            values['reason'] = plan['reason'].id
            values['reason_group'] = plan['reason'].group.id
        if plan['reason'] and (extra := self.extra_values(plan)):
            values['extra_fields'] = extra
        if plan['line'] and plan['line'] in self.lines:
            values['support_line'] = self.lines[plan['line']].id
        if applicant:
            values['applicant'] = applicant.id
            mechanisms = {m.type: m.value
                for m in applicant.contact_mechanisms}
            if plan['source'] in {'phone', 'visit', 'messenger'}:
                values['contact_phone'] = mechanisms.get('mobile') \
                    or mechanisms.get('phone')
            if mechanisms.get('email') and (
                    plan['source'] in {'email', 'portal'}
                    or rng.random() < 0.3):
                values['contact_email'] = mechanisms['email']
        elif plan['source'] != 'planned':
            values['contact_phone'] = '+7%s%07d' % (
                rng.choice(D.MOBILE_CODES), rng.randint(0, 9999999))
        if plan['accounts']:
            values['accounts'] = [('add', [a.id for a in plan['accounts']])]
        if plan['premise']:
            values['premise'] = plan['premise'].id
        if plan['building']:
            values['building'] = plan['building'].id
        if rng.random() < 0.15:
            values['operator_comment'] = rng.choice(
                D.OPERATOR_COMMENTS).format(flat=rng.randint(1, 80))
        if applicant and rng.random() < 0.3:
            values['notify_on_close'] = True
            values['notify_channel'] = 'email' if values.get(
                'contact_email') else rng.choice(['phone', 'sms'])
        return values

    def extra_values(self, plan):
        """Values of the reason's extra fields, from a generator of their
        own so that the rest of the demo stays as it was"""
        code = plan['reason'].code
        rng = random.Random(f"{plan['received']}{code}")
        if code == 'meter_readings':
            return {
                'meter_number': '%08d' % rng.randint(0, 99999999),
                'meter_value': Decimal(rng.randint(100, 99999)) / 10,
                }
        if code == 'leak':
            return {
                'floor': rng.randint(1, 16),
                'flat_access': rng.random() < 0.7,
                'visit_time': rng.choice(['morning', 'day', 'evening']),
                }
        return None

    def plan_timeline(self, plan):
        "The moments of the timeline of plan (its state may change)"
        rng = self.rng
        received, state = plan['received'], plan['state']
        limit = self.now - dt.timedelta(minutes=1)
        hours = plan['reason'].deadline_hours(
            self.sources[plan['source']]) if plan['reason'] else 72
        plan['hours'] = hours
        if state == 'rejected' and rng.random() < 0.5:
            plan['reject_from_draft'] = True
        if state in {'in_work', 'resolved'} or (
                state == 'rejected' and not plan.get(
                    'reject_from_draft')):
            delay = dt.timedelta(minutes=rng.randint(
                    1, 20 if plan['source'] == 'phone' else 240))
            if received + delay < limit:
                plan['taken'] = received + delay
            elif state == 'rejected':
                plan['reject_from_draft'] = True
            else:  # too recent to be taken yet
                state = plan['state'] = 'draft'
        if state in {'resolved', 'rejected'}:
            start = plan.get('taken', received)
            if state == 'resolved' and rng.random() < 0.14:
                span = hours * rng.uniform(1.05, 2.5)  # late
            else:
                span = hours * rng.uniform(0.03, 0.9)
            closed = received + dt.timedelta(hours=span)
            closed = max(closed, start + dt.timedelta(minutes=3))
            if closed < limit:
                plan['closed'] = closed
            elif state == 'resolved':  # still being worked on
                state = plan['state'] = 'in_work'
            else:
                plan['closed'] = limit
        if plan.get('taken') and plan['info']['group'] == 'general' \
                and 2 in self.lines and 1 in self.lines \
                and plan['line'] and rng.random() < 0.3 \
                and plan['state'] != 'rejected':
            end = plan.get('closed', limit)
            plan['transfer'] = plan['taken'] + (end - plan['taken']) / 3
        if state == 'resolved' and plan['age'] > 72 \
                and rng.random() < 0.04:
            plan['reopen'] = min(
                plan['closed'] + dt.timedelta(hours=rng.randint(2, 48)),
                limit)
            if rng.random() < 0.5:
                plan['reclose'] = min(
                    plan['reopen'] + dt.timedelta(
                        hours=rng.randint(1, 24)), limit)
        if state == 'resolved' and plan['applicant'] \
                and rng.random() < 0.45:
            plan['rating'] = rng.choices(
                [5, 4, 3, 2, 1], [50, 25, 12, 8, 5])[0]
