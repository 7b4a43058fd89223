"""A walk over what a user of the back office can open, as sao opens it over
JSON-RPC, collecting the English words it would show.

Depth 0 is what the user's menu opens: each entry's name, its action
(window title, list tabs), the list and form views of the model (every
label, column, page, separator, button, help text, selection label, the
model's own name) with the lists of its one2many/many2many fields.
Depth 1 is what one of those records opens: a row of such a list, the
record of a many-to-one (its form and search list), an entry of the
toolbar (reports, actions, relate) and the dialogs of the wizards of the
model's buttons (their views and buttons).  Deeper screens (the form of a
record opened from a record opened from the menu) are left out.

The wizards' states are read from their Python classes (imported, never
run): nothing is executed, so the walk changes nothing in the database.
"""
import importlib
import inspect
import pkgutil
import re
from collections import defaultdict

from lxml import etree

# Latin words that stay in Russian UI texts: acronyms (in capitals) and
# names of formats and tools
ACRONYMS = {
    'ID', 'SMS', 'URL', 'URI', 'PDF', 'CSV', 'XML', 'HTML', 'JSON', 'API',
    'REST', 'SQL', 'QR', 'IP', 'VIES', 'PYSON', 'SMTP', 'ODT', 'ODS', 'UTC',
    'HTTP', 'HTTPS', 'WWW', 'ISO', 'HOTP', 'TOTP', 'SVG', 'PNG', 'LDAP',
    'BIC', 'IBAN', 'MIME', 'SSL', 'ASCII', 'UTF', 'CRM', 'IRC', 'SIP',
    'SEPA', 'BIS', 'NHS', 'EIN', 'SSN', 'TIN', 'ATIN', 'ITIN', 'PTIN',
    'RFC', 'XLSX', 'XLS', 'JPEG', 'SHA',
    # report mailings: the archive format and its encryption
    'ZIP', 'AES', 'BI',
    }
NAMES = {'e-mail', 'python', 'genshi', 'libreoffice', 'skype', 'strftime',
    'xpath', 'message-id', 'id', 'excel'}
# Not words for a user: placeholders (%(name)s, {name}), technical names
# (res.user, crm_lines, a quoted «self»), codes (AT-02), e-mail and web
# addresses
NOT_WORDS = re.compile(
    r'%\([^)]*\)[sdif]|%[sd]|\{[^}]*\}|[\w.+-]+@[\w.-]+'
    r'|https?://\S+|\b[A-Za-z]\w*(?:[._]\w+)+\b'
    r'|[«"\'][a-z_]+[»"\']|\b[A-Z]+-\d+\b')
LATIN_WORD = re.compile(r"[A-Za-z][A-Za-z'-]*[A-Za-z]")
# Selections whose labels are names, not words: the file formats of
# reports as their makers name them (Microsoft Word 97, OpenDocument Text)
NAME_SELECTIONS = {
    ('ir.action.report', 'extension'),
    ('ir.action.report', 'template_extension'),
    }
# Menu entries are depth 0; what one of their records opens, depth 1
MAX_DEPTH = 1


def english_words(text):
    "The Latin words of text that are not allowed acronyms"
    if not isinstance(text, str):
        return []
    text = NOT_WORDS.sub(' ', text)
    return [w for w in LATIN_WORD.findall(text)
        if w not in ACRONYMS and w.lower() not in NAMES]


def wizard_states(packages):
    """{wizard name: {state name: StateView}} of the wizard classes found
    in packages (trytond.ir, trytond.modules.party...), merged over the
    classes that extend the same wizard"""
    from trytond.wizard import StateView, Wizard

    states = defaultdict(dict)
    for package_name in packages:
        try:
            package = importlib.import_module(package_name)
        except ImportError:
            continue
        names = [package_name]
        if hasattr(package, '__path__'):
            names += [f'{package_name}.{m.name}' for m in pkgutil.iter_modules(
                    package.__path__) if m.name not in {'tests', 'setup'}]
        for name in names:
            try:
                module = importlib.import_module(name)
            except Exception:  # noqa: BLE001 - optional imports of a module
                continue
            for _, cls in inspect.getmembers(module, inspect.isclass):
                wiz_name = vars(cls).get('__name__')
                if not isinstance(wiz_name, str):
                    continue
                # A wizard, or a class that extends one (PoolMeta)
                if not (issubclass(cls, Wizard) or any(
                            isinstance(v, StateView)
                            for v in vars(cls).values())):
                    continue
                for klass in reversed(cls.__mro__):
                    for attr, value in vars(klass).items():
                        if isinstance(value, StateView):
                            states[wiz_name][attr] = value
    return states


class Walk:
    """The English texts one user meets:
    {text: {'where': [path, ...], 'keys': {msgctxt hint, ...}}}.

    session: a tests.demo_server.Session of the user; admin: one of the
    administrator (reads the translations of wizard buttons); wizards:
    wizard_states()."""

    def __init__(self, session, admin, wizards):
        self.session = session
        self.admin = admin
        self.wizards = wizards
        self.context = session.call('model.res.user.get_preferences', True, {})
        self.found = defaultdict(lambda: {'where': [], 'keys': set()})
        self.views = {}
        self.models = {}
        self._wizards = set()
        self._access = {}
        self._names = None

    def call(self, method, *args):
        return self.session.call(method, *args, self.context)

    def check(self, text, where, key):
        """Record text if English; key: the msgctxt of its translation
        (a record's translation ends with its id: #id)"""
        if english_words(text):
            found = self.found[text]
            if len(found['where']) < 3:
                found['where'].append(where)
            found['keys'].add(key)

    def readable(self, model):
        if model not in self._access:
            try:
                access = self.call('model.ir.model.access.get_access',
                    [model])
                self._access[model] = bool(access[model]['read'])
            except Exception:  # noqa: BLE001 - unknown model: not openable
                self._access[model] = False
        return self._access[model]

    def model_name(self, model, where):
        if self._names is None:
            self._names = self.session.call(
                'model.ir.model.get_names', self.context)
        if model in self._names:
            self.check(self._names[model], f'{where} › name of model {model}',
                f'model:{model},string:')

    # -- menus and actions ------------------------------------------------
    def walk(self):
        menus = self.call('model.ir.ui.menu.search_read', [], 0, None, None,
            ['name', 'complete_name', 'action'])
        for menu in sorted(menus, key=lambda m: m['complete_name']):
            where = f'menu «{menu["complete_name"]}»'
            self.check(menu['name'], where,
                f'model:ir.ui.menu,name:#{menu["id"]}')
            if not menu['action']:
                continue
            actions = self.call('model.ir.action.keyword.get_keyword',
                'tree_open', ['ir.ui.menu', menu['id']])
            for action in actions:
                self.action(action, where, 0, menu=menu['complete_name'])
        return self.found

    def action(self, action, where, depth, menu=None):
        type_ = action.get('type')
        where = f'{where} › {type_} «{action.get("name")}»'
        # A menu's action is named by the menu's path, checked above
        if action.get('name') != menu:
            self.check(action.get('name'), where, 'model:ir.action,name:')
        if type_ == 'ir.action.act_window':
            for domain in action.get('domains') or []:
                self.check(domain[0], f'{where} › list tab',
                    'model:ir.action.act_window.domain,name:')
            views = [(v, t) for v, t in action.get('views') or []]
            if action.get('context_model'):
                self.model(action['context_model'], [(None, 'form')],
                    f'{where} › context', depth)
            if not action.get('res_model'):
                # A board (crm_analytics' dashboards): the actions of its panes
                self.board(views, where, depth)
                return
            self.model(action['res_model'], views, where, depth)
        elif type_ == 'ir.action.wizard':
            self.wizard(action['wiz_name'], where, depth)

    def board(self, views, where, depth):
        "The actions a board view shows in its panes, as sao opens them"
        from lxml import etree
        for view_id, type_ in views:
            if type_ != 'board':
                continue
            arch = self.session.call('model.ir.ui.view.view_get',
                view_id, self.context)['arch']
            for pane in etree.fromstring(arch.encode()).iter('action'):
                action = self.call('model.ir.action.act_window.get',
                    pane.get('name'))
                self.action(action, f'{where} › board', depth + 1)

    # -- models and views -------------------------------------------------
    def model(self, model, views, where, depth):
        "The views of model opened at depth, its toolbar and wizards"
        if depth > MAX_DEPTH:
            return
        types = {t for _, t in views}
        # A list opens records in the default form and many-to-ones are
        # searched in the default list
        views = list(views) + [(None, t) for t in ('tree', 'form')
            if t not in types]
        for view_id, type_ in views:
            self.view(model, view_id, type_, where, depth)
        if self.models.get(model, MAX_DEPTH + 1) <= depth:
            return
        self.models[model] = depth
        self.model_name(model, where)
        try:
            toolbar = self.call(f'model.{model}.view_toolbar_get')
        except OSError:
            # Not served over RPC (403): no screen of its own
            return
        for key in ['print', 'action', 'relate', 'emails']:
            for action in toolbar.get(key) or []:
                self.action(action, f'{where} › toolbar {key} of {model}',
                    depth + 1)
        # Wizards the model's buttons open (button_action)
        wizards = self.call('model.ir.action.wizard.search_read',
            [('model', '=', model)], 0, None, None,
            ['wiz_name', 'name', 'action'])
        for wizard in wizards:
            wwhere = f'{where} › wizard «{wizard["name"]}» of {model}'
            self.check(wizard['name'], wwhere,
                f'model:ir.action,name:#{wizard["action"]}')
            self.wizard(wizard['wiz_name'], wwhere, depth + 1)

    def view(self, model, view_id, type_, where, depth):
        key = (model, view_id, type_)
        if self.views.get(key, MAX_DEPTH + 1) <= depth or type_ not in {
                'tree', 'form'}:
            return
        self.views[key] = depth
        try:
            view = self.call(f'model.{model}.fields_view_get', view_id, type_)
        except OSError:
            # Not served over RPC (403): sao cannot open it either
            return
        except Exception as error:  # noqa: BLE001 - reported, walk goes on
            self.check(f'fields_view_get failed: {error}',
                f'{where} › {model} {type_} view {view_id}', None)
            return
        where = f'{where} › {model} {type_} view {view["view_id"]}'
        fields = view.get('fields', {})
        shown = set()

        def visit(element):
            if not isinstance(element.tag, str):
                return
            # sao draws no invisible element of a form (a list's hidden
            # columns are still offered by its search filter)
            if type_ == 'form' and element.get('invisible') == '1':
                return
            label = element.get('name') or element.get('id') or ''
            for attr in ['string', 'sum', 'confirm', 'help']:
                if element.tag == 'button' and attr != 'sum':
                    # ir.model.button's text when the model has one
                    key = f'model:ir.model.button,{attr}:{model}.{label}'
                else:
                    key = f'view:{model}:'
                self.check(element.get(attr),
                    f'{where} › <{element.tag} {label}> {attr}', key)
            if element.tag in {'field', 'label'} and label in fields:
                shown.add(label)
                if element.tag == 'field':
                    self.field(fields[label], element, where, depth)
            for child in element:
                visit(child)
        visit(etree.fromstring(view['arch'].encode('utf-8')))
        # Only the fields shown: the others are there for their values
        for name in sorted(shown):
            self.field_strings(model, name, fields[name], where)

    def field_strings(self, model, name, field, where):
        where = f'{where} › field {name}'
        self.check(field.get('string'), f'{where} string',
            f'field:{model},{name}:')
        self.check(field.get('help'), f'{where} help', f'help:{model},{name}:')
        selection = field.get('selection')
        if field.get('type') == 'reference' or (
                model, name) in NAME_SELECTIONS:
            # Model names: those of the walked models are checked
            selection = None
        elif isinstance(selection, str) and not field.get(
                'selection_change_with'):
            try:
                selection = self.call(f'model.{model}.{selection}')
            except Exception:  # noqa: BLE001 - not callable by this user
                selection = None
        if isinstance(selection, list):
            for item in selection:
                # A label that is its own value is a code (time zones)
                if (isinstance(item, list) and len(item) > 1
                        and item[0] != item[1]):
                    self.check(item[1], f'{where} selection «{item[0]}»',
                        f'selection:{model},{name}:')
        for value, text in (field.get('help_selection') or {}).items():
            self.check(text, f'{where} selection help «{value}»',
                f'selection:{model},{name}:')

    def field(self, field, element, where, depth):
        relation = field.get('relation')
        if not relation or not self.readable(relation):
            return
        fwhere = f'{where} › field {field["name"]} → {relation}'
        if field['type'] in {'one2many', 'many2many'}:
            ids = [int(i) for i in (element.get('view_ids') or '').split(',')
                if i.strip()]
            modes = (element.get('mode') or 'tree,form').split(',')
            views = list(zip(ids, modes)) + [
                (None, m) for m in modes[len(ids):]]
            # The list is inside the same form, a row opens a dialog
            for view_id, type_ in views:
                self.view(relation, view_id, type_, fwhere,
                    depth if type_ == 'tree' else depth + 1)
        elif field['type'] == 'many2one':
            self.model(relation, [], fwhere, depth + 1)

    # -- wizards ----------------------------------------------------------
    def wizard(self, wiz_name, where, depth):
        if depth > MAX_DEPTH or wiz_name in self._wizards:
            return
        self._wizards.add(wiz_name)
        for state_name, state in sorted(
                self.wizards.get(wiz_name, {}).items()):
            swhere = f'{where} › wizard {wiz_name} state {state_name}'
            # The model's form: a wizard's dialog has one
            self.view(state.model_name, None, 'form', swhere, depth)
            for button in state.buttons:
                self.button(wiz_name, state_name, button, swhere)

    def button(self, wiz_name, state_name, button, where):
        if not button.string:
            return
        name = f'{wiz_name},{state_name},{button.state}'
        found = self.admin.call('model.ir.translation.search_read', [
                ('lang', '=', self.context.get('language') or 'ru'),
                ('type', '=', 'wizard_button'), ('name', '=', name),
                ('value', '!=', ''), ('value', '!=', None),
                ('fuzzy', '=', False)],
            0, None, [('id', 'ASC')], ['value'], {})
        text = found[-1]['value'] if found else button.string
        self.check(text, f'{where} › button «{button.state}»',
            f'wizard_button:{name}:')


def report(found, limit=None):
    """The English texts, one a line, with the msgctxt of their translation
    (#id: a record of that id) and where each was found"""
    lines = []
    for text, found_ in sorted(found.items())[:limit]:
        keys = ', '.join(sorted(k for k in found_['keys'] if k))
        lines.append(f'«{text}»  [{keys}]')
        lines.extend(f'    at {p}' for p in found_['where'])
    return '\n'.join(lines)
