# CATS veb səhifələri: Azərbaycan dili.

app-name = CATS
app-tagline = Mərkəzi Asiya və Qafqaz üçün gömrük tranziti
skip-to-content = Məzmuna keç

lang-en = English
lang-ru = Русский
lang-az = Azərbaycanca
lang-ka = ქართული
lang-kk = Қазақша
language = Dil
language-submit = Dili dəyiş

signed-in-as = Daxil olan: { $user }
sign-out = Çıxış
role-trader = Xarici iqtisadi fəaliyyət iştirakçısı
role-insurer = Sığortaçı
role-officer = Gömrük orqanının vəzifəli şəxsi
role-admin = Administrator
role-risk-analyst = risk analitiki
company = Təşkilat
offices-of = Gömrük orqanları: { $country }

sign-in-title = Daxil ol
sign-in-intro = Administratorun verdiyi istifadəçi adı və parolla daxil olun.
sign-in-username = İstifadəçi adı
sign-in-password = Parol
sign-in-submit = Daxil ol
sign-in-wrong = İstifadəçi adı və ya parol səhvdir.
sign-in-locked = Həddən çox uğursuz cəhd: hesab { $until } tarixinədək bloklanıb.
sign-in-disabled = Hesab deaktiv edilib. Administratora müraciət edin.
sign-in-demo-hint = Demo qovşaq: demo istifadəçilərin parolları məlumat qovluğundakı demo-passwords.txt faylındadır.

nav-main = Əsas menyu
nav-home = Əsas səhifə
nav-password = Parolu dəyiş
home-title = Əsas səhifə
home-welcome = Xoş gəlmisiniz, { $user }.
home-trader = Tranzit bəyannamələrini təqdim edin, daşımalarınızı və təminatlarınızı izləyin.
home-insurer = Sığorta müqavilələrini təqdim edin, verdiyiniz təminatları və onlar üzrə tələbləri izləyin.
home-officer = Bəyannamələr üzrə qərar verin, gömrük nəzarətini qeydə alın və gömrük orqanlarınızdakı daşımaları izləyin.
home-admin = İstifadəçilər, gömrük orqanları, soraq məlumatları və valyuta məzənnələri.
home-api = Proqramlar eyni işi API vasitəsilə görə bilər: { $link }.

password-title = Parolun dəyişdirilməsi
password-current = Cari parol
password-new = Yeni parol
password-repeat = Yeni parol təkrar
password-hint = Ən azı { $min } simvol, istifadəçi adınızla eyni olmamalıdır.
password-submit = Parolu dəyiş
password-changed = Parolunuz dəyişdirildi. Digər seanslarınız başa çatdı.
password-mismatch = İki yeni parol fərqlidir.
password-too-short = Parol ən azı { $min } simvoldan ibarət olmalıdır.
password-is-username = Parol istifadəçi adı ilə eyni olmamalıdır.
password-wrong = Cari parol səhvdir.

error-title = Xəta baş verdi
error-csrf = Formanın müddəti bitib və ya o CATS-dan göndərilməyib. Səhifəni yeniləyin və yenidən cəhd edin.
error-not-found = Belə səhifə yoxdur.
error-back = Əsas səhifəyə qayıt
