"""The reference catalogue: appeal sources, tags, reason groups, reasons
with their deadlines per source, closing result templates, and the two
support lines with their tags. What the module's own data already holds
(matched by code or number) is reused, not created again."""
from . import data as D


class ReferenceData:
    """Sets sources, source_weights, tags, groups, reasons, reason_info
    (reason code → its D.REASON_GROUPS entry with its group code), results,
    lines and line_tags (line number → its tag codes)."""

    def ensure(self, Model, key, rows):
        """Records of Model by key (code or number) for rows of (key,
        values): the existing ones, inactive included, and those created
        from the values of the missing ones. Returns (by key, created)."""
        from trytond.transaction import inactive_records
        with inactive_records():
            records = {getattr(r, key): r for r in Model.search(
                    [(key, 'in', [k for k, _ in rows])])}
        created = Model.create(
            [values for k, values in rows if k not in records])
        for record in created:
            records[getattr(record, key)] = record
        return records, created

    def make_catalogue(self):
        pool = self.pool
        Source = pool.get('crm.appeal.source')
        Tag = pool.get('crm.tag')
        Group = pool.get('crm.appeal.reason.group')
        Reason = pool.get('crm.appeal.reason')
        Deadline = pool.get('crm.appeal.reason.deadline')
        Result = pool.get('crm.appeal.result')

        # Sources and tags may come with the module's data: reuse them
        self.sources, _ = self.ensure(Source, 'code', [
                (code, {'code': code, 'name': name, 'schedulable': sched,
                        'sequence': i})
                for i, (code, name, sched, _) in enumerate(D.SOURCES)])
        self.source_weights = {s[0]: s[3] for s in D.SOURCES}
        self.tags, _ = self.ensure(Tag, 'code', [
                (c, {'code': c, 'name': n}) for c, n in D.TAGS])
        self.groups, _ = self.ensure(Group, 'code', [
                (c, {'code': c, 'name': n}) for c, n, _ in D.REASON_GROUPS])

        self.reason_info = {}
        for gcode, _, rs in D.REASON_GROUPS:
            for r in rs:
                self.reason_info[r['code']] = dict(r, group=gcode)
        self.reasons, created = self.ensure(Reason, 'code', [
                (r['code'], {
                        'group': self.groups[r['group']].id,
                        'code': r['code'],
                        'name': r['name'],
                        'tags': [('add', [
                                    self.tags[t].id for t in r['tags']])],
                        'default_hours': r['hours'],
                        'readings_topic': r.get('readings', False),
                        'portal': r.get('portal', False),
                        })
                for r in self.reason_info.values()])
        Deadline.create([{
                    'reason': reason.id,
                    'source': self.sources[scode].id,
                    'hours': hours,
                    }
                for reason in created
                for scode, hours in sorted(self.reason_info[
                        reason.code].get('deadlines', {}).items())])

        self.make_extra_fields()
        self.results = Result.create([{
                    'name': name, 'text': text, 'sequence': i}
                for i, (name, text) in enumerate(D.RESULTS)])
        self.summary.update(
            sources=len(self.sources), tags=len(self.tags),
            reason_groups=len(self.groups), reasons=len(self.reasons),
            results=len(self.results))
        self.bar.step("справочники")

    def make_extra_fields(self):
        "The administrator's extra fields of a few reasons"
        Field = self.get('crm.appeal.extra_field')
        self.extra_fields, _ = self.ensure(Field, 'name', [
                (code, {'name': code, 'string': label, 'type_': kind,
                        'required': required, 'sequence': sequence,
                        'help': help_ or None, 'selection': choices or None,
                        'reasons': [('add', [self.reasons[r].id
                                    for r in reasons])]})
                for code, label, kind, required, sequence, help_, choices,
                reasons in D.EXTRA_FIELDS])

    def make_lines(self):
        "The support lines: own appeals only, topics by their tags"
        Line = self.get('crm.support_line')
        from trytond.transaction import inactive_records
        with inactive_records():
            existing = {l.number: l for l in Line.search(
                    [('number', 'in', [n for n, _, _ in D.LINES])])}
        lines = {}
        to_create = []
        for number, name, tags in D.LINES:
            access = {
                'appeal_access': 'own',
                'topic_access': 'tags',
                'tags': [('add', [self.tags[t].id for t in tags])],
                }
            if number in existing:
                lines[number] = existing[number]
                Line.write([existing[number]], access)
            else:
                to_create.append(dict(number=number, name=name, **access))
        for line in Line.create(to_create):
            lines[line.number] = line
        self.lines = lines
        self.line_tags = {n: set(tags) for n, _, tags in D.LINES}
        self.summary['lines'] = len(lines)
        self.bar.step("линии")

    def make_blanks(self):
        """The two example blanks of the addon: the act of works done for
        the emergency line (2), the certificate on an account for all"""
        try:
            Blank = self.get('crm.blank')
        except KeyError:
            return
        Blank.create([{
                    'name': "Акт выполненных работ", 'kind': 'appeal',
                    'lines': [('add', [self.lines[2].id])],
                    }, {
                    'name': "Справка", 'kind': 'account',
                    }])
        self.summary['blanks'] = 2
