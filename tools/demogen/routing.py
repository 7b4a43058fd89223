"""Routing rules of each organisation: emergencies (at night with a short
round-the-clock deadline), missed waste collection at weekends, the upkeep
of the first district's houses, meter readings from the portal.

Made after the appeals of the 90 days: the rules route the appeals
registered from now on. Every rule keeps a topic on the line whose tags
cover it, so that no operator's own appeal is routed out of his reach."""
import datetime as dt

# name, conditions, what it sets; conditions name tags, reasons, sources
# by code and 'district' (the organisation's first one)
RULES = [
    ("Аварии ночью", dict(tags=['emergency'], time_from=dt.time(20),
            time_to=dt.time(8)),
        dict(line=2, priority='emergency', deadline_hours=2,
            observers=['supervisor'])),
    ("Аварии", dict(tags=['emergency']),
        dict(line=2, priority='high')),
    ("Невывоз мусора в выходные", dict(
            reasons=['waste_missed', 'waste_bulky'], weekdays=['5', '6']),
        dict(line=2, priority='high', observers=['supervisor'])),
    ("Содержание домов: {district}", dict(
            tags=['maintenance'], district=True),
        dict(line=2, operator='operator2', deadline_hours=48,
            time_basis='working')),
    ("Показания с портала", dict(reasons=['meter_readings'],
            sources=['portal']),
        dict(line=1, priority='low')),
    ]


class RoutingRules:
    "Needs companies, districts, tags, reasons, sources, lines and users"

    def make_routing_rules(self):
        try:
            Rule = self.pool.get('crm.routing.rule')
        except KeyError:
            return
        vlist = []
        for company in self.companies:
            district = next((d for d in self.districts
                    if d.company == company), None)
            for sequence, (name, when, then) in enumerate(RULES, 1):
                if when.get('district') and not district:
                    continue
                values = {
                    'company': company.id,
                    'sequence': sequence * 10,
                    'name': name.format(
                        district=district.name if district else ''),
                    }
                for field, catalogue in [('tags', self.tags),
                        ('reasons', self.reasons),
                        ('sources', self.sources)]:
                    if codes := when.get(field):
                        values[field] = [('add', [
                                    catalogue[c].id for c in codes])]
                if when.get('district'):
                    values['districts'] = [('add', [district.id])]
                for field in ['time_from', 'time_to', 'weekdays']:
                    if field in when:
                        values[field] = when[field]
                if then.get('line') in self.lines:
                    values['support_line'] = self.lines[then['line']].id
                # The operator and observers work for the first
                # organisation only; the others route by line
                users = [self.users[login]
                    for login in then.get('observers', [])
                    if login in self.users]
                if users:
                    values['observers'] = [('add', [u.id for u in users])]
                operator = self.users.get(then.get('operator'))
                if operator and company in (operator.companies or ()):
                    values['operator'] = operator.id
                for field in ['priority', 'deadline_hours', 'time_basis']:
                    if field in then:
                        values[field] = then[field]
                vlist.append(values)
        rules = Rule.create(vlist)
        self.summary['routing_rules'] = len(rules)
        self.bar.step("маршрутизация")
