"""Form fields as real sites word them, with the token each should get (None: never filled).

Written by hand as checkout, sign-up, address-book and contact forms look in each language
(labels, placeholders, name/id attributes as shops and CMSs name them, input types, some
autocomplete attributes, selects). Kept apart from the synonym tables on purpose: these are
the questions, the tables are the answers' vocabulary.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from typing import Any


@dataclass(frozen=True)
class Case:
    """One field of a form: its language, form kind, description and the expected token."""

    lang: str
    form: str
    desc: dict[str, Any]
    want: str | None
    extra: dict[str, Any] = field(default_factory=dict)


def _form(lang: str, form: str, rows: list[tuple[Any, ...]]) -> list[Case]:
    out = []
    for row in rows:
        label, want = row[0], row[1]
        attrs = dict(row[2]) if len(row) > 2 else {}
        attrs["label"] = label
        out.append(Case(lang, form, attrs, want))
    return out


CASES: list[Case] = []

# --- English: a US checkout, a UK sign-up, a contact form --------------------------------------
CASES += _form("en", "checkout", [
    ("Contact", "email", {"type": "email", "name": "checkout[email]", "placeholder": "Email or mobile phone number"}),
    ("Email me with news and offers", None, {"type": "checkbox", "name": "checkout[buyer_accepts_marketing]"}),
    ("First name (optional)", "given-name", {"name": "checkout[shipping_address][first_name]", "autocomplete": "shipping given-name"}),
    ("Last name", "family-name", {"name": "checkout[shipping_address][last_name]"}),
    ("Company (optional)", "organization", {"name": "checkout[shipping_address][company]"}),
    ("Address", "address-line1", {"name": "checkout[shipping_address][address1]", "placeholder": "Street address"}),
    ("Apartment, suite, etc. (optional)", "address-line2", {"name": "checkout[shipping_address][address2]"}),
    ("City", "address-level2", {"name": "checkout[shipping_address][city]"}),
    ("State", "address-level1", {"tag": "select", "name": "checkout[shipping_address][province]"}),
    ("ZIP code", "postal-code", {"name": "checkout[shipping_address][zip]", "maxlength": 10}),
    ("Phone", "tel", {"type": "tel", "name": "checkout[shipping_address][phone]"}),
    ("Save this information for next time", None, {"type": "checkbox", "name": "checkout[remember_me]"}),
    ("Card number", None, {"name": "number", "autocomplete": "cc-number"}),
    ("Name on card", None, {"name": "name"}),
    ("Expiration date (MM / YY)", None, {"name": "expiry"}),
    ("Security code", None, {"name": "verification_value", "maxlength": 4}),
    ("Use shipping address as billing address", None, {"type": "radio", "name": "checkout[different_billing_address]"}),
    ("Discount code or gift card", None, {"name": "checkout[reduction_code]"}),
    ("Area code", "tel-area-code", {"maxlength": 3, "name": "phone_area"}),
    ("Promo Code", None, {"name": "promo"}),
])
CASES += _form("en", "registration", [
    ("Title", "honorific-prefix", {"tag": "select", "options": ["Mr", "Mrs", "Ms", "Miss", "Dr"]}),
    ("Your first name", "given-name", {"name": "fname"}),
    ("Middle name(s)", "additional-name", {"name": "middlename"}),
    ("Surname*", "family-name", {"name": "lname"}),
    ("Date of birth", "bday", {"type": "date", "name": "dob"}),
    ("Day", "bday-day", {"tag": "select", "options": [str(i) for i in range(1, 32)], "neighbours": ["Month", "Year"]}),
    ("Month", "bday-month", {"tag": "select", "options": ["January", "February", "March", "April", "May", "June", "July", "August", "September", "October", "November", "December"]}),
    ("Year", "bday-year", {"tag": "select", "options": [str(y) for y in range(2010, 1930, -1)]}),
    ("Gender", "sex", {"tag": "select", "options": ["Female", "Male", "Non-binary", "Prefer not to say"]}),
    ("Email address", "email", {"type": "email", "id": "reg-email"}),
    ("Confirm email address", "email", {"type": "email", "id": "reg-email-confirm"}),
    ("Password", None, {"type": "password"}),
    ("Choose a username", "username", {"name": "user_login"}),
    ("Mobile number", "tel", {"type": "tel"}),
    ("Postcode", "postal-code", {"placeholder": "e.g. SW1A 1AA"}),
    ("Find address", None, {"type": "button"}),
    ("House name or number", "house-number", {"maxlength": 6}),
    ("Town/City", "address-level2", {"name": "town"}),
    ("County (optional)", "address-level1", {"name": "county"}),
    ("Country/Region", "country-name", {"tag": "select", "options": ["United Kingdom", "Ireland", "France", "Germany", "Spain"]}),
    ("I'd like to receive emails about products and offers", None, {"type": "checkbox"}),
    ("I agree to the Terms & Conditions", None, {"type": "checkbox"}),
    ("Please mail me catalogs", None, {"type": "checkbox", "name": "catalog_optin"}),
    ("Type the characters you see", None, {"name": "captcha_response"}),
])
CASES += _form("en", "contact", [
    ("Full Name", "name", {"name": "your-name"}),
    ("Job title", "organization-title", {"name": "job_title"}),
    ("Organization", "organization", {"name": "org"}),
    ("Work phone", "tel", {"type": "tel", "name": "phone"}),
    ("Ext.", "tel-extension", {"maxlength": 6, "name": "phone_ext"}),
    ("Website", "url", {"type": "url"}),
    ("Preferred language", "language", {"tag": "select", "options": ["English", "Español", "Français"]}),
    ("Nickname", "nickname", {"name": "nick"}),
    ("Suffix", "honorific-suffix", {"placeholder": "Jr., Sr., III"}),
    ("Your message", None, {"tag": "textarea", "name": "your-message"}),
    ("Enter ZIP Code", None, {"type": "search", "section": "Find a store near you"}),
    ("Search", None, {"role": "search", "name": "q"}),
    ("Enter your ZIP code to find a store", None, {"name": "store_zip"}),
    ("", "address-line3", {"name": "address_line_3", "placeholder": "Address line 3"}),
    ("", "tel-country-code", {"autocomplete": "tel-country-code", "name": "cc"}),
    ("", "tel-national", {"autocomplete": "tel-national"}),
    ("", "tel-local", {"autocomplete": "billing tel-local"}),
    ("Country code", "tel-country-code", {"neighbours": ["Phone number"], "maxlength": 4}),
    ("Country", "country", {"tag": "select", "options": ["US", "CA", "GB", "DE", "FR"]}),
    ("Neighborhood", "address-level3", {}),
    ("Billing address is the same as shipping address", None, {"type": "checkbox"}),
    ("My billing address is the same as my shipping address", None, {}),
    ("CVV", None, {"maxlength": 4}),
    ("Gift card PIN", None, {}),
])

# --- German: Onlineshop-Kasse und Kundenkonto -------------------------------------------------
CASES += _form("de", "checkout", [
    ("Anrede", "honorific-prefix", {"tag": "select", "options": ["Frau", "Herr", "Divers"]}),
    ("Vorname*", "given-name", {"name": "billing_first_name"}),
    ("Nachname*", "family-name", {"name": "billing_last_name"}),
    ("Firmenname (optional)", "organization", {}),
    ("Straße und Hausnummer", "address-line1", {"name": "billing_address_1"}),
    ("Hausnr.", "house-number", {"maxlength": 5, "name": "street_number"}),
    ("Adresszusatz", "address-line2", {"placeholder": "Wohnung, Etage, c/o …"}),
    ("PLZ", "postal-code", {"maxlength": 5, "name": "billing_postcode"}),
    ("Ort / Stadt", "address-level2", {"name": "billing_city"}),
    ("Bundesland (optional)", "address-level1", {}),
    ("Land / Region", "country-name", {"tag": "select", "options": ["Deutschland", "Österreich", "Schweiz"]}),
    ("Telefon (optional)", "tel", {"type": "tel"}),
    ("E-Mail-Adresse", "email", {"type": "email"}),
    ("Geburtsdatum", "bday", {"placeholder": "TT.MM.JJJJ"}),
    ("Lieferadresse", "street-address", {"tag": "textarea"}),
    ("Vorwahl", "tel-area-code", {"maxlength": 5}),
    ("Gutscheincode", None, {"name": "coupon_code"}),
    ("Ich habe die AGB gelesen und akzeptiere sie", None, {"type": "checkbox"}),
    ("Lieferadresse identisch mit Rechnungsadresse", None, {"type": "checkbox"}),
    ("Newsletter abonnieren", None, {"type": "checkbox"}),
    ("Passwort erstellen", None, {"type": "password"}),
    ("Prüfnummer (CVC)", None, {}),
    ("Filiale finden: PLZ oder Ort", None, {}),
])

# --- French: tunnel de commande et création de compte ------------------------------------------
CASES += _form("fr", "checkout", [
    ("Civilité", "honorific-prefix", {"tag": "select", "options": ["M.", "Mme"]}),
    ("Prénom *", "given-name", {"name": "firstname"}),
    ("Nom *", "family-name", {"name": "lastname", "neighbours": ["Prénom"]}),
    ("Société", "organization", {"name": "company"}),
    ("Adresse", "address-line1", {"name": "address1", "placeholder": "N° et nom de rue"}),
    ("Complément d'adresse (facultatif)", "address-line2", {"name": "address2"}),
    ("Code postal", "postal-code", {"maxlength": 5}),
    ("Ville", "address-level2", {"name": "city"}),
    ("Pays", "country-name", {"tag": "select", "options": ["France", "Belgique", "Suisse", "Canada"]}),
    ("Téléphone mobile", "tel", {"type": "tel"}),
    ("Adresse e-mail", "email", {"type": "email"}),
    ("Date de naissance", "bday", {"placeholder": "JJ/MM/AAAA"}),
    ("Numéro de voie", "house-number", {"maxlength": 6}),
    ("Indicatif", "tel-area-code", {"neighbours": ["Téléphone"], "maxlength": 4}),
    ("Mot de passe", None, {"type": "password"}),
    ("Code promo", None, {}),
    ("J'accepte les conditions générales de vente", None, {"type": "checkbox"}),
    ("Recevoir nos offres par e-mail", None, {"type": "checkbox"}),
    ("Cryptogramme visuel", None, {"maxlength": 3}),
    ("Adresse de facturation identique à l'adresse de livraison", None, {}),
])

# --- Spanish ------------------------------------------------------------------------------------
CASES += _form("es", "checkout", [
    ("Nombre", "given-name", {"name": "billing_first_name", "neighbours": ["Apellidos"]}),
    ("Apellidos", "family-name", {"name": "billing_last_name"}),
    ("Nombre de la empresa (opcional)", "organization", {}),
    ("Dirección de la calle", "address-line1", {"name": "billing_address_1", "placeholder": "Nombre de la calle y número de la casa"}),
    ("Piso, puerta, etc. (opcional)", "address-line2", {}),
    ("Código postal", "postal-code", {"maxlength": 5}),
    ("Localidad / Ciudad", "address-level2", {}),
    ("Provincia", "address-level1", {"tag": "select", "options": ["Madrid", "Barcelona", "Valencia", "Sevilla"]}),
    ("País / Región", "country-name", {}),
    ("Teléfono", "tel", {"type": "tel"}),
    ("Correo electrónico", "email", {"type": "email"}),
    ("Fecha de nacimiento", "bday", {"type": "date"}),
    ("Sexo", "sex", {"tag": "select", "options": ["Mujer", "Hombre"]}),
    ("Número", "house-number", {"maxlength": 6}),
    ("Contraseña", None, {"type": "password"}),
    ("¿Tienes un cupón?", None, {"name": "coupon"}),
    ("He leído y acepto los términos y condiciones", None, {"type": "checkbox"}),
    ("Código de seguridad", None, {}),
    ("Buscar tienda por código postal", None, {}),
])

# --- Italian ------------------------------------------------------------------------------------
CASES += _form("it", "checkout", [
    ("Nome", "given-name", {"name": "nome", "neighbours": ["Cognome"]}),
    ("Cognome", "family-name", {"name": "cognome"}),
    ("Ragione sociale (facoltativo)", "organization", {}),
    ("Indirizzo", "street-address", {"placeholder": "Via e numero civico"}),
    ("Numero civico", "house-number", {"maxlength": 6}),
    ("Scala, piano, interno", "address-line2", {}),
    ("CAP", "postal-code", {"maxlength": 5}),
    ("Città", "address-level2", {}),
    ("Provincia", "address-level1", {"tag": "select", "options": ["MI", "RM", "TO", "NA"]}),
    ("Paese", "country-name", {}),
    ("Cellulare", "tel", {"type": "tel"}),
    ("Indirizzo e-mail", "email", {"type": "email"}),
    ("Data di nascita", "bday", {"placeholder": "gg/mm/aaaa"}),
    ("Sesso", "sex", {}),
    ("Password", None, {"type": "password"}),
    ("Codice sconto", None, {}),
    ("Accetto i termini e le condizioni", None, {"type": "checkbox"}),
    ("Iscriviti alla newsletter", None, {"type": "checkbox"}),
    ("Codice di sicurezza (CVV)", None, {}),
])

# --- Portuguese (Brazil and Portugal) -----------------------------------------------------------
CASES += _form("pt", "checkout", [
    ("Nome completo", "name", {}),
    ("Primeiro nome", "given-name", {}),
    ("Sobrenome", "family-name", {}),
    ("CEP", "postal-code", {"maxlength": 9, "placeholder": "00000-000"}),
    ("Endereço", "street-address", {}),
    ("Número", "house-number", {"maxlength": 6}),
    ("Complemento (opcional)", "address-line2", {"placeholder": "Apto, bloco"}),
    ("Bairro", "address-level3", {}),
    ("Cidade", "address-level2", {}),
    ("Estado", "address-level1", {"tag": "select", "options": ["SP", "RJ", "MG", "BA", "RS"]}),
    ("Celular com DDD", "tel", {"type": "tel"}),
    ("E-mail", "email", {"type": "email"}),
    ("Data de nascimento", "bday", {}),
    ("Código postal", "postal-code", {"placeholder": "0000-000"}),
    ("Telemóvel", "tel", {}),
    ("Senha", None, {"type": "password"}),
    ("Cupom de desconto", None, {}),
    ("Li e aceito os termos de uso", None, {"type": "checkbox"}),
    ("Código de segurança do cartão", None, {}),
])

# --- Dutch --------------------------------------------------------------------------------------
CASES += _form("nl", "checkout", [
    ("Aanhef", "honorific-prefix", {"tag": "select", "options": ["Dhr.", "Mevr."]}),
    ("Voornaam", "given-name", {}),
    ("Tussenvoegsel", None, {"maxlength": 10}),  # a surname particle ("van der")
    ("Achternaam", "family-name", {}),
    ("Postcode", "postal-code", {"maxlength": 7, "placeholder": "1234 AB"}),
    ("Huisnummer", "house-number", {"maxlength": 6}),
    ("Toevoeging", "address-line2", {"maxlength": 6}),
    ("Straatnaam", "address-line1", {}),
    ("Woonplaats", "address-level2", {}),
    ("Land", "country-name", {"tag": "select", "options": ["Nederland", "België", "Duitsland"]}),
    ("Telefoonnummer", "tel", {"type": "tel"}),
    ("E-mailadres", "email", {"type": "email"}),
    ("Geboortedatum", "bday", {"placeholder": "dd-mm-jjjj"}),
    ("Bedrijfsnaam (optioneel)", "organization", {}),
    ("Wachtwoord", None, {"type": "password"}),
    ("Kortingscode of cadeaukaart", None, {}),
    ("Ik ga akkoord met de algemene voorwaarden", None, {"type": "checkbox"}),
    ("Factuuradres is hetzelfde als bezorgadres", None, {"type": "checkbox"}),
])

# --- Polish -------------------------------------------------------------------------------------
CASES += _form("pl", "checkout", [
    ("Imię", "given-name", {}),
    ("Nazwisko", "family-name", {}),
    ("Nazwa firmy (opcjonalnie)", "organization", {}),
    ("Ulica", "address-line1", {}),
    ("Nr domu", "house-number", {"maxlength": 6}),
    ("Nr lokalu", "address-line2", {"maxlength": 6}),
    ("Kod pocztowy", "postal-code", {"placeholder": "00-000"}),
    ("Miejscowość", "address-level2", {}),
    ("Województwo", "address-level1", {}),
    ("Kraj", "country-name", {}),
    ("Numer telefonu", "tel", {"type": "tel"}),
    ("Adres e-mail", "email", {"type": "email"}),
    ("Data urodzenia", "bday", {}),
    ("Płeć", "sex", {}),
    ("Hasło", None, {"type": "password"}),
    ("Kod rabatowy", None, {}),
    ("Akceptuję regulamin sklepu", None, {"type": "checkbox"}),
    ("Zapisz się do newslettera", None, {"type": "checkbox"}),
])

# --- Turkish ------------------------------------------------------------------------------------
CASES += _form("tr", "checkout", [
    ("Adınız", "given-name", {}),
    ("Soyadınız", "family-name", {}),
    ("Ad Soyad", "name", {}),
    ("Cep Telefonu", "tel", {"type": "tel", "placeholder": "05XX XXX XX XX"}),
    ("E-posta adresiniz", "email", {"type": "email"}),
    ("İl", "address-level1", {"tag": "select", "options": ["İstanbul", "Ankara", "İzmir"]}),
    ("Mahalle", "address-level3", {}),
    ("Açık adres", "street-address", {"tag": "textarea"}),
    ("Posta kodu", "postal-code", {"maxlength": 5}),
    ("Ülke", "country-name", {}),
    ("Doğum tarihi", "bday", {}),
    ("Cinsiyet", "sex", {}),
    ("Şirket adı (isteğe bağlı)", "organization", {}),
    ("Şifre", None, {"type": "password"}),
    ("İndirim kodu", None, {}),
    ("Üyelik sözleşmesini okudum, kabul ediyorum", None, {"type": "checkbox"}),
    ("Kart numarası", None, {}),
])

# --- Russian ------------------------------------------------------------------------------------
CASES += _form("ru", "checkout", [
    ("Имя", "given-name", {"name": "first_name"}),
    ("Фамилия", "family-name", {"name": "last_name"}),
    ("Отчество", "additional-name", {}),
    ("ФИО получателя", "name", {}),
    ("Телефон", "tel", {"type": "tel", "placeholder": "+7 (___) ___-__-__"}),
    ("Электронная почта", "email", {"type": "email"}),
    ("Город", "address-level2", {}),
    ("Улица", "address-line1", {}),
    ("Дом", "house-number", {"maxlength": 6}),
    ("Квартира / офис", "address-line2", {"maxlength": 6}),
    ("Индекс", "postal-code", {"maxlength": 6}),
    ("Область / регион", "address-level1", {}),
    ("Адрес доставки", "street-address", {}),
    ("Дата рождения", "bday", {}),
    ("Пол", "sex", {"tag": "select", "options": ["Мужской", "Женский"]}),
    ("Название компании", "organization", {}),
    ("Пароль", None, {"type": "password"}),
    ("Промокод", None, {}),
    ("Я согласен с условиями обработки персональных данных", None, {"type": "checkbox"}),
    ("Подписаться на рассылку", None, {"type": "checkbox"}),
    ("Номер карты", None, {}),
])

# --- Ukrainian ----------------------------------------------------------------------------------
CASES += _form("uk", "checkout", [
    ("Ім'я", "given-name", {}),
    ("Прізвище", "family-name", {}),
    ("По батькові", "additional-name", {}),
    ("Номер телефону", "tel", {"type": "tel"}),
    ("Електронна пошта", "email", {"type": "email"}),
    ("Місто", "address-level2", {}),
    ("Вулиця", "address-line1", {}),
    ("Будинок", "house-number", {"maxlength": 6}),
    ("Квартира", "address-line2", {"maxlength": 6}),
    ("Поштовий індекс", "postal-code", {}),
    ("Область", "address-level1", {}),
    ("Країна", "country-name", {}),
    ("Дата народження", "bday", {}),
    ("Стать", "sex", {}),
    ("Пароль", None, {"type": "password"}),
    ("Промокод", None, {}),
    ("Погоджуюсь з умовами", None, {"type": "checkbox"}),
])

# --- Japanese -----------------------------------------------------------------------------------
CASES += _form("ja", "checkout", [
    ("お名前（姓）", "family-name", {"name": "last_name"}),
    ("お名前（名）", "given-name", {"name": "first_name"}),
    ("氏名", "name", {}),
    ("郵便番号", "postal-code", {"placeholder": "123-4567", "maxlength": 8}),
    ("都道府県", "address-level1", {"tag": "select", "options": ["東京都", "大阪府", "北海道"]}),
    ("市区町村", "address-level2", {}),
    ("番地", "address-line1", {}),
    ("建物名・部屋番号", "address-line2", {}),
    ("電話番号（必須）", "tel", {"type": "tel"}),
    ("メールアドレス", "email", {"type": "email"}),
    ("生年月日", "bday", {}),
    ("性別", "sex", {}),
    ("会社名", "organization", {}),
    ("パスワード", None, {"type": "password"}),
    ("クーポンコード", None, {}),
    ("利用規約に同意する", None, {"type": "checkbox"}),
    ("セキュリティコード", None, {}),
    ("ご注文者と同じ住所に送る", None, {"type": "checkbox"}),
])

# --- Chinese (Simplified) -----------------------------------------------------------------------
CASES += _form("zh-Hans", "checkout", [
    ("收货人", "name", {}),
    ("手机号码", "tel", {"type": "tel"}),
    ("所在地区", "address-level1", {"placeholder": "省/市/区"}),
    ("详细地址", "street-address", {"placeholder": "街道、门牌号等"}),
    ("邮政编码", "postal-code", {"maxlength": 6}),
    ("电子邮箱", "email", {"type": "email"}),
    ("姓名", "name", {}),
    ("性别", "sex", {}),
    ("出生日期", "bday", {}),
    ("公司名称", "organization", {}),
    ("职位", "organization-title", {}),
    ("城市", "address-level2", {}),
    ("密码", None, {"type": "password"}),
    ("优惠码", None, {}),
    ("我已阅读并同意用户协议", None, {"type": "checkbox"}),
    ("图形验证码", None, {}),
    ("搜索", None, {"type": "search"}),
])

# --- Chinese (Traditional) ----------------------------------------------------------------------
CASES += _form("zh-Hant", "checkout", [
    ("收件人姓名", "name", {}),
    ("手機號碼", "tel", {"type": "tel"}),
    ("縣市", "address-level1", {"tag": "select", "options": ["台北市", "新北市", "台中市"]}),
    ("鄉鎮市區", "address-level2", {}),
    ("郵遞區號", "postal-code", {"maxlength": 5}),
    ("詳細地址", "street-address", {}),
    ("電子郵件", "email", {"type": "email"}),
    ("出生日期", "bday", {}),
    ("性別", "sex", {}),
    ("公司名稱", "organization", {}),
    ("職稱", "organization-title", {}),
    ("密碼", None, {"type": "password"}),
    ("優惠碼", None, {}),
    ("我同意服務條款", None, {"type": "checkbox"}),
    ("同收件人資料", None, {"type": "checkbox"}),
])

# --- Korean -------------------------------------------------------------------------------------
CASES += _form("ko", "checkout", [
    ("받는 분", "name", {}),
    ("이름", "name", {}),
    ("휴대폰 번호", "tel", {"type": "tel", "placeholder": "010-0000-0000"}),
    ("이메일 주소", "email", {"type": "email"}),
    ("우편번호", "postal-code", {"maxlength": 5}),
    ("기본 주소", "address-line1", {}),
    ("상세 주소", "address-line2", {"placeholder": "동, 호수 입력"}),
    ("생년월일", "bday", {"placeholder": "YYYYMMDD"}),
    ("성별", "sex", {}),
    ("회사명", "organization", {}),
    ("비밀번호", None, {"type": "password"}),
    ("쿠폰 번호", None, {}),
    ("약관에 동의합니다", None, {"type": "checkbox"}),
    ("주문자 정보와 동일", None, {"type": "checkbox"}),
    ("매장 검색", None, {}),
])

# --- Hindi --------------------------------------------------------------------------------------
CASES += _form("hi", "checkout", [
    ("पूरा नाम", "name", {}),
    ("पहला नाम", "given-name", {}),
    ("अंतिम नाम", "family-name", {}),
    ("मोबाइल नंबर", "tel", {"type": "tel", "placeholder": "10 अंकों का मोबाइल नंबर"}),
    ("ईमेल पता", "email", {"type": "email"}),
    ("पिनकोड", "postal-code", {"maxlength": 6}),
    ("मकान नंबर", "house-number", {"maxlength": 8}),
    ("शहर", "address-level2", {}),
    ("राज्य", "address-level1", {}),
    ("पता", "street-address", {}),
    ("जन्म तिथि", "bday", {}),
    ("लिंग", "sex", {}),
    ("पासवर्ड", None, {"type": "password"}),
    ("कूपन कोड", None, {}),
    ("मैं नियम और शर्तों से सहमत हूँ", None, {"type": "checkbox"}),
])

# --- Indonesian ---------------------------------------------------------------------------------
CASES += _form("id", "checkout", [
    ("Nama Lengkap", "name", {}),
    ("Nama Depan", "given-name", {}),
    ("Nama Belakang", "family-name", {}),
    ("Nomor HP", "tel", {"type": "tel", "placeholder": "08xxxxxxxxxx"}),
    ("Alamat Email", "email", {"type": "email"}),
    ("Alamat Lengkap", "street-address", {"tag": "textarea"}),
    ("Kota/Kabupaten", "address-level2", {}),
    ("Kecamatan", "address-level3", {}),
    ("Provinsi", "address-level1", {}),
    ("Kode Pos", "postal-code", {"maxlength": 5}),
    ("Tanggal Lahir", "bday", {}),
    ("Jenis Kelamin", "sex", {}),
    ("Kata Sandi", None, {"type": "password"}),
    ("Kode Voucher", None, {}),
    ("Saya setuju dengan Syarat & Ketentuan", None, {"type": "checkbox"}),
    ("Alamat penagihan sama dengan alamat pengiriman", None, {}),
])

# --- Arabic -------------------------------------------------------------------------------------
CASES += _form("ar", "checkout", [
    ("الاسم الأول", "given-name", {}),
    ("اسم العائلة", "family-name", {}),
    ("الاسم الكامل", "name", {}),
    ("رقم الجوال", "tel", {"type": "tel"}),
    ("البريد الإلكتروني", "email", {"type": "email"}),
    ("المدينة", "address-level2", {}),
    ("الحي", "address-level3", {}),
    ("اسم الشارع", "address-line1", {}),
    ("رقم المبنى", "house-number", {"maxlength": 6}),
    ("الرمز البريدي", "postal-code", {"maxlength": 5}),
    ("الدولة", "country-name", {}),
    ("تاريخ الميلاد", "bday", {}),
    ("الجنس", "sex", {}),
    ("كلمة المرور", None, {"type": "password"}),
    ("كود الخصم", None, {}),
    ("أوافق على الشروط والأحكام", None, {"type": "checkbox"}),
])

# --- Written after the tables were tuned on CASES (first run 0.916, see bench_form_fields.py) --
HOLDOUT: list[Case] = []
HOLDOUT += _form("en", "booking", [
    ("Lead guest first name", "given-name", {}), ("Lead guest surname", "family-name", {}),
    ("Cell #", "tel", {"type": "tel"}), ("Street Address 2", "address-line2", {}),
    ("Zip/Postal Code", "postal-code", {}), ("State/Province/Region", "address-level1", {}),
    ("Company / Organisation", "organization", {}), ("Your position", "organization-title", {}),
    ("Birthdate", "bday", {"type": "date"}), ("Personal website or portfolio", "url", {}),
    ("Sign up for our newsletter", None, {}), ("Have a voucher?", None, {}),
    ("Search our site", None, {}), ("Card verification number", None, {}),
    ("Enter the code shown", None, {"name": "captcha_code"}), ("Repeat password", None, {"type": "password"}),
])
HOLDOUT += _form("de", "konto", [
    ("Ihr Vorname", "given-name", {}), ("Ihr Nachname", "family-name", {}), ("Straße", "address-line1", {}),
    ("Wohnort", "address-level2", {}), ("Mobilfunknummer", "tel", {}), ("Ihre E-Mail", "email", {}),
    ("Geburtsjahr", "bday-year", {}), ("Rabattcode eingeben", None, {}), ("Kennwort", None, {}),
])
HOLDOUT += _form("fr", "compte", [
    ("Votre prénom", "given-name", {}), ("Votre nom de famille", "family-name", {}),
    ("N° de téléphone", "tel", {}), ("Localité", "address-level2", {}), ("Votre courriel", "email", {}),
    ("Bâtiment, étage, digicode", "address-line2", {}), ("Saisissez votre code promo", None, {}),
])
HOLDOUT += _form("es", "cuenta", [
    ("Tu nombre", "given-name", {"neighbours": ["Tus apellidos"]}), ("Móvil", "tel", {}),
    ("Municipio", "address-level2", {}), ("Tu correo", "email", {}), ("Introduce tu cupón", None, {}),
])
HOLDOUT += _form("it", "account", [
    ("Il tuo nome", "given-name", {"neighbours": ["Il tuo cognome"]}), ("Numero di cellulare", "tel", {}),
    ("Località", "address-level2", {}), ("La tua email", "email", {}), ("Inserisci il codice sconto", None, {}),
])
HOLDOUT += _form("pt", "conta", [
    ("Seu nome completo", "name", {}), ("Número de celular", "tel", {}), ("Município", "address-level2", {}),
    ("Seu e-mail", "email", {}), ("Cupom", None, {}),
])
HOLDOUT += _form("nl", "account", [
    ("Jouw voornaam", "given-name", {}), ("Mobiel nummer", "tel", {}), ("Plaatsnaam", "address-level2", {}),
    ("Jouw e-mailadres", "email", {}), ("Kortingscode invoeren", None, {}),
])
HOLDOUT += _form("pl", "konto", [
    ("Twoje imię", "given-name", {}), ("Telefon komórkowy", "tel", {}), ("Miasto", "address-level2", {}),
    ("Twój e-mail", "email", {}), ("Wpisz kod rabatowy", None, {}),
])
HOLDOUT += _form("tr", "hesap", [
    ("Adınız", "given-name", {}), ("Telefon numaranız", "tel", {}), ("Şehir", "address-level2", {}),
    ("E-posta", "email", {}), ("Kupon kodu", None, {}),
])
HOLDOUT += _form("ru", "аккаунт", [
    ("Ваше имя", "given-name", {"neighbours": ["Ваша фамилия"]}), ("Мобильный телефон", "tel", {}),
    ("Населённый пункт", "address-level2", {}), ("Ваш e-mail", "email", {}), ("Введите промокод", None, {}),
])
HOLDOUT += _form("uk", "акаунт", [
    ("Ваше ім'я", "given-name", {"neighbours": ["Ваше прізвище"]}), ("Мобільний телефон", "tel", {}),
    ("Населений пункт", "address-level2", {}), ("Ваш e-mail", "email", {}),
])
HOLDOUT += _form("ja", "会員登録", [
    ("お電話番号", "tel", {}), ("Eメールアドレス", "email", {}), ("ご住所", "street-address", {}),
    ("フリガナ（セイ）", None, {}), ("勤務先名", "organization", {}), ("クーポンを利用する", None, {}),
])
HOLDOUT += _form("zh-Hans", "注册", [
    ("联系电话", "tel", {}), ("电子邮件地址", "email", {}), ("收货地址", "street-address", {}),
    ("所在城市", "address-level2", {}), ("请输入优惠券", None, {}),
])
HOLDOUT += _form("zh-Hant", "註冊", [
    ("聯絡電話", "tel", {}), ("電子郵件地址", "email", {}), ("通訊地址", "street-address", {}),
    ("居住城市", "address-level2", {}), ("輸入優惠碼", None, {}),
])
HOLDOUT += _form("ko", "회원가입", [
    ("연락처", "tel", {}), ("이메일", "email", {}), ("배송지 주소", "street-address", {}),
    ("회사 이름", "organization", {}), ("쿠폰 코드 입력", None, {}),
])
HOLDOUT += _form("hi", "खाता", [
    ("आपका मोबाइल नंबर", "tel", {}), ("ईमेल आईडी", "email", {}), ("घर का पता", "street-address", {}),
    ("शहर का नाम", "address-level2", {}), ("प्रोमो कोड डालें", None, {}),
])
HOLDOUT += _form("id", "akun", [
    ("No. Telepon", "tel", {}), ("E-mail Anda", "email", {}), ("Alamat Rumah", "street-address", {}),
    ("Nama Kota", "address-level2", {}), ("Masukkan kode promo", None, {}),
])
HOLDOUT += _form("ar", "حساب", [
    ("رقم هاتفك", "tel", {}), ("بريدك الإلكتروني", "email", {}), ("عنوان المنزل", "street-address", {}),
    ("اسم المدينة", "address-level2", {}), ("أدخل كود الخصم", None, {}),
])
