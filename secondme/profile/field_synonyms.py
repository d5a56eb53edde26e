"""Words forms use for each WHATWG autocomplete token, per language (data only).

Sources, so that a reviewer can check every entry:
- English: the field descriptions of the WHATWG HTML Standard, section "Autofill" (4.10.18.7.1,
  the table of autofill field names: "Full name", "Given name (in some Western cultures, also
  known as the first name)", "Street address", "Postal code, post code, ZIP code, CEDEX code",
  "Telephone number", ...), plus the common short forms the spec's own examples use.
- Every other language: my own translations of those same English descriptions (the words
  the spec describes, translated as the language's postal and banking forms phrase them), with
  the usual inflected or compound forms of the language. None are copied from a test set.
Tables hold the *normalised* spelling (NFKC, case-folded); a phrase made of CJK, kana or
Hangul is matched as a substring, since those scripts do not separate words with spaces.
"house-number" is Second Me's own part (the number of ``address-line1``), not a WHATWG token.
"""

from __future__ import annotations

from secondme.profile.synonym_tables import Table
from secondme.profile.synonym_tables.latin import DE, EN, ES, FR, ID, IT, NL, PL, PT, TR
from secondme.profile.synonym_tables.other_scripts import AR, HI, JA, KO, RU, UK, ZH_HANS, ZH_HANT

# The recipient of a delivery on the person's own address form is the person ("N", the name field
# of Google's address data (libaddressinput), whose forms label it "Recipient"): translated.
_RECIPIENT: dict[str, tuple[str, ...]] = {
    "en": ("recipient", "recipient name", "recipient's name", "consignee", "addressee"),
    "de": ("empfänger", "name des empfängers", "empfängername"),
    "fr": ("destinataire", "nom du destinataire"),
    "es": ("destinatario", "nombre del destinatario"),
    "it": ("nome del destinatario",),
    "pt": ("destinatário", "nome do destinatário"),
    "nl": ("ontvanger", "naam ontvanger", "naam van de ontvanger"),
    "pl": ("odbiorca", "imię i nazwisko odbiorcy", "dane odbiorcy"),
    "tr": ("alıcı", "alıcı adı", "alıcı adı soyadı"),
    "ru": ("получатель", "фио получателя", "имя получателя"),
    "uk": ("одержувач", "отримувач", "піб отримувача", "піб одержувача"),
    "ja": ("受取人", "受取人氏名", "お届け先氏名", "お届け先名"),
    "zh-Hans": ("收件人", "收货人姓名", "收件人姓名"),
    "zh-Hant": ("收貨人", "收件人姓名", "收貨人姓名"),
    "ko": ("받는 사람", "받는사람", "수령인", "수취인"),
    "hi": ("प्राप्तकर्ता", "प्राप्तकर्ता का नाम"),
    "id": ("penerima",),
    "ar": ("المستلم", "اسم المستلم"),
}

SYNONYMS: dict[str, Table] = {
    "en": EN, "de": DE, "fr": FR, "es": ES, "it": IT, "pt": PT, "nl": NL, "pl": PL, "tr": TR,
    "ru": RU, "uk": UK, "ja": JA, "zh-Hans": ZH_HANS, "zh-Hant": ZH_HANT, "ko": KO, "hi": HI,
    "id": ID, "ar": AR,
}
for _lang, _words in _RECIPIENT.items():
    SYNONYMS[_lang]["name"] = SYNONYMS[_lang]["name"] + _words

# Fields that must never get a profile value, by kind. Sources: the WHATWG token list for
# card, password and one-time-code fields (translated as above), and the usual wording of
# consent, search and voucher fields in each language.
NEGATIVE: dict[str, tuple[str, ...]] = {
    "card": (
        "card number", "credit card", "debit card", "name on card", "cardholder", "card holder", "expiry",
        "expiration", "exp date", "valid thru", "cvv", "cvc", "cvv2", "csc", "security code", "card code",
        "kartennummer", "kreditkarte", "karteninhaber", "ablaufdatum", "gültig bis", "prüfnummer",
        "sicherheitscode", "numéro de carte", "carte bancaire", "titulaire de la carte", "date d'expiration",
        "cryptogramme", "code de sécurité", "número de tarjeta", "tarjeta de crédito", "titular de la tarjeta",
        "fecha de vencimiento", "código de seguridad", "numero di carta", "carta di credito",
        "codice di sicurezza", "scadenza", "número do cartão", "cartão de crédito", "código de segurança",
        "validade", "kaartnummer", "vervaldatum", "beveiligingscode", "numer karty", "kod cvv",
        "data ważności", "kart numarası", "son kullanma", "güvenlik kodu", "номер карты", "срок действия",
        "код безопасности", "номер картки", "термін дії", "カード番号", "有効期限", "セキュリティコード",
        "卡号", "信用卡", "有效期", "安全码", "卡號", "安全碼", "카드 번호", "카드번호", "유효기간", "보안코드",
        "कार्ड नंबर", "समाप्ति तिथि", "nomor kartu", "kartu kredit", "masa berlaku", "kode keamanan",
        "رقم البطاقة", "تاريخ الانتهاء", "رمز الأمان",
    ),
    "password": (
        "password", "passcode", "pin", "one time code", "otp", "verification code", "passwort", "kennwort",
        "mot de passe", "contraseña", "clave", "password", "senha", "wachtwoord", "hasło", "şifre", "parola",
        "пароль", "パスワード", "密码", "密碼", "비밀번호", "पासवर्ड", "kata sandi", "كلمة المرور",
        "bestätigungscode", "code de vérification", "código de verificación", "код подтверждения",
        "验证码", "驗證碼", "認証コード", "인증번호",
    ),
    "captcha": ("captcha", "recaptcha", "security check", "i'm not a robot", "not a robot",
                "enter the characters", "画像認証", "图形验证码"),
    "voucher": (
        "promo", "promo code", "promotion code", "coupon", "discount code", "voucher", "gift card",
        "gift certificate", "referral code", "gutschein", "rabattcode", "aktionscode", "code promo",
        "bon de réduction", "carte cadeau", "código promocional", "cupón", "cupom", "tarjeta regalo",
        "codice sconto", "buono", "kortingscode", "cadeaukaart", "kod rabatowy", "kupon", "indirim kodu",
        "промокод", "купон", "подарочная карта", "промокод", "クーポン", "プロモーションコード", "ギフトカード",
        "优惠码", "优惠券", "礼品卡", "優惠碼", "優惠券", "禮品卡", "쿠폰", "할인 코드", "프로모션 코드",
        "कूपन", "प्रोमो कोड", "kode promo", "kode voucher", "كود الخصم", "رمز القسيمة", "قسيمة",
    ),
    "search": (
        "search", "find a store", "store locator", "find store", "find a location", "find stores",
        "near you", "nearby", "to find", "suche", "filiale finden", "filialfinder", "rechercher",
        "trouver un magasin", "buscar", "encontrar tienda", "cerca", "trova negozio", "pesquisar",
        "procurar", "zoeken", "winkel zoeken", "szukaj", "znajdź sklep", "ara", "mağaza bul", "поиск",
        "найти магазин", "пошук", "店舗検索", "検索", "搜索", "查找门店", "搜尋", "門市查詢", "검색",
        "매장 찾기", "खोजें", "खोज", "cari", "temukan toko", "بحث", "ابحث", "busca", "encontre uma loja",
        "encontrar uma loja", "lojas próximas",
    ),
    "consent": (
        "same as", "i agree", "i accept", "agree to", "terms", "privacy policy", "subscribe", "newsletter",
        "sign me up", "send me", "mail me", "email me", "text me", "keep me", "remember me", "opt in",
        "offers", "catalog", "catalogue", "marketing", "gleiche wie", "identisch mit", "ich stimme",
        "einverstanden", "agb", "datenschutz", "abonnieren", "angebote", "identique à", "j'accepte",
        "conditions", "s'abonner", "igual que", "acepto", "términos", "suscrib", "boletín", "stessa",
        "accetto", "iscriviti", "mesmo que", "aceito", "assinar", "zelfde als", "akkoord", "nieuwsbrief",
        "zgadzam", "akceptuję", "regulamin", "aynı", "kabul", "bülten", "совпадает", "согласен",
        "согласна", "рассылк", "збігається", "погоджуюсь", "同意", "同じ", "ニュースレター", "订阅", "訂閱",
        "相同", "동의", "동일", "구독", "सहमत", "समान", "सदस्यता", "setuju", "sama dengan", "berlangganan",
        "أوافق", "نفس", "اشترك", "النشرة",
    ),
    # Security questions: their answers are secrets the person chose, never profile values
    # (the attribute often says it: name="securityAnswer1" under "Name of your first pet?").
    "security-question": (
        "security question", "security answer", "secret question", "secret answer", "mother's maiden name",
        "sicherheitsfrage", "sicherheitsantwort", "geheimfrage", "question secrète", "réponse secrète",
        "question de sécurité", "pregunta de seguridad", "respuesta de seguridad", "pregunta secreta",
        "respuesta secreta", "domanda di sicurezza", "risposta di sicurezza", "domanda segreta",
        "risposta segreta", "pergunta de segurança", "resposta de segurança", "pergunta secreta",
        "resposta secreta", "beveiligingsvraag", "geheime vraag", "pytanie bezpieczeństwa",
        "pytanie pomocnicze", "güvenlik sorusu", "gizli soru", "секретный вопрос", "контрольный вопрос",
        "кодовое слово", "секретне питання", "контрольне питання", "秘密の質問", "安全问题", "密保问题",
        "密保答案", "安全問題", "提示問題", "보안 질문", "सुरक्षा प्रश्न", "pertanyaan keamanan",
        "jawaban keamanan", "سؤال الأمان", "السؤال السري",
    ),
    # The name a shop lets the person give a saved address ("Home", "Work"), not the address.
    "address-label": (
        "address nickname", "address label", "name this address", "save this address as", "adres başlığı",
        "label alamat", "simpan alamat sebagai", "배송지명", "地址标签", "地址標籤",
    ),
    # A carrier's pickup point, parcel locker or branch: its number is not the person's address.
    "pickup-point": (
        "pickup point", "pick up point", "parcel locker", "collection point", "packstation", "postfiliale",
        "point relais", "relais colis", "punto de recogida", "punto di ritiro", "ponto de retirada",
        "ponto de recolha", "afhaalpunt", "pakketpunt", "paczkomat", "punkt odbioru", "пункт выдачи",
        "постамат", "поштомат", "номер відділення", "自提点", "自提點", "postnummer", "store pickup", "pickup store",
        "超商", "便利商店", "便利店", "コンビニ", "편의점", "取货门店", "取貨門市",
    ),
    # Directions for the courier (landmark, cross streets, delivery notes): free text about the
    # place, never a line of the address.
    "directions": (
        "landmark", "nearest landmark", "cross street", "cross streets", "delivery instructions",
        "directions", "lieferhinweis", "hinweis für den zusteller", "wegbeschreibung", "point de repère",
        "instructions de livraison", "referencias", "entre calles", "punto de referencia", "indicaciones",
        "punto di riferimento", "indicazioni per il corriere", "ponto de referência", "referência",
        "bezorginstructies", "herkenningspunt", "wskazówki dla kuriera", "punkt orientacyjny",
        "adres tarifi", "yol tarifi", "ориентир", "орієнтир", "目印", "地标", "地標", "찾아오는 길",
        "लैंडमार्क", "सीमाचिह्न", "patokan", "علامة مميزة", "معلم قريب", "تعليمات التوصيل",
    ),
    # Japanese phonetic-reading boxes: the profile holds no reading of the name.
    "phonetic": ("フリガナ", "ふりがな", "カナ", "かな"),
    "other": (
        "quantity", "qty", "comment", "comments", "message", "notes", "order notes", "fax",
        "how did you hear", "confirm password", "anzahl", "menge", "nachricht", "bemerkung", "quantité",
        "commentaire", "cantidad", "comentario", "mensaje", "quantità", "messaggio", "quantidade",
        "mensagem", "aantal", "opmerking", "ilość", "wiadomość", "adet", "mesaj", "количество",
        "комментарий", "сообщение", "кількість", "коментар", "数量", "備考", "メッセージ", "备注", "留言",
        "備註", "수량", "메시지", "요청사항", "मात्रा", "संदेश", "jumlah", "catatan", "pesan", "الكمية",
        "ملاحظات", "رسالة", "invoice title", "发票抬头", "發票抬頭",
    ),
}

# Another person's details on the person's own form (emergency contact, next of kin): no WHATWG
# token fits and the person's own phone or name must not go there. Not a NEGATIVE: Second Me's
# own "emergency-contact" field may still answer them (the label matcher in profile.service).
OTHER_PERSON: tuple[str, ...] = (
    "emergency contact", "next of kin", "in case of emergency", "notfallkontakt", "im notfall",
    "personne à prévenir", "contact d'urgence", "contacto de emergencia", "contatto di emergenza",
    "contato de emergência", "contacto de emergência", "noodcontact", "contactpersoon in geval van nood",
    "kontakt awaryjny", "acil durum", "緊急連絡先", "紧急联系人", "緊急聯絡人", "비상 연락처", "비상연락처",
    "आपातकालीन संपर्क", "kontak darurat", "طوارئ",
    # Relatives, guardians, referees and companions (forms ask for their names and numbers).
    "father", "mother", "father's name", "mother's name", "spouse", "husband", "wife", "guardian",
    "parent", "referee", "reference", "companion", "accompanying", "beneficiary", "nominee",
    "vater", "mutter", "ehepartner", "ehemann", "ehefrau", "erziehungsberechtigter", "begleitperson",
    "mitreisender", "referenz", "père", "mère", "conjoint", "époux", "épouse", "tuteur", "accompagnant",
    "bénéficiaire", "padre", "madre", "cónyuge", "esposo", "esposa", "acompañante", "beneficiario",
    "coniuge", "accompagnatore", "pai", "mãe", "cônjuge", "acompanhante", "vader", "moeder",
    "echtgenoot", "echtgenote", "voogd", "begeleider", "referentie", "ojciec", "ojca", "matka", "matki",
    "małżonek", "małżonka", "opiekun", "baba adı", "anne adı", "veli", "refakatçi", "отец", "отца",
    "мать", "матери", "супруг", "супруга", "опекун", "сопровождающий", "ім'я батька", "піб батька",
    "матері", "дружина", "подружжя", "опікун", "супровідник", "父親", "母親", "保護者", "配偶者",
    "同行者", "紹介者", "父亲", "母亲", "配偶", "监护人", "監護人", "同行人", "推荐人", "推薦人",
    "아버지", "어머니", "배우자", "보호자", "동반자", "추천인", "पिता", "माता", "पति", "पत्नी",
    "अभिभावक", "ayah", "ibu kandung", "nama ibu", "suami", "istri", "wali", "pendamping", "الأب", "الأم",
    "والد", "والدة", "الزوج", "الزوجة", "ولي الأمر", "المرافق",
)

# "Another" phone or e-mail (alternate, secondary): the profile holds the person's one number
# and address, which the form already has in its main box.
ALTERNATE: tuple[str, ...] = (
    "alternate", "alternative", "secondary", "other", "additional", "second", "alternativ", "weitere",
    "zweite", "autre", "secondaire", "alternatif", "otro", "alternativo", "secundario", "altro",
    "secondario", "outro", "secundário", "alternatief", "tweede", "ander", "alternatywny", "dodatkowy",
    "drugi", "alternatif", "ikinci", "diğer", "дополнительный", "альтернативный", "второй", "другой",
    "додатковий", "альтернативний", "другий", "予備", "サブ", "その他の", "备用", "備用", "其他", "보조",
    "추가", "वैकल्पिक", "दूसरा", "alternatif", "lainnya", "cadangan", "بديل", "آخر", "إضافي", "اضافي",
)

# Words that make a field a "kind of" something (address type, phone type): a category, not
# the thing itself.
KIND: tuple[str, ...] = (
    "type", "kind", "art", "typ", "tipo", "soort", "rodzaj", "tür", "türü", "tipi", "тип", "вид",
    "種類", "種別", "タイプ", "类型", "類型", "类别", "類別", "유형", "종류", "प्रकार", "jenis", "tipe", "نوع",
)
