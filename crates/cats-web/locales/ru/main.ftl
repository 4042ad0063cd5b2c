# Веб-страницы CATS: русский. Термины по Таможенному кодексу ЕАЭС.

app-name = CATS
app-tagline = Таможенный транзит Центральной Азии и Кавказа
skip-to-content = Перейти к содержанию

lang-en = English
lang-ru = Русский
lang-az = Azərbaycanca
lang-ka = ქართული
lang-kk = Қазақша
language = Язык
language-submit = Сменить язык

signed-in-as = Вы вошли как { $user }
sign-out = Выйти
role-trader = Участник ВЭД
role-insurer = Страховщик
role-officer = Должностное лицо таможенного органа
role-admin = Администратор
role-risk-analyst = аналитик рисков
company = Организация
offices-of = Таможенные органы: { $country }

sign-in-title = Вход
sign-in-intro = Войдите с именем пользователя и паролем, выданными администратором.
sign-in-username = Имя пользователя
sign-in-password = Пароль
sign-in-submit = Войти
sign-in-wrong = Неверное имя пользователя или пароль.
sign-in-locked = Слишком много неудачных попыток: учётная запись заблокирована до { $until }.
sign-in-disabled = Учётная запись отключена. Обратитесь к администратору.
sign-in-demo-hint = Демонстрационный узел: пароли демо-пользователей — в файле demo-passwords.txt в каталоге данных.

nav-main = Главное меню
nav-home = Главная
nav-password = Сменить пароль
home-title = Главная
home-welcome = Здравствуйте, { $user }.
home-trader = Подача транзитных деклараций, отслеживание перевозок и обеспечения.
home-insurer = Подача договоров страхования, отслеживание выданного обеспечения и требований по нему.
home-officer = Решения по декларациям, таможенный контроль и перевозки в ваших таможенных органах.
home-admin = Пользователи, таможенные органы, справочники и курсы валют.
home-api = То же доступно программам через API: { $link }.

password-title = Смена пароля
password-current = Текущий пароль
password-new = Новый пароль
password-repeat = Новый пароль ещё раз
password-hint = Не менее { $min } символов и не совпадает с именем пользователя.
password-submit = Сменить пароль
password-changed = Пароль изменён. Остальные сеансы завершены.
password-mismatch = Новые пароли не совпадают.
password-too-short = Пароль должен содержать не менее { $min } символов.
password-is-username = Пароль не должен совпадать с именем пользователя.
password-wrong = Текущий пароль неверен.

error-title = Произошла ошибка
error-csrf = Срок действия формы истёк, или она отправлена не из CATS. Обновите страницу и повторите.
error-not-found = Такой страницы нет.
error-back = На главную
