#!/usr/bin/env python3
"""Convert a gettext .po file into the JSON that the Tryton web client (sao) loads.

    python3 scripts/po2json.py web/locale/ru.po web/locale/ru.json

The output is what sao's own build (grunt-po2json, format "raw") writes into
tryton-sao/locale/<lang>.json:

    {"": {<header names in lower case>: <value>, ...},
     "<msgid>": [null, "<msgstr>"],
     "<msgid>": ["<msgid_plural>", "<msgstr[0]>", "<msgstr[1]>", ...],
     "<msgctxt>\\u0004<msgid>": [...]}

Like grunt-po2json, fuzzy and obsolete (#~) entries are left out.  Compact JSON,
UTF-8, no trailing newline, entries in file order: the same .po always gives the
same bytes.  Python standard library only.
"""
import json
import re
import sys

_ESCAPES = {'n': '\n', 't': '\t', 'r': '\r', '"': '"', '\\': '\\',
    'a': '\a', 'b': '\b', 'f': '\f', 'v': '\v'}
_ESCAPE_RE = re.compile(r'\\(x[0-9a-fA-F]{1,2}|[0-7]{1,3}|.)', re.S)
_KEYWORD_RE = re.compile(r'^(msgctxt|msgid_plural|msgid|msgstr(?:\[(\d+)\])?)\s+(".*")\s*$')


def _unescape(text):
    def replace(match):
        seq = match.group(1)
        if seq in _ESCAPES:
            return _ESCAPES[seq]
        if seq[0] == 'x':
            return chr(int(seq[1:], 16))
        if seq[0] in '01234567':
            return chr(int(seq, 8))
        raise ValueError('unknown escape sequence \\%s' % seq)
    return _ESCAPE_RE.sub(replace, text)


def _string(token, lineno):
    if len(token) < 2 or token[0] != '"' or token[-1] != '"':
        raise ValueError('line %d: expected a quoted string' % lineno)
    return _unescape(token[1:-1])


def parse_po(text):
    """Return the list of entries of a .po text, each a dict with keys
    msgctxt, msgid, msgid_plural, msgstr (list) and fuzzy."""
    entries = []
    entry, field = None, None

    def finish():
        if entry is not None and 'msgid' in entry:
            entries.append(entry)

    def new_entry():
        return {'msgctxt': None, 'msgid_plural': None, 'msgstr': {},
            'fuzzy': False}

    pending_flags = []
    for lineno, line in enumerate(text.splitlines(), 1):
        line = line.strip()
        if not line:
            continue
        if line.startswith('#'):
            if line.startswith('#~'):  # obsolete entry
                continue
            if line.startswith('#,'):
                pending_flags.extend(
                    f.strip() for f in line[2:].split(',') if f.strip())
            continue
        if line.startswith('"'):
            if field is None:
                raise ValueError('line %d: string outside of an entry' % lineno)
            value = _string(line, lineno)
            if isinstance(field, tuple):
                entry['msgstr'][field[1]] += value
            else:
                entry[field] += value
            continue
        match = _KEYWORD_RE.match(line)
        if not match:
            raise ValueError('line %d: cannot parse %r' % (lineno, line))
        keyword, index, token = match.groups()
        value = _string(token, lineno)
        starts_entry = keyword == 'msgctxt' or (
            keyword == 'msgid' and (entry is None or field != 'msgctxt'))
        if starts_entry:
            finish()
            entry = new_entry()
            entry['fuzzy'] = 'fuzzy' in pending_flags
            pending_flags = []
        elif entry is None:
            raise ValueError('line %d: %s without msgid' % (lineno, keyword))
        if keyword.startswith('msgstr'):
            index = int(index) if index is not None else 0
            entry['msgstr'][index] = value
            field = ('msgstr', index)
        else:
            entry[keyword] = value
            field = keyword
    finish()
    for entry in entries:
        strings = entry['msgstr']
        entry['msgstr'] = [strings[i] for i in sorted(strings)]
    return entries


def parse_header(text):
    header = {}
    for line in text.split('\n'):
        if ':' in line:
            name, value = line.split(':', 1)
            header[name.strip().lower()] = value.strip()
    return header


def po_to_sao(entries):
    result = {}
    for entry in entries:
        if entry['msgid'] == '' and entry['msgctxt'] is None:
            result[''] = parse_header(
                entry['msgstr'][0] if entry['msgstr'] else '')
            break
    else:
        result[''] = {}
    for entry in entries:
        if entry['fuzzy'] or (entry['msgid'] == '' and entry['msgctxt'] is None):
            continue
        key = entry['msgid']
        if entry['msgctxt'] is not None:
            key = entry['msgctxt'] + '\u0004' + key
        result[key] = [entry['msgid_plural']] + entry['msgstr']
    return result


def main(argv):
    if len(argv) != 3:
        sys.stderr.write('usage: %s INPUT.po OUTPUT.json\n' % argv[0])
        return 2
    with open(argv[1], encoding='utf-8') as po:
        data = po_to_sao(parse_po(po.read()))
    text = json.dumps(data, ensure_ascii=False, separators=(',', ':'))
    with open(argv[2], 'w', encoding='utf-8', newline='') as out:
        out.write(text)
    return 0


if __name__ == '__main__':
    sys.exit(main(sys.argv))
