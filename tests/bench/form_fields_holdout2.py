"""A second held-out set of form fields (HOLDOUT2), written before reading the mapper's tables.

Written from memory of how real sites in each language present their forms: WooCommerce,
Shopify, Magento, Shopware, PrestaShop and Salesforce-Commerce checkouts, ASP.NET and JSF
government/bank forms, job applications (Greenhouse/Lever style), hotel and flight bookings,
and the big local shops of each market. Attributes are what those pages carry: label,
placeholder, ``name``/``id`` in the site's own style, an ``autocomplete`` on some (absent,
``off``, an anti-autofill value such as ``new-password``/``chrome-off``, or plainly wrong on
others), ``type``, ``maxlength``, select options and billing/shipping sections.

Conventions for the expected token (WHATWG): one single-line street input is
``address-line1``, a street *textarea* is ``street-address``; a country ``<select>`` is
``country`` (its values are codes), a free-text country box is ``country-name``; a recipient
("Nama Penerima", "收货人") on the person's own address form is ``name``; patronymics are
``additional-name``. ``None``: never filled - consent/newsletter/same-as toggles, search and
store-locator boxes, vouchers, captchas, card data, passwords, security answers, free text,
quantities, and numbers the profile does not hold (passport, national ID, tax ID, a parcel
locker) which a careless mapper would fill with a phone number or postcode.

Not tuned on: the first bench run over this set is the honest held-out figure (recorded in
``bench_form_fields.py``'s docstring).
"""

from __future__ import annotations

from typing import Any

from tests.bench.form_fields_data import Case


def _form(lang: str, form: str, rows: list[tuple[Any, ...]]) -> list[Case]:
    out = []
    for row in rows:
        label, want = row[0], row[1]
        attrs = dict(row[2]) if len(row) > 2 else {}
        attrs["label"] = label
        out.append(Case(lang, form, attrs, want))
    return out


_MONTHS_EN = ["Month", "January", "February", "March", "April", "May", "June", "July", "August",
              "September", "October", "November", "December"]
_DAYS = [str(d) for d in range(1, 32)]
_YEARS = [str(y) for y in range(2007, 1919, -1)]

HOLDOUT2: list[Case] = []

# --- English: a WooCommerce checkout, a job application, a hotel booking, an ASP.NET council form
HOLDOUT2 += _form("en", "woocommerce-checkout", [
    ("First name *", "given-name", {"name": "billing_first_name", "id": "billing_first_name",
                                    "autocomplete": "given-name", "section": "billing"}),
    ("Last name *", "family-name", {"name": "billing_last_name", "id": "billing_last_name",
                                    "autocomplete": "family-name", "section": "billing"}),
    ("Company name (optional)", "organization", {"name": "billing_company", "autocomplete": "organization"}),
    ("Country / Region *", "country", {"tag": "select", "name": "billing_country", "id": "billing_country",
                                       "options": ["Select a country / region…", "United Kingdom (UK)",
                                                   "United States (US)", "Canada"]}),
    ("Street address *", "address-line1", {"name": "billing_address_1", "id": "billing_address_1",
                                           "placeholder": "House number and street name"}),
    ("", "address-line2", {"name": "billing_address_2", "id": "billing_address_2",
                           "placeholder": "Apartment, suite, unit, etc. (optional)"}),
    ("Town / City *", "address-level2", {"name": "billing_city", "id": "billing_city"}),
    ("State *", "address-level1", {"tag": "select", "name": "billing_state",
                                   "options": ["Select an option…", "Alabama", "Alaska", "Washington"]}),
    ("ZIP Code *", "postal-code", {"name": "billing_postcode", "id": "billing_postcode"}),
    ("Phone *", "tel", {"type": "tel", "name": "billing_phone", "autocomplete": "tel"}),
    ("Email address *", "email", {"type": "email", "name": "billing_email", "autocomplete": "email username"}),
    ("Ship to a different address?", None, {"type": "checkbox", "name": "ship_to_different_address"}),
    ("Order notes (optional)", None, {"tag": "textarea", "name": "order_comments",
                                      "placeholder": "Notes about your order, e.g. special notes for delivery."}),
    ("Create account password *", None, {"type": "password", "name": "account_password",
                                         "autocomplete": "new-password"}),
    ("I have read and agree to the website terms and conditions *", None, {"type": "checkbox", "name": "terms"}),
    ("Coupon code", None, {"name": "coupon_code", "placeholder": "Coupon code"}),
])
HOLDOUT2 += _form("en", "job-application", [
    ("Full name", "name", {"name": "name", "placeholder": "Jane Smith"}),
    ("Email", "email", {"type": "email", "name": "email"}),
    ("Phone", "tel", {"name": "phone"}),
    ("Current company", "organization", {"name": "org"}),
    ("Current job title", "organization-title", {"name": "cards[title]"}),
    ("Portfolio URL", "url", {"type": "url", "name": "urls[Portfolio]"}),
    ("How did you hear about this job?", None, {"tag": "select", "name": "source",
                                                "options": ["LinkedIn", "Indeed", "Referral", "Other"]}),
    ("Additional information", None, {"tag": "textarea", "name": "comments",
                                      "placeholder": "Add a cover letter or anything else you want to share."}),
    ("Desired salary", None, {"name": "salary_expectation", "type": "number"}),
])
HOLDOUT2 += _form("en", "hotel-booking", [
    ("Title", "honorific-prefix", {"tag": "select", "name": "guest.title",
                                   "options": ["Mr", "Mrs", "Miss", "Ms", "Dr"]}),
    ("Middle name(s)", "additional-name", {"name": "guest.middleName"}),
    ("Country code", "tel-country-code", {"tag": "select", "name": "phoneCountryCode",
                                          "options": ["+1 United States", "+44 United Kingdom", "+61 Australia"]}),
    ("Mobile number", "tel-national", {"type": "tel", "name": "phoneNumber", "neighbours": ["Country code"]}),
    ("Month", "bday-month", {"tag": "select", "name": "dob_month", "options": _MONTHS_EN}),
    ("Year", "bday-year", {"tag": "select", "name": "dob_year", "options": ["Year", *_YEARS]}),
    ("Special requests", None, {"tag": "textarea", "name": "specialRequests"}),
    ("Number of guests", None, {"tag": "select", "name": "adults", "options": ["1", "2", "3", "4"]}),
    ("Check-in date", None, {"type": "date", "name": "checkin"}),
])
HOLDOUT2 += _form("en", "council-form", [
    ("Postcode", "postal-code", {"name": "ctl00$MainContent$txtPostcode", "id": "ctl00_MainContent_txtPostcode",
                                 "maxlength": 8}),
    ("Date of birth", "bday", {"type": "date", "name": "ctl00$MainContent$txtDOB"}),
    ("Ext.", "tel-extension", {"name": "ctl00$MainContent$txtPhoneExt", "maxlength": 6}),
    ("", "address-line1", {"name": "ctl00$MainContent$txtAddress1", "id": "ctl00_MainContent_txtAddress1",
                           "autocomplete": "off"}),
    ("National Insurance number", None, {"name": "ctl00$MainContent$txtNINO", "maxlength": 13}),
    ("Find your nearest branch", None, {"name": "storeLocatorQuery", "placeholder": "Enter a ZIP code or city"}),
    ("What was the name of your first pet?", None, {"name": "securityAnswer1"}),
    ("Emergency contact phone number", None, {"type": "tel", "name": "emergencyContactPhone"}),
    ("Verification code", None, {"name": "captcha", "placeholder": "Enter the characters shown"}),
])

# --- German: a Shopware 6 registration, a Magento checkout, a bank account opening ------------
HOLDOUT2 += _form("de", "shopware-registrierung", [
    ("Anrede*", "honorific-prefix", {"tag": "select", "name": "salutationId", "id": "personalSalutation",
                                     "options": ["Anrede auswählen ...", "Keine Angabe", "Herr", "Frau"]}),
    ("Vorname*", "given-name", {"name": "firstName", "id": "personalFirstName",
                                "placeholder": "Vorname eingeben...", "autocomplete": "section-personal given-name"}),
    ("Nachname*", "family-name", {"name": "lastName", "id": "personalLastName",
                                  "placeholder": "Nachname eingeben..."}),
    ("", "bday-day", {"tag": "select", "name": "birthdayDay", "options": ["Tag *", *_DAYS]}),
    ("", "bday-month", {"tag": "select", "name": "birthdayMonth", "options": ["Monat *", *[str(m) for m in range(1, 13)]]}),
    ("", "bday-year", {"tag": "select", "name": "birthdayYear", "options": ["Jahr *", *_YEARS]}),
    ("E-Mail-Adresse*", "email", {"type": "email", "name": "email", "id": "personalMail",
                                  "placeholder": "E-Mail-Adresse eingeben..."}),
    ("Passwort*", None, {"type": "password", "name": "password", "placeholder": "Passwort eingeben..."}),
    ("Straße und Hausnummer*", "address-line1", {"name": "billingAddress[street]", "id": "billingAddressAddressStreet",
                                                 "placeholder": "Straße und Hausnummer eingeben..."}),
    ("PLZ*", "postal-code", {"name": "billingAddress[zipcode]", "placeholder": "PLZ eingeben...", "maxlength": 5}),
    ("Ort*", "address-level2", {"name": "billingAddress[city]", "placeholder": "Ort eingeben..."}),
    ("Land*", "country", {"tag": "select", "name": "billingAddress[countryId]",
                          "options": ["Land auswählen ...", "Deutschland", "Österreich", "Schweiz"]}),
    ("Adresszusatz 1", "address-line2", {"name": "billingAddress[additionalAddressLine1]"}),
    ("Lieferadresse weicht von Rechnungsadresse ab", None, {"type": "checkbox", "name": "differentShippingAddress"}),
    ("Ich möchte den kostenlosen Newsletter abonnieren.", None, {"type": "checkbox", "name": "newsletter"}),
])
HOLDOUT2 += _form("de", "magento-kasse", [
    ("Firma", "organization", {"name": "company", "section": "shipping"}),
    ("Straße", "address-line1", {"name": "street[0]", "section": "shipping"}),
    ("Telefonnummer", "tel", {"name": "telephone", "section": "shipping"}),
    ("Bundesland", "address-level1", {"tag": "select", "name": "region_id",
                                      "options": ["Bitte wählen Sie eine Region, einen Staat oder eine Provinz aus.",
                                                  "Baden-Württemberg", "Bayern", "Berlin"]}),
    ("Gutscheincode eingeben", None, {"name": "discount_code", "placeholder": "Gutscheincode eingeben"}),
    ("Kartenprüfnummer", None, {"name": "payment[cc_cid]", "maxlength": 4}),
    ("Filiale finden", None, {"name": "q", "placeholder": "PLZ oder Ort"}),
])
HOLDOUT2 += _form("de", "kontoeroeffnung", [
    ("Geburtsdatum", "bday", {"name": "ctl00$Content$txtGeburtsdatum", "placeholder": "TT.MM.JJJJ", "maxlength": 10}),
    ("Vorwahl", "tel-area-code", {"name": "telVorwahl", "maxlength": 5}),
    ("Beruf", "organization-title", {"name": "beruf"}),
    ("Steuer-Identifikationsnummer", None, {"name": "steuerId", "maxlength": 11}),
    ("Ausweisnummer", None, {"name": "ausweisNr"}),
])

# --- French: a PrestaShop account, a Fnac-style checkout, an administration form -------------
HOLDOUT2 += _form("fr", "prestashop-compte", [
    ("Civilité", "honorific-prefix", {"tag": "select", "name": "id_gender", "options": ["M.", "Mme"]}),
    ("Prénom", "given-name", {"name": "firstname", "autocomplete": "given-name"}),
    ("Nom", "family-name", {"name": "lastname", "autocomplete": "family-name"}),
    ("E-mail", "email", {"type": "email", "name": "email", "autocomplete": "email"}),
    ("Mot de passe", None, {"type": "password", "name": "password", "autocomplete": "new-password"}),
    ("Date de naissance", "bday", {"name": "birthday", "placeholder": "JJ/MM/AAAA"}),
    ("Recevoir les offres de nos partenaires", None, {"type": "checkbox", "name": "optin"}),
    ("Inscrivez-vous à notre newsletter", None, {"type": "checkbox", "name": "newsletter"}),
    ("J'accepte les conditions générales et la politique de confidentialité", None,
     {"type": "checkbox", "name": "psgdpr"}),
])
HOLDOUT2 += _form("fr", "commande", [
    ("Société", "organization", {"name": "company"}),
    ("Adresse", "address-line1", {"name": "address1", "autocomplete": "address-line1", "section": "shipping"}),
    ("Complément d'adresse", "address-line2", {"name": "address2", "placeholder": "Bâtiment, étage, digicode…"}),
    ("Code postal", "postal-code", {"name": "postcode", "maxlength": 5}),
    ("Ville", "address-level2", {"name": "city"}),
    ("Pays", "country", {"tag": "select", "name": "id_country",
                         "options": ["-- veuillez choisir --", "France", "Belgique", "Suisse"]}),
    ("Téléphone portable", "tel", {"type": "tel", "name": "phone_mobile"}),
    ("Utiliser cette adresse pour la facturation", None, {"type": "checkbox", "name": "use_same_address"}),
    ("Code promo", None, {"name": "discount_name", "placeholder": "Code promo"}),
    ("Cryptogramme visuel", None, {"name": "cvv", "maxlength": 3}),
    ("Trouver un magasin", None, {"name": "storeSearch", "placeholder": "Code postal ou ville"}),
])
HOLDOUT2 += _form("fr", "demarche", [
    ("Nom de famille", "family-name", {"name": "j_idt42:nomFamille"}),
    ("Prénom(s)", "given-name", {"name": "j_idt42:prenoms"}),
    ("Adresse électronique", "email", {"type": "email", "name": "j_idt42:courriel"}),
    ("Numéro de sécurité sociale", None, {"name": "j_idt42:nir", "maxlength": 15}),
])

# --- Spanish: a department-store checkout, a flight booking, a bank form ----------------------
HOLDOUT2 += _form("es", "compra", [
    ("Nombre", "given-name", {"name": "firstName", "id": "shipping-firstName", "section": "shipping"}),
    ("Apellidos", "family-name", {"name": "lastName", "id": "shipping-lastName"}),
    ("Correo electrónico", "email", {"type": "email", "name": "dwfrm_billing_email"}),
    ("Teléfono móvil", "tel", {"type": "tel", "name": "dwfrm_shipping_shippingAddress_addressFields_phone"}),
    ("Dirección", "address-line1", {"name": "dwfrm_shipping_shippingAddress_addressFields_address1",
                                    "placeholder": "Calle y número"}),
    ("Piso, puerta, escalera (opcional)", "address-line2",
     {"name": "dwfrm_shipping_shippingAddress_addressFields_address2"}),
    ("Código postal", "postal-code", {"name": "dwfrm_shipping_shippingAddress_addressFields_postalCode",
                                      "maxlength": 5}),
    ("Localidad", "address-level2", {"name": "dwfrm_shipping_shippingAddress_addressFields_city"}),
    ("Provincia", "address-level1", {"tag": "select", "name": "dwfrm_shipping_shippingAddress_addressFields_states_stateCode",
                                     "options": ["Selecciona una provincia", "A Coruña", "Álava", "Madrid"]}),
    ("Acepto la política de privacidad", None, {"type": "checkbox", "name": "dwfrm_billing_privacy"}),
    ("Quiero recibir comunicaciones comerciales por email", None, {"type": "checkbox", "name": "addToEmailList"}),
    ("Código de descuento", None, {"name": "couponCode", "placeholder": "Introduce tu código"}),
    ("Número de tarjeta", None, {"name": "cardNumber", "autocomplete": "cc-number", "maxlength": 19}),
])
HOLDOUT2 += _form("es", "vuelo", [
    ("Tratamiento", "honorific-prefix", {"tag": "select", "name": "pasajero_tratamiento", "options": ["Sr.", "Sra."]}),
    ("Día", "bday-day", {"tag": "select", "name": "fecha_nacimiento_dia", "options": ["Día", *_DAYS]}),
    ("Mes", "bday-month", {"tag": "select", "name": "fecha_nacimiento_mes",
                           "options": ["Mes", "enero", "febrero", "marzo", "abril", "mayo", "junio", "julio",
                                       "agosto", "septiembre", "octubre", "noviembre", "diciembre"]}),
    ("Año", "bday-year", {"tag": "select", "name": "fecha_nacimiento_anio", "options": ["Año", *_YEARS]}),
    ("País", "country", {"tag": "select", "name": "pais", "options": ["España", "Portugal", "Francia", "México"]}),
    ("Número de pasaporte", None, {"name": "pasaporte"}),
    ("¿Cómo nos has conocido?", None, {"tag": "select", "name": "origen",
                                       "options": ["Buscador", "Redes sociales", "Un amigo", "Otro"]}),
])
HOLDOUT2 += _form("es", "banco", [
    ("Sexo", "sex", {"tag": "select", "name": "ctl00$cph$ddlSexo", "options": ["Seleccione", "Hombre", "Mujer"]}),
    ("Fecha de nacimiento", "bday", {"name": "ctl00$cph$txtFechaNacimiento", "placeholder": "dd/mm/aaaa"}),
    ("Empresa", "organization", {"name": "ctl00$cph$txtEmpresa"}),
    ("DNI/NIE", None, {"name": "ctl00$cph$txtDocumento", "maxlength": 9}),
    ("Repetir contraseña", None, {"type": "password", "name": "ctl00$cph$txtPassword2"}),
])

# --- Italian: a checkout, a registration with tax code, a job form ----------------------------
HOLDOUT2 += _form("it", "checkout", [
    ("Nome", "given-name", {"name": "shippingAddress.firstName", "autocomplete": "shipping given-name"}),
    ("Cognome", "family-name", {"name": "shippingAddress.lastName"}),
    ("Indirizzo", "address-line1", {"name": "shippingAddress.line1", "placeholder": "Via/Piazza e numero civico"}),
    ("Informazioni aggiuntive (c/o, scala, piano)", "address-line2", {"name": "shippingAddress.line2", "autocomplete": "address-line1"}),
    ("CAP", "postal-code", {"name": "shippingAddress.postalCode", "maxlength": 5}),
    ("Città", "address-level2", {"name": "shippingAddress.town", "autocomplete": "nope"}),
    ("Provincia", "address-level1", {"tag": "select", "name": "shippingAddress.region",
                                     "options": ["Seleziona", "Agrigento", "Milano", "Roma"]}),
    ("Cellulare", "tel", {"type": "tel", "name": "shippingAddress.phone"}),
    ("Codice sconto", None, {"name": "voucherCode"}),
    ("Codice di sicurezza (CVV)", None, {"name": "cvc", "maxlength": 4}),
])
HOLDOUT2 += _form("it", "registrazione", [
    ("Indirizzo email", "email", {"type": "email", "name": "email", "autocomplete": "off"}),
    ("Data di nascita", "bday", {"name": "dataNascita", "placeholder": "gg/mm/aaaa"}),
    ("Sesso", "sex", {"tag": "select", "name": "sesso", "options": ["Seleziona", "Maschio", "Femmina"]}),
    ("Nazione", "country", {"tag": "select", "name": "nazione", "options": ["Italia", "San Marino", "Svizzera"]}),
    ("Ragione sociale", "organization", {"name": "ragioneSociale"}),
    ("Codice fiscale", None, {"name": "codiceFiscale", "maxlength": 16}),
    ("Partita IVA", None, {"name": "partitaIva", "maxlength": 11}),
    ("Conferma password", None, {"type": "password", "name": "confermaPassword"}),
    ("Acconsento al trattamento dei dati personali per finalità di marketing", None,
     {"type": "checkbox", "name": "consensoMarketing"}),
])

# --- Portuguese: a Brazilian checkout (VTEX style), a Portuguese account ----------------------
HOLDOUT2 += _form("pt", "checkout-br", [
    ("Nome completo", "name", {"name": "nome", "id": "client-name"}),
    ("E-mail", "email", {"type": "email", "id": "client-pre-email", "placeholder": "seu@email.com"}),
    ("CEP", "postal-code", {"id": "ship-postalCode", "placeholder": "00000-000", "maxlength": 9}),
    ("Rua", "address-line1", {"id": "ship-street"}),
    ("Complemento", "address-line2", {"id": "ship-complement", "placeholder": "Apto, bloco, etc."}),
    ("Bairro", "address-level3", {"id": "ship-neighborhood"}),
    ("Cidade", "address-level2", {"id": "ship-city"}),
    ("Estado", "address-level1", {"tag": "select", "id": "ship-state",
                                  "options": ["Selecione", "AC", "AL", "SP", "RJ"]}),
    ("Celular", "tel", {"type": "tel", "id": "client-phone", "placeholder": "(11) 99999-9999"}),
    ("Data de nascimento", "bday", {"name": "dataNascimento", "placeholder": "dd/mm/aaaa"}),
    ("CPF", None, {"id": "client-document", "placeholder": "000.000.000-00", "maxlength": 14}),
    ("Quero receber ofertas e novidades por e-mail", None, {"type": "checkbox", "id": "opt-in-newsletter"}),
    ("Cupom de desconto", None, {"name": "cupom"}),
    ("Encontre uma loja", None, {"name": "busca-loja", "placeholder": "Digite seu CEP"}),
])
HOLDOUT2 += _form("pt", "conta-pt", [
    ("Nome", "given-name", {"name": "nome"}),
    ("Apelido", "family-name", {"name": "apelido", "neighbours": ["Nome"]}),
    ("Morada", "address-line1", {"name": "morada"}),
    ("Código Postal", "postal-code", {"name": "codigoPostal", "placeholder": "0000-000", "maxlength": 8}),
    ("Localidade", "address-level2", {"name": "localidade"}),
    ("Telemóvel", "tel", {"type": "tel", "name": "telemovel", "maxlength": 9}),
    ("NIF", None, {"name": "nif", "maxlength": 9}),
    ("Palavra-passe", None, {"type": "password", "name": "password"}),
    ("Confirmar palavra-passe", None, {"type": "password", "name": "password_confirm"}),
])

# --- Dutch: a webshop account, a checkout with Dutch address, an insurer --------------------
HOLDOUT2 += _form("nl", "webshop", [
    ("Aanhef", "honorific-prefix", {"tag": "select", "name": "salutation", "options": ["Dhr.", "Mevr."]}),
    ("Voornaam", "given-name", {"name": "firstname"}),
    ("Achternaam", "family-name", {"name": "lastname"}),
    ("E-mailadres", "email", {"type": "email", "name": "customer[email]"}),
    ("Telefoonnummer", "tel", {"type": "tel", "name": "customer[phone]"}),
    ("Geboortedatum", "bday", {"name": "customer[dob]", "placeholder": "dd-mm-jjjj"}),
    ("Wachtwoord", None, {"type": "password", "name": "customer[password]"}),
    ("Herhaal wachtwoord", None, {"type": "password", "name": "customer[password_confirmation]"}),
    ("Ja, ik wil de nieuwsbrief ontvangen", None, {"type": "checkbox", "name": "customer[newsletter]"}),
])
HOLDOUT2 += _form("nl", "afrekenen", [
    ("Postcode", "postal-code", {"name": "shippingPostalCode", "placeholder": "1234 AB", "maxlength": 7}),
    ("Straatnaam", "address-line1", {"name": "shippingStreet", "autocomplete": "new-password"}),
    ("Woonplaats", "address-level2", {"name": "shippingCity"}),
    ("Land", "country", {"tag": "select", "name": "shippingCountry", "options": ["Nederland", "België", "Duitsland"]}),
    ("Bedrijfsnaam (optioneel)", "organization", {"name": "shippingCompany"}),
    ("Factuuradres is hetzelfde als bezorgadres", None, {"type": "checkbox", "name": "billingSameAsShipping"}),
    ("Kortingscode of cadeaukaart", None, {"name": "giftcard"}),
    ("Zoeken", None, {"type": "search", "name": "q", "placeholder": "Waar ben je naar op zoek?"}),
    ("Burgerservicenummer (BSN)", None, {"name": "bsn", "maxlength": 9}),
])

# --- Polish: a shop account with an invoice, a courier form -----------------------------------
HOLDOUT2 += _form("pl", "sklep", [
    ("Imię", "given-name", {"name": "firstname"}),
    ("Nazwisko", "family-name", {"name": "lastname"}),
    ("Adres e-mail", "email", {"type": "email", "name": "email"}),
    ("Numer telefonu", "tel", {"type": "tel", "name": "phone", "placeholder": "np. 500 600 700"}),
    ("Ulica i numer", "address-line1", {"name": "address[street]"}),
    ("Kod pocztowy", "postal-code", {"name": "address[postcode]", "placeholder": "00-000", "maxlength": 6}),
    ("Miejscowość", "address-level2", {"name": "address[city]"}),
    ("Województwo", "address-level1", {"tag": "select", "name": "address[region]",
                                       "options": ["wybierz", "dolnośląskie", "mazowieckie", "pomorskie"]}),
    ("Kraj", "country", {"tag": "select", "name": "address[country]", "options": ["Polska", "Niemcy", "Czechy"]}),
    ("Nazwa firmy", "organization", {"name": "invoice[company]"}),
    ("NIP", None, {"name": "invoice[nip]", "maxlength": 10}),
    ("Hasło", None, {"type": "password", "name": "password"}),
    ("Powtórz hasło", None, {"type": "password", "name": "password_repeat"}),
    ("Wyrażam zgodę na przetwarzanie moich danych osobowych w celach marketingowych", None,
     {"type": "checkbox", "name": "agreement_marketing"}),
    ("Kod rabatowy", None, {"name": "promo_code"}),
    ("Chcę otrzymać fakturę VAT", None, {"type": "checkbox", "name": "want_invoice"}),
])
HOLDOUT2 += _form("pl", "urzad", [
    ("Data urodzenia", "bday", {"name": "dataUrodzenia", "type": "date"}),
    ("Płeć", "sex", {"tag": "select", "name": "plec", "options": ["Kobieta", "Mężczyzna"]}),
    ("PESEL", None, {"name": "pesel", "maxlength": 11}),
    ("Numer paczkomatu", None, {"name": "paczkomat", "placeholder": "np. KRA01M"}),
])

# --- Turkish: a marketplace address form, a sign-up, an e-government-style form ---------------
HOLDOUT2 += _form("tr", "adres", [
    ("Ad", "given-name", {"name": "firstName"}),
    ("Soyad", "family-name", {"name": "lastName"}),
    ("Telefon", "tel", {"type": "tel", "name": "phone", "placeholder": "0 (5__) ___ __ __"}),
    ("İl", "address-level1", {"tag": "select", "name": "cityId", "options": ["Seçiniz", "Adana", "Ankara", "İstanbul"]}),
    ("İlçe", "address-level2", {"tag": "select", "name": "districtId", "options": ["Seçiniz", "Kadıköy", "Beşiktaş"]}),
    ("Mahalle", "address-level3", {"tag": "select", "name": "neighborhoodId", "options": ["Seçiniz", "Moda Mah."]}),
    ("Adres", "street-address", {"tag": "textarea", "name": "addressLine",
                                 "placeholder": "Cadde, mahalle sokak ve diğer bilgileri giriniz."}),
    ("Adres Başlığı", None, {"name": "addressName", "placeholder": "Ev, İş vb."}),
])
HOLDOUT2 += _form("tr", "uyelik", [
    ("Ad Soyad", "name", {"name": "fullName"}),
    ("E-posta", "email", {"type": "email", "name": "email"}),
    ("Doğum Tarihi", "bday", {"name": "birthDate", "placeholder": "GG.AA.YYYY"}),
    ("Cinsiyet", "sex", {"tag": "select", "name": "gender", "options": ["Kadın", "Erkek"]}),
    ("Posta Kodu", "postal-code", {"name": "postaKodu", "maxlength": 5}),
    ("Şifre", None, {"type": "password", "name": "password"}),
    ("Kampanyalardan haberdar olmak istiyorum", None, {"type": "checkbox", "name": "emailPermission"}),
    ("Kişisel verilerimin işlenmesine ilişkin Aydınlatma Metni'ni okudum, onaylıyorum.", None,
     {"type": "checkbox", "name": "kvkk"}),
    ("İndirim Kodu", None, {"name": "couponCode"}),
])
HOLDOUT2 += _form("tr", "basvuru", [
    ("Firma Adı", "organization", {"name": "ctl00$ContentPlaceHolder1$txtFirmaAdi"}),
    ("Pozisyon / Ünvan", "organization-title", {"name": "ctl00$ContentPlaceHolder1$txtUnvan"}),
    ("Ülke", "country", {"tag": "select", "name": "ctl00$ContentPlaceHolder1$ddlUlke",
                         "options": ["Türkiye", "Almanya", "Azerbaycan"]}),
    ("T.C. Kimlik No", None, {"name": "ctl00$ContentPlaceHolder1$txtTCKN", "maxlength": 11}),
    ("Vergi Numarası", None, {"name": "ctl00$ContentPlaceHolder1$txtVergiNo", "maxlength": 10}),
])

# --- Russian: a marketplace checkout, a registration, a state-services-style profile ----------
HOLDOUT2 += _form("ru", "оформление", [
    ("Имя", "given-name", {"name": "firstName", "autocomplete": "off"}),
    ("Фамилия", "family-name", {"name": "lastName"}),
    ("Отчество", "additional-name", {"name": "middleName"}),
    ("Телефон", "tel", {"type": "tel", "name": "phone", "placeholder": "+7 (___) ___-__-__"}),
    ("Электронная почта", "email", {"type": "email", "name": "email"}),
    ("Город", "address-level2", {"name": "ORDER_PROP_6"}),
    ("Улица", "address-line1", {"name": "street", "autocomplete": "chrome-off"}),
    ("Квартира/офис", "address-line2", {"name": "flat"}),
    ("Индекс", "postal-code", {"name": "ORDER_PROP_4", "maxlength": 6}),
    ("Регион", "address-level1", {"tag": "select", "name": "region",
                                  "options": ["Выберите регион", "Москва", "Московская область", "Санкт-Петербург"]}),
    ("Комментарий к заказу", None, {"tag": "textarea", "name": "ORDER_DESCRIPTION"}),
    ("Промокод", None, {"name": "coupon", "placeholder": "Введите промокод"}),
    ("Я согласен на обработку персональных данных", None, {"type": "checkbox", "name": "agreement"}),
])
HOLDOUT2 += _form("ru", "профиль", [
    ("Дата рождения", "bday", {"name": "birthDate", "placeholder": "ДД.ММ.ГГГГ"}),
    ("Пол", "sex", {"tag": "select", "name": "gender", "options": ["Мужской", "Женский"]}),
    ("Название организации", "organization", {"name": "companyName"}),
    ("Должность", "organization-title", {"name": "position"}),
    ("Страна", "country", {"tag": "select", "name": "country", "options": ["Россия", "Беларусь", "Казахстан"]}),
    ("Серия и номер паспорта", None, {"name": "passport", "placeholder": "0000 000000"}),
    ("ИНН", None, {"name": "inn", "maxlength": 12}),
    ("СНИЛС", None, {"name": "snils", "placeholder": "000-000-000 00"}),
    ("Повторите пароль", None, {"type": "password", "name": "password2"}),
    ("Введите код с картинки", None, {"name": "captcha_word"}),
])

# --- Ukrainian: a shop checkout with a parcel branch, a registration --------------------------
HOLDOUT2 += _form("uk", "замовлення", [
    ("Ім’я", "given-name", {"name": "first_name"}),
    ("Прізвище", "family-name", {"name": "last_name"}),
    ("По батькові", "additional-name", {"name": "middle_name"}),
    ("Мобільний телефон", "tel", {"type": "tel", "name": "phone", "placeholder": "+380 (__) ___-__-__"}),
    ("Електронна пошта", "email", {"type": "email", "name": "email"}),
    ("Місто", "address-level2", {"name": "city", "placeholder": "Почніть вводити назву міста"}),
    ("Номер відділення", None, {"name": "np_warehouse", "placeholder": "Відділення Нової пошти"}),
    ("Коментар до замовлення", None, {"tag": "textarea", "name": "comment"}),
    ("Промокод", None, {"name": "promocode"}),
    ("Не телефонуйте мені для підтвердження замовлення", None, {"type": "checkbox", "name": "dont_call"}),
])
HOLDOUT2 += _form("uk", "реєстрація", [
    ("Ім'я", "given-name", {"name": "RegistrationForm[name]"}),
    ("Вулиця", "address-line1", {"name": "RegistrationForm[street]"}),
    ("Область", "address-level1", {"tag": "select", "name": "RegistrationForm[region]",
                                   "options": ["Оберіть область", "Київська", "Львівська", "Одеська"]}),
    ("Поштовий індекс", "postal-code", {"name": "RegistrationForm[zip]", "maxlength": 5}),
    ("Дата народження", "bday", {"type": "date", "name": "RegistrationForm[birthday]"}),
    ("Стать", "sex", {"tag": "select", "name": "RegistrationForm[sex]", "options": ["Чоловіча", "Жіноча"]}),
    ("Країна", "country", {"tag": "select", "name": "RegistrationForm[country]", "options": ["Україна", "Польща"]}),
    ("Назва компанії", "organization", {"name": "RegistrationForm[company]"}),
    ("Посада", "organization-title", {"name": "RegistrationForm[position]"}),
    ("Пароль", None, {"type": "password", "name": "RegistrationForm[password]"}),
    ("РНОКПП (ІПН)", None, {"name": "RegistrationForm[inn]", "maxlength": 10}),
    ("Я погоджуюсь з умовами використання", None, {"type": "checkbox", "name": "RegistrationForm[agree]"}),
])

# --- Japanese: a shop's member registration, a hotel booking, a B2B inquiry -------------------
HOLDOUT2 += _form("ja", "会員登録", [
    ("姓", "family-name", {"name": "last_name", "placeholder": "例）山田"}),
    ("名", "given-name", {"name": "first_name", "placeholder": "例）太郎"}),
    ("フリガナ（セイ）", None, {"name": "last_name_kana", "placeholder": "例）ヤマダ"}),
    ("メールアドレス", "email", {"type": "email", "name": "mail"}),
    ("メールアドレス（確認用）", "email", {"type": "email", "name": "mail_confirm"}),
    ("郵便番号", "postal-code", {"name": "zip", "placeholder": "例）1000001", "maxlength": 8}),
    ("都道府県", "address-level1", {"tag": "select", "name": "pref",
                                    "options": ["選択してください", "北海道", "青森県", "東京都"]}),
    ("市区町村", "address-level2", {"name": "addr01", "placeholder": "例）千代田区"}),
    ("番地", "address-line1", {"name": "addr02", "placeholder": "例）丸の内1-1-1"}),
    ("建物名・部屋番号", "address-line2", {"name": "addr03", "placeholder": "例）〇〇マンション101号室"}),
    ("電話番号", "tel", {"type": "tel", "name": "tel", "placeholder": "例）09012345678"}),
    ("生年月日", "bday", {"type": "date", "name": "birth"}),
    ("性別", "sex", {"tag": "select", "name": "sex", "options": ["選択してください", "男性", "女性"]}),
    ("パスワード", None, {"type": "password", "name": "password"}),
    ("パスワード（確認用）", None, {"type": "password", "name": "password_confirm"}),
    ("メールマガジンを受け取る", None, {"type": "checkbox", "name": "mailmaga_flg"}),
])
HOLDOUT2 += _form("ja", "予約", [
    ("氏名", "name", {"name": "guest_name"}),
    ("ご要望・備考", None, {"tag": "textarea", "name": "remarks"}),
    ("クーポンコード", None, {"name": "coupon_cd"}),
    ("セキュリティコード", None, {"name": "security_code", "maxlength": 4}),
    ("ご登録住所と同じ", None, {"type": "checkbox", "name": "same_address"}),
])
HOLDOUT2 += _form("ja", "お問い合わせ", [
    ("会社名", "organization", {"name": "company"}),
    ("役職", "organization-title", {"name": "position"}),
    ("内線", "tel-extension", {"name": "tel_ext", "maxlength": 5}),
    ("お問い合わせ内容", None, {"tag": "textarea", "name": "inquiry"}),
])

# --- Simplified Chinese: a shop's delivery address, a registration, a rail/booking form -------
HOLDOUT2 += _form("zh-Hans", "收货地址", [
    ("收货人", "name", {"name": "consignee", "placeholder": "请输入收货人姓名"}),
    ("手机号码", "tel", {"type": "tel", "name": "mobile", "placeholder": "请输入手机号", "maxlength": 11}),
    ("省份", "address-level1", {"tag": "select", "name": "province", "options": ["请选择", "北京市", "广东省", "浙江省"]}),
    ("城市", "address-level2", {"tag": "select", "name": "city", "options": ["请选择", "广州市", "深圳市"]}),
    ("区/县", "address-level3", {"tag": "select", "name": "district", "options": ["请选择", "天河区", "越秀区"]}),
    ("详细地址", "address-line1", {"name": "address", "placeholder": "请输入详细地址，如街道、门牌号、小区、楼栋号、单元室等"}),
    ("邮政编码", "postal-code", {"name": "zipcode", "maxlength": 6}),
    ("设为默认地址", None, {"type": "checkbox", "name": "is_default"}),
    ("订单备注", None, {"name": "remark", "placeholder": "选填，请先和商家协商一致"}),
    ("优惠券码", None, {"name": "coupon"}),
])
HOLDOUT2 += _form("zh-Hans", "注册", [
    ("姓", "family-name", {"name": "lastName"}),
    ("名", "given-name", {"name": "firstName"}),
    ("电子邮箱", "email", {"type": "email", "name": "email"}),
    ("出生日期", "bday", {"type": "date", "name": "birthday"}),
    ("性别", "sex", {"tag": "select", "name": "gender", "options": ["请选择", "男", "女"]}),
    ("公司名称", "organization", {"name": "company"}),
    ("职位", "organization-title", {"name": "jobTitle"}),
    ("国家/地区", "country", {"tag": "select", "name": "country", "options": ["中国大陆", "中国香港", "美国"]}),
    ("身份证号", None, {"name": "idCard", "maxlength": 18}),
    ("密码", None, {"type": "password", "name": "password"}),
    ("确认密码", None, {"type": "password", "name": "confirmPassword"}),
    ("验证码", None, {"name": "captcha", "placeholder": "请输入验证码"}),
    ("我已阅读并同意《用户协议》和《隐私政策》", None, {"type": "checkbox", "name": "agree"}),
])

# --- Traditional Chinese: a Taiwanese shop, a Hong Kong registration ---------------------------
HOLDOUT2 += _form("zh-Hant", "會員資料", [
    ("姓名", "name", {"name": "ctl00$ContentPlaceHolder1$txtName"}),
    ("手機號碼", "tel", {"type": "tel", "name": "ctl00$ContentPlaceHolder1$txtMobile", "placeholder": "09xxxxxxxx"}),
    ("電子郵件", "email", {"type": "email", "name": "ctl00$ContentPlaceHolder1$txtEmail"}),
    ("縣市", "address-level1", {"tag": "select", "name": "ctl00$ContentPlaceHolder1$ddlCity",
                                "options": ["請選擇", "台北市", "新北市", "高雄市"]}),
    ("鄉鎮市區", "address-level2", {"tag": "select", "name": "ctl00$ContentPlaceHolder1$ddlArea",
                                    "options": ["請選擇", "中正區", "大安區"]}),
    ("地址", "address-line1", {"name": "ctl00$ContentPlaceHolder1$txtAddress"}),
    ("郵遞區號", "postal-code", {"name": "ctl00$ContentPlaceHolder1$txtZip", "maxlength": 5}),
    ("生日", "bday", {"name": "ctl00$ContentPlaceHolder1$txtBirthday", "placeholder": "yyyy/mm/dd"}),
    ("性別", "sex", {"tag": "select", "name": "ctl00$ContentPlaceHolder1$ddlSex", "options": ["男", "女"]}),
    ("身分證字號", None, {"name": "ctl00$ContentPlaceHolder1$txtIDNo", "maxlength": 10}),
    ("統一編號", None, {"name": "ctl00$ContentPlaceHolder1$txtTaxID", "maxlength": 8}),
    ("再次輸入密碼", None, {"type": "password", "name": "ctl00$ContentPlaceHolder1$txtPwd2"}),
    ("我同意會員條款及隱私權政策", None, {"type": "checkbox", "name": "ctl00$ContentPlaceHolder1$chkAgree"}),
])
HOLDOUT2 += _form("zh-Hant", "登記", [
    ("稱謂", "honorific-prefix", {"tag": "select", "name": "title", "options": ["先生", "太太", "小姐", "女士"]}),
    ("姓氏", "family-name", {"name": "surname"}),
    ("名字", "given-name", {"name": "givenName"}),
    ("公司名稱", "organization", {"name": "company"}),
    ("職稱", "organization-title", {"name": "jobTitle"}),
    ("國家/地區", "country", {"tag": "select", "name": "country", "options": ["香港", "澳門", "台灣"]}),
    ("優惠代碼", None, {"name": "promoCode"}),
    ("驗證碼", None, {"name": "verifyCode"}),
    ("備註", None, {"tag": "textarea", "name": "remarks"}),
])

# --- Korean: a shop's order form, a hotel booking in English letters, a sign-up --------------
HOLDOUT2 += _form("ko", "주문서", [
    ("이름", "name", {"name": "rname", "placeholder": "받는 분 이름"}),
    ("휴대폰 번호", "tel", {"type": "tel", "name": "rphone", "placeholder": "'-' 없이 입력", "maxlength": 11}),
    ("우편번호", "postal-code", {"name": "rzipcode", "maxlength": 5}),
    ("주소", "address-line1", {"name": "raddr1", "placeholder": "기본주소"}),
    ("상세주소", "address-line2", {"name": "raddr2", "placeholder": "상세주소를 입력해주세요"}),
    ("주문자 정보와 동일", None, {"type": "checkbox", "name": "same_orderer"}),
    ("배송 요청사항", None, {"tag": "select", "name": "delivery_memo",
                             "options": ["배송 시 요청사항을 선택해주세요", "부재 시 경비실에 맡겨주세요", "직접 입력"]}),
    ("쿠폰 번호", None, {"name": "coupon_no"}),
])
HOLDOUT2 += _form("ko", "호텔예약", [
    ("성 (영문)", "family-name", {"name": "guestLastName", "placeholder": "예: HONG"}),
    ("이름 (영문)", "given-name", {"name": "guestFirstName", "placeholder": "예: GILDONG",
                                   "neighbours": ["성 (영문)"]}),
    ("이메일", "email", {"type": "email", "name": "guestEmail"}),
    ("국가", "country", {"tag": "select", "name": "guestCountry", "options": ["대한민국", "미국", "일본"]}),
])
HOLDOUT2 += _form("ko", "회원가입", [
    ("아이디", "username", {"name": "member_id", "placeholder": "영문소문자/숫자, 4~16자"}),
    ("비밀번호", None, {"type": "password", "name": "passwd"}),
    ("비밀번호 확인", None, {"type": "password", "name": "user_passwd_confirm"}),
    ("생년월일", "bday", {"name": "birth", "placeholder": "YYYYMMDD", "maxlength": 8}),
    ("성별", "sex", {"tag": "select", "name": "gender", "options": ["선택", "남자", "여자"]}),
    ("회사명", "organization", {"name": "company_name"}),
    ("직책", "organization-title", {"name": "position"}),
    ("주민등록번호", None, {"name": "ssn", "maxlength": 13}),
    ("[선택] 마케팅 정보 수신 동의", None, {"type": "checkbox", "name": "marketing_agree"}),
    ("자동입력 방지 문자", None, {"name": "captcha", "placeholder": "보이는 문자를 입력하세요"}),
])

# --- Hindi: a shop's delivery address, a railway-style registration, a government form --------
HOLDOUT2 += _form("hi", "पता", [
    ("पूरा नाम", "name", {"name": "name"}),
    ("मोबाइल नंबर", "tel", {"type": "tel", "name": "phone", "maxlength": 10}),
    ("पिन कोड", "postal-code", {"name": "pincode", "maxlength": 6}),
    ("मकान नंबर, भवन का नाम", "address-line1", {"name": "addressLine1"}),
    ("सड़क का नाम, क्षेत्र, कॉलोनी", "address-line2", {"name": "addressLine2"}),
    ("शहर", "address-level2", {"name": "city"}),
    ("राज्य", "address-level1", {"tag": "select", "name": "state",
                                 "options": ["राज्य चुनें", "महाराष्ट्र", "दिल्ली", "उत्तर प्रदेश"]}),
    ("कूपन कोड", None, {"name": "coupon"}),
    ("मैं नियम और शर्तों से सहमत हूँ", None, {"type": "checkbox", "name": "tnc"}),
])
HOLDOUT2 += _form("hi", "पंजीकरण", [
    ("पहला नाम", "given-name", {"name": "firstName"}),
    ("मध्य नाम", "additional-name", {"name": "middleName"}),
    ("अंतिम नाम", "family-name", {"name": "lastName"}),
    ("ईमेल आईडी", "email", {"type": "email", "name": "email"}),
    ("जन्म तिथि", "bday", {"name": "dob", "placeholder": "DD/MM/YYYY"}),
    ("लिंग", "sex", {"tag": "select", "name": "gender", "options": ["चुनें", "पुरुष", "महिला", "अन्य"]}),
    ("देश", "country", {"tag": "select", "name": "country", "options": ["भारत", "नेपाल", "श्रीलंका"]}),
    ("पासवर्ड", None, {"type": "password", "name": "password"}),
    ("पासवर्ड की पुष्टि करें", None, {"type": "password", "name": "confirmPassword"}),
    ("कैप्चा दर्ज करें", None, {"name": "captcha"}),
])
HOLDOUT2 += _form("hi", "आवेदन", [
    ("कंपनी का नाम", "organization", {"name": "ctl00$ContentPlaceHolder1$txtCompany"}),
    ("पदनाम", "organization-title", {"name": "ctl00$ContentPlaceHolder1$txtDesignation"}),
    ("आधार संख्या", None, {"name": "ctl00$ContentPlaceHolder1$txtAadhaar", "maxlength": 12}),
    ("पैन नंबर", None, {"name": "ctl00$ContentPlaceHolder1$txtPAN", "maxlength": 10}),
])

# --- Indonesian: a marketplace address, a travel booking, a sign-up ---------------------------
HOLDOUT2 += _form("id", "alamat", [
    ("Nama Penerima", "name", {"name": "receiverName"}),
    ("Nomor HP", "tel", {"type": "tel", "name": "phone", "placeholder": "Contoh: 081234567890"}),
    ("Label Alamat", None, {"name": "addressName", "placeholder": "Contoh: Rumah, Kantor, Apartemen"}),
    ("Provinsi", "address-level1", {"tag": "select", "name": "province",
                                    "options": ["Pilih Provinsi", "Bali", "DKI Jakarta", "Jawa Barat"]}),
    ("Kota/Kabupaten", "address-level2", {"tag": "select", "name": "city", "options": ["Pilih Kota", "Bandung"]}),
    ("Kecamatan", "address-level3", {"tag": "select", "name": "district", "options": ["Pilih Kecamatan", "Coblong"]}),
    ("Kode Pos", "postal-code", {"name": "postalCode", "maxlength": 5}),
    ("Alamat Lengkap", "street-address", {"tag": "textarea", "name": "address",
                                          "placeholder": "Nama jalan, gedung, no. rumah"}),
    ("Catatan untuk Kurir (Opsional)", None, {"name": "note", "placeholder": "Warna rumah, patokan, pesan khusus"}),
])
HOLDOUT2 += _form("id", "pemesanan", [
    ("Titel", "honorific-prefix", {"tag": "select", "name": "title", "options": ["Tuan", "Nyonya", "Nona"]}),
    ("Nama Depan", "given-name", {"name": "firstName"}),
    ("Nama Belakang", "family-name", {"name": "lastName"}),
    ("Email", "email", {"type": "email", "name": "contactEmail"}),
    ("Tanggal Lahir", "bday", {"type": "date", "name": "dateOfBirth"}),
    ("Nomor Paspor", None, {"name": "passportNumber"}),
    ("Kode Voucher", None, {"name": "voucher"}),
])
HOLDOUT2 += _form("id", "daftar", [
    ("Jenis Kelamin", "sex", {"tag": "select", "name": "gender", "options": ["Pilih", "Laki-laki", "Perempuan"]}),
    ("Nama Perusahaan", "organization", {"name": "companyName"}),
    ("Jabatan", "organization-title", {"name": "jobTitle"}),
    ("Negara", "country", {"tag": "select", "name": "country", "options": ["Indonesia", "Malaysia", "Singapura"]}),
    ("NIK", None, {"name": "nik", "maxlength": 16}),
    ("Kata Sandi", None, {"type": "password", "name": "password"}),
    ("Konfirmasi Kata Sandi", None, {"type": "password", "name": "password_confirmation"}),
    ("Saya setuju dengan Syarat & Ketentuan", None, {"type": "checkbox", "name": "agree"}),
])

# --- Arabic: a Gulf shop's address, an account, a government-style form ------------------------
HOLDOUT2 += _form("ar", "العنوان", [
    ("الاسم الأول", "given-name", {"name": "firstName"}),
    ("اسم العائلة", "family-name", {"name": "lastName"}),
    ("رقم الجوال", "tel", {"type": "tel", "name": "mobile", "placeholder": "05XXXXXXXX"}),
    ("المدينة", "address-level2", {"tag": "select", "name": "city", "options": ["اختر المدينة", "الرياض", "جدة"]}),
    ("الحي", "address-level3", {"name": "district"}),
    ("اسم الشارع", "address-line1", {"name": "street"}),
    ("الرمز البريدي", "postal-code", {"name": "zip", "maxlength": 5}),
    ("الإمارة", "address-level1", {"tag": "select", "name": "emirate", "options": ["دبي", "أبوظبي", "الشارقة"]}),
    ("ملاحظات", None, {"tag": "textarea", "name": "notes"}),
    ("كود الخصم", None, {"name": "coupon"}),
])
HOLDOUT2 += _form("ar", "حساب", [
    ("اللقب", "honorific-prefix", {"tag": "select", "name": "title", "options": ["السيد", "السيدة", "الآنسة"]}),
    ("الاسم الكامل", "name", {"name": "fullName"}),
    ("البريد الإلكتروني", "email", {"type": "email", "name": "email"}),
    ("تاريخ الميلاد", "bday", {"type": "date", "name": "dob"}),
    ("الجنس", "sex", {"tag": "select", "name": "gender", "options": ["ذكر", "أنثى"]}),
    ("الدولة", "country", {"tag": "select", "name": "country", "options": ["السعودية", "الإمارات", "مصر"]}),
    ("كلمة المرور", None, {"type": "password", "name": "password"}),
    ("تأكيد كلمة المرور", None, {"type": "password", "name": "confirmPassword"}),
    ("أوافق على الشروط والأحكام", None, {"type": "checkbox", "name": "terms"}),
    ("الاشتراك في النشرة الإخبارية", None, {"type": "checkbox", "name": "newsletter"}),
])
HOLDOUT2 += _form("ar", "طلب", [
    ("اسم الشركة", "organization", {"name": "ctl00$MainContent$txtCompany"}),
    ("المسمى الوظيفي", "organization-title", {"name": "ctl00$MainContent$txtJobTitle"}),
    ("رقم الهاتف", "tel", {"type": "tel", "name": "ctl00$MainContent$txtPhone"}),
    ("رقم الهوية الوطنية", None, {"name": "ctl00$MainContent$txtNationalId", "maxlength": 10}),
    ("رمز التحقق", None, {"name": "ctl00$MainContent$txtCaptcha"}),
    ("رقم البطاقة", None, {"name": "ctl00$MainContent$txtCardNo", "maxlength": 16}),
])
