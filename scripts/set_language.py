#!/usr/bin/env python3
"""Make a language the default of a Tryton database.

    set_language.py -c CONF -d DATABASE [CODE]    (CODE defaults to ru)

- the language is translatable (its translations are loaded and used),
- ir.configuration.language (language of new users, of the login page),
- admin and every other user without a language get it,
- the module configuration wizard is marked done, so that the first login of
  admin opens the application instead of the set-up wizard (the demo database
  is configured by tools/demo.py).
"""
import argparse
import sys


def main(argv=None):
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument('-c', '--config', required=True)
    parser.add_argument('-d', '--database', required=True)
    parser.add_argument('code', nargs='?', default='ru')
    args = parser.parse_args(argv)

    from trytond import config
    config.update_etc(args.config)
    from trytond.pool import Pool
    from trytond.transaction import Transaction, inactive_records

    Pool.start()
    pool = Pool(args.database)
    pool.init()
    with Transaction().start(args.database, 0):
        Lang = pool.get('ir.lang')
        Configuration = pool.get('ir.configuration')
        User = pool.get('res.user')

        with inactive_records():
            languages = Lang.search([('code', '=', args.code)])
        if not languages:
            sys.exit(f"language {args.code!r} not found")
        language, = languages
        if not language.translatable or not language.active:
            language.translatable = True
            language.active = True
            language.save()

        configuration = Configuration(1)
        configuration.language = args.code
        configuration.save()

        with inactive_records():
            users = User.search([
                    ('login', '!=', 'root'),
                    ['OR',
                        ('login', '=', 'admin'),
                        ('language', '=', None),
                        ],
                    ])
        if users:
            User.write(users, {'language': language.id})
        Item = pool.get('ir.module.config_wizard.item')
        items = Item.search([('state', '!=', 'done')])
        if items:
            Item.write(items, {'state': 'done'})

        print(f"{args.database}: default language {args.code}, "
            f"{len(users)} user(s) switched")


if __name__ == '__main__':
    main()
