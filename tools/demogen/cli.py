"""The command line of the demo-data generator (tools/demo.py)."""
import argparse
import logging
import os

from . import data as D
from .generator import SIZES, SMALL, DemoDataExists, generate


def main(argv=None):
    parser = argparse.ArgumentParser(
        description="Generate the demo data of the appeals CRM")
    parser.add_argument('-c', '--config', dest='config',
        default=os.environ.get('TRYTOND_CONFIG'),
        help="trytond configuration file")
    parser.add_argument('-d', '--database', dest='database', required=True)
    parser.add_argument('--small', action='store_true',
        help="about 200 premises, 80 applicants, 300 appeals")
    parser.add_argument('--appeals', type=int)
    parser.add_argument('--premises', type=int)
    parser.add_argument('--applicants', type=int)
    parser.add_argument('--buildings', type=int)
    parser.add_argument('--days', type=int,
        help="spread appeals over this many past days (default 90)")
    parser.add_argument('--seed', type=int, default=42)
    parser.add_argument('--no-users', dest='users', action='store_false',
        help="do not create the demo users")
    parser.add_argument('--no-progress', dest='progress',
        action='store_false')
    options = parser.parse_args(argv)

    logging.basicConfig(level=logging.WARNING)
    sizes = dict(SMALL if options.small else SIZES)
    for key in ['appeals', 'premises', 'applicants', 'buildings', 'days']:
        if getattr(options, key) is not None:
            sizes[key] = getattr(options, key)
    try:
        summary = generate(options.database, options.config, sizes,
            seed=options.seed, progress=options.progress,
            users=options.users)
    except DemoDataExists as exc:
        print(f"Демо-данные уже загружены в базу «{options.database}» "
            f"({exc}); ничего не изменено.")
        return 0
    print(f"Демо-данные загружены в базу «{options.database}» "
        f"за {summary.pop('seconds')} с:")
    for key, value in summary.items():
        if isinstance(value, dict):
            value = ', '.join(f'{k}: {v}' for k, v in value.items())
        print(f"  {key}: {value}")
    if options.users:
        print("Логины: admin, supervisor, operator1, operator2, executor1 … "
            "executor6, manager; "
            f"пароль {D.DEMO_PASSWORD}")
        if summary.get('portal'):
            print("Личный кабинет жителя: resident1@example.com, "
                f"resident2@example.com; пароль {D.DEMO_PASSWORD}")
    return 0
