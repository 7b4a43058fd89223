"""Costs of Tryton 8 that the operator's lists pay on every read.

- ``trytond.tools.cursor_dict`` asks the cursor for its description once per
  row; psycopg 3 builds that description anew on each access (a Column
  object per column), so reading 80 appeals with their 40 columns built
  3,200 of them in a search and again in the read.  The names are the same
  for every row of a result: they are taken once.
- A selection's label (``state:string``) is looked up through
  ``fields_get`` once per row read; ``TranslatedSelection`` looks the
  labels up in the translation cache instead.
- A JSON-RPC answer longer than 1,400 characters is streamed token by
  token through the pure-Python JSON encoder and, for a client that takes
  gzip (every browser), compressed token by token: some 15,000 tokens for
  a list of 80 appeals.  The same text is encoded in one piece by the C
  encoder and compressed once.  The answer is held in memory whole, as the
  short answers already are.
"""
import trytond.ir.model
import trytond.ir.translation
import trytond.model.modelsql
import trytond.protocols.jsonrpc as jsonrpc
import trytond.tools
from trytond.model import fields
from trytond.pool import Pool
from trytond.transaction import Transaction


def cursor_dict(cursor, size=None):
    "The rows of cursor as dictionaries, as trytond.tools.cursor_dict"
    size = cursor.arraysize if size is None else size
    names = None
    while True:
        rows = cursor.fetchmany(size)
        if not rows:
            break
        if names is None:
            names = [d[0] for d in cursor.description]
        for row in rows:
            yield dict(zip(names, row))


def patch_cursor_dict():
    for module in [trytond.tools, trytond.model.modelsql, trytond.ir.model,
            trytond.ir.translation]:
        module.cursor_dict = cursor_dict


class OneShotJSONEncoder(jsonrpc.JSONEncoder):
    "trytond's JSON encoder whose stream is one chunk made by the C encoder"

    def iterencode(self, o, _one_shot=False):
        if _one_shot:
            return super().iterencode(o, _one_shot=True)
        return iter([self.encode(o)])


def patch_json_encoder():
    jsonrpc.encoder = OneShotJSONEncoder(separators=(',', ':'))


class TranslatedSelection(fields.Selection):
    "A static selection whose labels come from the translation cache"

    @classmethod
    def get_selection(cls, model, name, inst):
        field = model._fields[name]
        if not isinstance(field.selection, (list, tuple)):
            return super().get_selection(model, name, inst)
        Translation = Pool().get('ir.translation')
        language = Transaction().language
        source = f'{model.__name__},{name}'
        return {
            key: Translation.get_source(source, 'selection', language, label)
            or label
            for key, label in field.selection}
