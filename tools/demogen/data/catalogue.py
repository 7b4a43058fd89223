"""Reference catalogue of the demo: appeal sources, tags, support lines,
reason groups with their reasons and deadlines, closing result templates.

The reason catalogue follows seed 000 («АИС Город CRM»): «Основной раздел
вопросов» is a reason group, «Тема вопроса» is a reason; «Передача показаний»
and «ЕДС» are named there, the rest is the usual catalogue of a housing
contact centre.
"""

# --------------------------------------------------------------------------
# Appeal sources (code, name, schedulable, weight of incoming appeals)
SOURCES = [
    ('phone', "Телефон", False, 55),
    ('email', "Электронная почта", False, 14),
    ('portal', "Портал", False, 15),
    ('messenger', "Мессенджер", False, 8),
    ('visit', "Личный приём", False, 5),
    ('planned', "Плановое", True, 3),
    ]

# --------------------------------------------------------------------------
# Tags (code, name). Lines see the reasons that carry one of their tags.
TAGS = [
    ('billing', "Начисления и оплата"),
    ('readings', "Показания приборов учёта"),
    ('emergency', "Аварийные ситуации"),
    ('maintenance', "Содержание общего имущества"),
    ('passport', "Паспортный стол"),
    ('capital', "Капитальный ремонт"),
    ('waste', "Обращение с ТКО"),
    ('general', "Общие вопросы"),
    ]

# Support lines (number, name, tag codes). Both lines: appeal access «own
# line only», topic access «by tags».
LINES = [
    (1, "Расчётный центр",
        ['billing', 'readings', 'passport', 'capital', 'general']),
    (2, "Аварийно-диспетчерская служба",
        ['emergency', 'maintenance', 'waste', 'general']),
    ]

# --------------------------------------------------------------------------
# Reason catalogue: groups (code, name, [reasons]).
# A reason is a dict: code, name, tags, hours (default deadline),
# deadlines {source code: hours}, readings (readings topic), portal
# (available on the portal), weight (how often residents ask about it).
REASON_GROUPS = [
    ('billing', "Начисления и оплата", [
        dict(code='bill_question', name="Вопрос по начислениям в квитанции",
            tags=['billing'], hours=120, portal=True, weight=60),
        dict(code='bill_recalc_absence',
            name="Перерасчёт за период временного отсутствия",
            tags=['billing'], hours=240, portal=True, weight=18),
        dict(code='bill_recalc_quality',
            name="Перерасчёт за услугу ненадлежащего качества",
            tags=['billing'], hours=240, weight=12),
        dict(code='bill_payment_missing',
            name="Оплата не отразилась на лицевом счёте",
            tags=['billing'], hours=72, portal=True, weight=25),
        dict(code='bill_debt', name="Задолженность и пени",
            tags=['billing'], hours=120, weight=20),
        dict(code='bill_duplicate', name="Дубликат платёжного документа",
            tags=['billing'], hours=24, deadlines={'email': 48, 'portal': 48},
            portal=True, weight=15),
        dict(code='bill_benefits', name="Льготы и компенсации",
            tags=['billing'], hours=240, weight=8),
        ]),
    ('meters', "Приборы учёта", [
        dict(code='meter_readings', name="Передача показаний",
            tags=['readings'], hours=24, deadlines={'phone': 2, 'portal': 24},
            readings=True, portal=True, weight=90),
        dict(code='meter_wrong', name="Показания учтены неверно",
            tags=['readings', 'billing'], hours=72, portal=True, weight=20),
        dict(code='meter_verification', name="Поверка и замена ИПУ",
            tags=['readings'], hours=120, weight=14),
        dict(code='meter_sealing',
            name="Опломбировка и ввод ИПУ в эксплуатацию",
            tags=['readings'], hours=120, portal=True, weight=12),
        ]),
    ('emergency', "Аварийные ситуации (ЕДС)", [
        dict(code='eds', name="ЕДС",
            tags=['emergency'], hours=4, deadlines={'phone': 2}, weight=15),
        dict(code='leak', name="Протечка, затопление квартиры",
            tags=['emergency'], hours=2,
            deadlines={'email': 4, 'portal': 4, 'messenger': 4}, weight=22),
        dict(code='no_power', name="Отсутствие электроснабжения",
            tags=['emergency'], hours=4, weight=12),
        dict(code='no_water',
            name="Отсутствие холодного или горячего водоснабжения",
            tags=['emergency'], hours=4, weight=18),
        dict(code='sewer', name="Засор канализации",
            tags=['emergency'], hours=4, weight=12),
        dict(code='no_heating', name="Отсутствие или недостаточное отопление",
            tags=['emergency'], hours=24, weight=16),
        dict(code='elevator', name="Неисправность лифта",
            tags=['emergency', 'maintenance'], hours=24, weight=10),
        ]),
    ('common', "Содержание общего имущества", [
        dict(code='clean_entrance', name="Уборка подъезда",
            tags=['maintenance'], hours=72, portal=True, weight=14),
        dict(code='clean_yard', name="Уборка придомовой территории",
            tags=['maintenance'], hours=72, portal=True, weight=10),
        dict(code='snow', name="Уборка снега и наледи",
            tags=['maintenance'], hours=24, weight=8),
        dict(code='lighting', name="Освещение мест общего пользования",
            tags=['maintenance'], hours=72, portal=True, weight=10),
        dict(code='roof', name="Протечка кровли",
            tags=['maintenance'], hours=120, weight=6),
        dict(code='entrance_repair', name="Ремонт подъезда",
            tags=['maintenance'], hours=720, weight=5),
        dict(code='pests', name="Дезинсекция и дератизация",
            tags=['maintenance'], hours=168, weight=4),
        dict(code='intercom', name="Неисправность домофона",
            tags=['maintenance'], hours=72, portal=True, weight=8),
        ]),
    ('passport', "Паспортный стол", [
        dict(code='family_certificate', name="Справка о составе семьи",
            tags=['passport'], hours=72, portal=True, weight=12),
        dict(code='registration',
            name="Регистрация и снятие с регистрационного учёта",
            tags=['passport'], hours=120, weight=8),
        dict(code='account_statement',
            name="Выписка из финансового лицевого счёта",
            tags=['passport', 'billing'], hours=72, portal=True, weight=8),
        ]),
    ('capital', "Капитальный ремонт", [
        dict(code='capital_fees', name="Взносы на капитальный ремонт",
            tags=['capital', 'billing'], hours=120, weight=8),
        dict(code='capital_schedule', name="Сроки и виды работ по капремонту",
            tags=['capital'], hours=240, portal=True, weight=4),
        ]),
    ('waste', "Обращение с ТКО", [
        dict(code='waste_missed', name="Невывоз твёрдых коммунальных отходов",
            tags=['waste'], hours=24, portal=True, weight=10),
        dict(code='waste_bulky', name="Вывоз крупногабаритного мусора",
            tags=['waste'], hours=72, weight=5),
        dict(code='waste_charges', name="Начисления за обращение с ТКО",
            tags=['waste', 'billing'], hours=120, weight=6),
        ]),
    ('general', "Общие вопросы", [
        dict(code='consult', name="Консультация, справочная информация",
            tags=['general'], hours=24, weight=25),
        dict(code='complaint',
            name="Жалоба на работу управляющей организации",
            tags=['general'], hours=720, portal=True, weight=6),
        dict(code='gratitude', name="Благодарность",
            tags=['general'], hours=72, portal=True, weight=3),
        dict(code='owner_change',
            name="Смена собственника, переоформление лицевого счёта",
            tags=['general', 'billing'], hours=240, weight=6),
        dict(code='other', name="Прочие вопросы",
            tags=['general'], hours=72, portal=True, weight=8),
        ]),
    ]

# Closing result templates (name, text)
RESULTS = [
    ("Консультация предоставлена",
        "Заявителю предоставлена консультация по существу вопроса."),
    ("Показания приняты",
        "Показания индивидуальных приборов учёта приняты и переданы в расчёт."),
    ("Выполнен перерасчёт",
        "Выполнен перерасчёт, сумма будет отражена в следующем платёжном "
        "документе."),
    ("Работы выполнены",
        "Работы выполнены, неисправность устранена. Заявитель претензий не "
        "имеет."),
    ("Заявка передана в ЕДС",
        "Заявка передана в единую дежурно-диспетчерскую службу для "
        "выполнения."),
    ("Справка подготовлена",
        "Справка подготовлена, заявитель может получить её в паспортном "
        "столе или на портале."),
    ("Ответ направлен письменно",
        "Письменный ответ направлен заявителю на адрес электронной почты."),
    ("Проинформирован. Закрыто автоматически",
        "Проинформирован. Закрыто автоматически"),
    ]

# Extra fields of appeals (ADM-07): code, label, type, required, order,
# help, choices (one a line), reason codes.  None required: API clients
# and tests that know nothing of them create appeals of every reason.
EXTRA_FIELDS = [
    ('meter_number', "Номер счётчика", 'char', False, 10,
        "Заводской номер с корпуса прибора учёта", '', ['meter_readings']),
    ('meter_value', "Показание", 'numeric', False, 20,
        "Показание на дату передачи", '', ['meter_readings']),
    ('floor', "Этаж", 'integer', False, 10, "", '', ['leak']),
    ('flat_access', "Есть доступ в квартиру", 'boolean', False, 20, "", '',
        ['leak']),
    ('visit_time', "Время визита", 'selection', False, 30,
        "Когда удобно принять мастера",
        "morning:Утро\nday:День\nevening:Вечер", ['leak']),
    ('entrance', "Подъезд", 'integer', False, 5, "", '',
        ['leak', 'elevator', 'clean_entrance']),
    ('elevator_fault', "Что не работает", 'multiselection', False, 20,
        "Отметьте всё, о чём сообщил житель",
        "doors:Двери\nbuttons:Кнопки вызова\nlight:Освещение кабины\n"
        "stuck:Лифт стоит", ['elevator']),
    ('room_temperature', "Температура в квартире, °C", 'numeric', False, 10,
        "Замер термометром в жилой комнате", '', ['no_heating']),
    ('absence_from', "Отсутствовал с", 'date', False, 10, "", '',
        ['bill_recalc_absence']),
    ('absence_to', "Отсутствовал по", 'date', False, 20, "", '',
        ['bill_recalc_absence']),
    ('missed_at', "Когда не вывезли", 'datetime', False, 10,
        "Дата и время, когда контейнеры остались полными", '',
        ['waste_missed']),
    ('details', "Подробности для исполнителя", 'text', False, 90, "", '',
        ['elevator', 'no_heating']),
    ]
