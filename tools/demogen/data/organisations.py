"""The demo organisations with their districts and streets, building types,
the demo staff and their password."""

# --------------------------------------------------------------------------
# Organisations, districts, streets
ORGANISATIONS = [
    dict(
        name="ООО «Управляющая компания «Северный квартал»",
        short="УК «Северный квартал»",
        city="Вологда", postal="1600", phone="+78172540101",
        email="info@sev-kvartal.example.ru", account_prefix='35',
        districts=["Центральный район", "Заречье"],
        streets=[
            "ул. Ленина", "ул. Мира", "Советский пр-т", "ул. Пушкинская",
            "ул. Козлёнская", "ул. Предтеченская", "ул. Горького",
            "ул. Ярославская", "ул. Карла Маркса", "ул. Чернышевского",
            "Окружное ш.", "ул. Гагарина", "ул. Северная",
            "ул. Первомайская",
            ]),
    dict(
        name="АО «Жилищная управляющая компания «Шексна»",
        short="ЖУК «Шексна»",
        city="Череповец", postal="1626", phone="+78202570202",
        email="dispatch@zhuk-sheksna.example.ru", account_prefix='36',
        districts=["Зашекснинский район"],
        streets=[
            "пр-т Победы", "ул. Ленина", "ул. Сталеваров", "пр-т Строителей",
            "ул. Гоголя", "ул. Краснодонцев", "Шекснинский пр-т",
            "ул. Юбилейная",
            ]),
    ]

# Share of the buildings each organisation manages (sums to 1)
ORGANISATION_SHARE = [0.7, 0.3]

# Building types: (floors, entrances, flats per floor, relative weight)
BUILDING_TYPES = [
    (5, 4, 4, 5),    # «хрущёвка»
    (5, 6, 3, 3),
    (9, 3, 4, 4),
    (9, 6, 4, 2),
    (10, 2, 4, 2),
    (12, 1, 6, 1),
    (3, 2, 3, 1),    # малоэтажный дом
    ]

# Staff (login, name, role, numbers of the lines they work in or supervise)
STAFF = [
    ('supervisor', "Кузнецова Ольга Викторовна",
        'supervisor', (1, 2)),
    ('operator1', "Смирнова Анна Сергеевна", 'operator', (1,)),
    ('operator2', "Петров Игорь Николаевич", 'operator', (2,)),
    ('executor1', "Волков Сергей Павлович", 'executor', ()),
    # The other executors of the work orders (tools/demogen/work_orders.py)
    ('executor2', "Зайцев Андрей Олегович", 'executor', ()),
    ('executor3', "Морозов Дмитрий Ильич", 'executor', ()),
    ('executor4', "Соколов Павел Андреевич", 'executor', ()),
    ('executor5', "Лебедев Роман Викторович", 'executor', ()),
    ('executor6', "Новиков Артём Сергеевич", 'executor', ()),
    ]

DEMO_PASSWORD = 'demo1234'
