"""Blanks (бланки): print forms the administrator makes in LibreOffice and
operators print from an appeal or a personal account, as ODT or PDF.

Each blank owns a Tryton report (ir.action.report of the report crm.blank)
whose custom content is the blank's template: Tryton renders it with
relatorio and converts it with LibreOffice ([report] convert_command).
Which blanks a user may print is a record rule (an operator: the blanks of
his support lines and those of no line), so that the print wizard offers
only those and the report refuses the others."""
from trytond import config
from trytond.exceptions import UserError
from trytond.i18n import gettext
from trytond.model import DeactivableMixin, ModelSQL, ModelView, fields
from trytond.model.exceptions import AccessError
from trytond.pool import Pool
from trytond.pyson import Bool, Eval, If
from trytond.report import Report
from trytond.transaction import (
    Transaction, check_access, inactive_records, without_check_access)
from trytond.wizard import Button, StateAction, StateView, Wizard

from . import blank_template

KINDS = [
    ('appeal', "Appeal"),
    ('account', "Personal account"),
    ('work_order', "Work order"),
    ]
MODELS = {
    'appeal': 'crm.appeal',
    'account': 'crm.account',
    'work_order': 'crm.work_order',
    }
KIND_OF = {model: kind for kind, model in MODELS.items()}
FORMATS = [
    ('pdf', "PDF"),
    ('odt', "ODT (LibreOffice, editable)"),
    ]
REPORT_NAME = 'crm.blank'
# LibreOffice runs one instance per user profile: a conversion started
# while another runs with the same profile (two users printing at once,
# two servers of one system user) ends at once without output.  Unless the
# administrator sets [report] convert_command, each conversion has its own
# profile in the folder Tryton makes for it and removes after it
# (a new profile adds about 0.1 s).
CONVERT = ('soffice "-env:UserInstallation=file://%(directory)s/profile" '
    '--headless --nolockcheck --nodefault --norestore '
    '--convert-to "%(output_extension)s" --outdir "%(directory)s" '
    '"%(input_path)s"')
# Tryton's own 5 minutes × 6 tries would keep a stuck LibreOffice's
# request, and on SQLite every other writer, waiting half an hour
CONVERT_SECONDS = 90


class Blank(DeactivableMixin, ModelSQL, ModelView):
    "Blank (Бланк)"
    __name__ = 'crm.blank'
    __string__ = "Blank"
    _history = True
    name = fields.Char("Name", required=True)
    company = fields.Many2One('company.company', "Organisation",
        ondelete='CASCADE', help="Empty: for every organisation.")
    kind = fields.Selection(KINDS, "Printed From", required=True)
    lines = fields.Many2Many('crm.blank-crm.support_line', 'blank', 'line',
        "Support Lines",
        domain=[If(Bool(Eval('company')),
                ('company', 'in', [Eval('company', -1), None]), ())],
        help="Only the operators of these lines print the blank; "
        "empty: every operator.")
    line_names = fields.Function(fields.Char("Support Lines"),
        'get_line_names')
    report = fields.Many2One('ir.action.report', "Report", readonly=True,
        ondelete='RESTRICT')
    template = fields.Function(fields.Binary("Template",
            filename='template_name',
            help="Download the template, edit it in LibreOffice Writer, "
            "then clear the field and choose the edited file. Saved empty, "
            "the blank starts again from the example."),
        'get_template', setter='set_template')
    template_name = fields.Function(
        fields.Char("Template File"), 'get_template_name')
    placeholders = fields.Function(fields.Text("Placeholders"),
        'on_change_with_placeholders')

    @classmethod
    def __setup__(cls):
        super().__setup__()
        cls._order.insert(0, ('name', 'ASC'))

    @classmethod
    def default_company(cls):
        return Transaction().context.get('company')

    @classmethod
    def default_kind(cls):
        return 'appeal'

    @fields.depends('kind')
    def on_change_with_placeholders(self, name=None):
        return blank_template.describe(self.kind) if self.kind else None

    def get_line_names(self, name):
        return ', '.join(l.rec_name for l in self.lines)

    def get_template_name(self, name):
        return f'{self.name}.odt'

    @classmethod
    def get_template(cls, blanks, name):
        with without_check_access():
            return {b.id: b.report.report_content if b.report else None
                for b in blanks}

    @classmethod
    def set_template(cls, blanks, name, value):
        ActionReport = Pool().get('ir.action.report')
        with without_check_access():
            for blank in blanks:
                ActionReport.write([blank.report], {
                        'report_content_custom': (value
                            or blank_template.example(blank.kind)),
                        })

    @classmethod
    def _report_values(cls, values):
        return {
            'name': values['name'],
            'model': MODELS[values['kind']],
            }

    @classmethod
    def preprocess_values(cls, mode, values):
        """Each blank prints through a report of its own, made with it;
        nobody points a blank at another report"""
        pool = Pool()
        ActionReport = pool.get('ir.action.report')
        values = super().preprocess_values(mode, values)
        values.pop('report', None)
        if mode == 'create':
            kind = values.get('kind') or cls.default_kind()
            with without_check_access():
                report, = ActionReport.create([{
                            **cls._report_values(
                                {'name': values.get('name') or '',
                                    'kind': kind}),
                            'report_name': REPORT_NAME,
                            'template_extension': 'odt',
                            'single': True,
                            # The administrator's words are not in Tryton's
                            # translations: no lookup of every text
                            'translatable': False,
                            'report_content_custom': blank_template.example(
                                kind),
                            }])
            values['report'] = report.id
        return values

    @classmethod
    def on_modification(cls, mode, blanks, field_names=None):
        super().on_modification(mode, blanks, field_names=field_names)
        ActionReport = Pool().get('ir.action.report')
        if mode == 'write' and {'name', 'kind'} & set(field_names or []):
            with without_check_access():
                for blank in blanks:
                    ActionReport.write([blank.report], cls._report_values(
                            {'name': blank.name, 'kind': blank.kind}))

    @classmethod
    def validate_fields(cls, blanks, field_names):
        super().validate_fields(blanks, field_names)
        if field_names is None or {'template', 'kind'} & set(field_names):
            for blank in blanks:
                blank_template.check(blank.rec_name, blank.kind,
                    blank.template)

    @classmethod
    def copy(cls, blanks, default=None):
        copies = super().copy(blanks, default=default)
        # Each copy has a report of its own: give it the same template
        for blank, copy in zip(blanks, copies):
            cls.set_template([copy], 'template', blank.template)
        return copies

    @classmethod
    def delete(cls, blanks):
        ActionReport = Pool().get('ir.action.report')
        reports = [b.report for b in blanks if b.report]
        super().delete(blanks)
        with without_check_access():
            ActionReport.delete(reports)

    @classmethod
    @check_access
    def usable(cls, kind, company):
        """The blanks the user may print from a record of kind of company
        (record rules keep operators to their lines, also in a wizard)"""
        return cls.search([
                ('kind', '=', kind),
                ('company', 'in', [int(company) if company else None, None]),
                ])

    @classmethod
    @check_access
    def allowed(cls, clause):
        """The blank of clause, refused unless the user may print it (the
        record rules say so, also in a wizard)"""
        blanks = cls.search([clause], limit=1)
        if not blanks:
            with without_check_access(), inactive_records():
                hidden = cls.search([clause], limit=1)
            raise AccessError(gettext('crm_dispatch.msg_blank_not_allowed',
                    blank=hidden[0].rec_name if hidden else clause[2]))
        return blanks[0]


class BlankLine(ModelSQL):
    "Blank for a support line"
    __name__ = 'crm.blank-crm.support_line'
    __string__ = "Blank for a support line"
    blank = fields.Many2One(
        'crm.blank', "Blank", required=True, ondelete='CASCADE')
    line = fields.Many2One(
        'crm.support_line', "Support Line", required=True,
        ondelete='CASCADE')

    @classmethod
    def __setup__(cls):
        super().__setup__()
        cls.__access__.add('blank')


class BlankReport(Report):
    "A blank filled for an appeal or a personal account"
    __name__ = REPORT_NAME

    @classmethod
    def execute(cls, ids, data):
        blank = Pool().get('crm.blank').allowed(
            ('report', '=', data.get('action_id')))
        return super().execute(ids, dict(data,
                action_id=blank.report.id, model=MODELS[blank.kind]))

    @classmethod
    def _execute(cls, records, header, data, action):
        pdf = data.get('format') == 'pdf'
        # Tryton converts when the output differs from the template's
        action.extension = 'pdf' if pdf else ''
        extension, content = super()._execute(records, header, data, action)
        if pdf and extension != 'pdf':
            # Tryton logs a failed conversion and hands the ODT back
            raise UserError(gettext('crm_dispatch.msg_blank_pdf_failed',
                    blank=action.name))
        return extension, content

    @classmethod
    def convert(cls, report, data, timeout=CONVERT_SECONDS, retry=0):
        if not config.get('report', 'convert_command', default=None):
            config.set('report', 'convert_command', CONVERT)
        return super().convert(report, data, timeout=timeout, retry=retry)

    @classmethod
    def get_context(cls, records, header, data):
        context = super().get_context(records, header, data)
        Model = Pool().get(data['model'])
        record = Model(records[0].id)
        context.update(blank_template.values(KIND_OF[Model.__name__], record))
        return context


class PrintStart(ModelView):
    "Print a blank"
    __name__ = 'crm.blank.print.start'
    __string__ = "Print a blank"
    kind = fields.Selection(KINDS, "Printed From", readonly=True)
    company = fields.Many2One(
        'company.company', "Organisation", readonly=True)
    blank = fields.Many2One('crm.blank', "Blank", required=True,
        domain=[
            ('kind', '=', Eval('kind', '')),
            ('company', 'in', [Eval('company', -1), None]),
            ])
    format = fields.Selection(FORMATS, "Format", required=True)


class StateBlank(StateAction):
    "The report of the blank chosen in the wizard (see Print.do_print_)"

    def __init__(self):
        super().__init__(None)

    def get_action(self):
        return None


class Print(Wizard):
    "Print a blank from an appeal or a personal account"
    __name__ = 'crm.blank.print'
    start = StateView('crm.blank.print.start',
        'crm_dispatch.blank_print_start_view_form', [
            Button("Cancel", 'end', 'tryton-cancel'),
            Button("Print", 'print_', 'tryton-print', default=True),
            ])
    print_ = StateBlank()

    def default_start(self, fields):
        kind = KIND_OF[self.model.__name__]
        companies = {r.company for r in self.records}
        company = companies.pop() if len(companies) == 1 else None
        blanks = Pool().get('crm.blank').usable(kind, company)
        if not blanks:
            raise UserError(gettext('crm_dispatch.msg_blank_none',
                    model=self.model.__names__()['model']))
        return {
            'kind': kind,
            'company': company.id if company else None,
            'blank': blanks[0].id if len(blanks) == 1 else None,
            'format': 'pdf',
            }

    def do_print_(self, action):
        blank = Pool().get('crm.blank').allowed(
            ('id', '=', self.start.blank.id))
        ids = [r.id for r in self.records]
        return blank.report.action.get_action_value(), {
            'model': self.model.__name__,
            'id': ids[0],
            'ids': ids,
            'action_id': blank.report.id,
            'format': self.start.format,
            }
