"""Form label → profile field, deterministically.

Steps: normalise (lower case, accents folded, punctuation and filler words dropped, "e-mail"
joined), read an address line number ("Address line 2", "Adresse ligne 2", "Apt/Suite"), then
find the longest synonym phrase (English, French, German, Spanish, Italian, Dutch, Portuguese)
occurring in the label, exact tokens before compound suffixes ("Lieferadresse" ends with
"adresse"), and finally a token-overlap score. Below the threshold the answer is None: no
guessing.
"""

from __future__ import annotations

import re
import unicodedata
from dataclasses import dataclass

# field -> phrases (already folded: lower case, no accents; tokens separated by spaces)
SYNONYMS: dict[str, tuple[str, ...]] = {
    "name": (
        "name", "full name", "your name", "names", "complete name", "name and surname", "first and last name",
        "nom complet", "nom et prenom", "prenom et nom", "nom prenom",
        "vollstandiger name", "vor und nachname", "vor und zuname",
        "nombre completo", "nombre y apellidos", "nome completo", "nome e cognome",
        "volledige naam", "naam", "nombre", "nome",
    ),
    "honorific-prefix": (
        "title", "salutation", "honorific", "prefix", "civilite", "anrede", "tratamiento", "titolo",
        "aanhef", "tratamento", "mr mrs", "mr ms",
    ),
    "given-name": (
        "first name", "given name", "forename", "first", "fname", "prenom", "vorname", "nombre de pila",
        "nombre propio", "voornaam", "primeiro nome", "nome proprio", "nome di battesimo", "christian name",
    ),
    "additional-name": (
        "middle name", "middle initial", "second name", "deuxieme prenom", "zweiter vorname",
        "segundo nombre", "secondo nome", "nome do meio",
    ),
    "family-name": (
        "last name", "surname", "family name", "lastname", "lname", "second surname", "nom de famille", "nom",
        "nachname", "familienname", "zuname", "apellido", "apellidos", "primer apellido", "cognome",
        "achternaam", "familienaam", "sobrenome", "apelido", "ultimo nome",
    ),
    "honorific-suffix": ("suffix", "name suffix", "jr sr"),
    "maiden-name": ("maiden name", "mother s maiden name", "nom de jeune fille", "geburtsname",
                    "apellido de soltera", "cognome da nubile", "meisjesnaam", "nome de solteira"),
    "nickname": ("nickname", "preferred name", "display name", "surnom", "spitzname", "apodo", "soprannome",
                 "roepnaam", "apelido preferido"),
    "bday": (
        "date of birth", "birth date", "birthdate", "birthday", "dob", "d o b", "born on",
        "date de naissance", "ne le", "nee le", "anniversaire", "geburtsdatum", "geburtstag", "geboren am",
        "fecha de nacimiento", "fecha nacimiento", "cumpleanos", "data di nascita", "nato il", "compleanno",
        "geboortedatum", "verjaardag", "data de nascimento", "aniversario", "nascimento",
    ),
    "bday-day": ("birth day", "day of birth", "jour de naissance", "geburtstag tag", "dia de nacimiento"),
    "bday-month": ("birth month", "month of birth", "mois de naissance", "geburtsmonat", "mes de nacimiento"),
    "bday-year": ("birth year", "year of birth", "annee de naissance", "geburtsjahr", "ano de nacimiento",
                  "anno di nascita", "geboortejaar", "ano de nascimento"),
    "sex": ("gender", "sex", "sexe", "genre", "geschlecht", "sexo", "genero", "sesso", "geslacht"),
    "language": (
        "language", "preferred language", "languages spoken", "langue", "langue preferee", "sprache",
        "muttersprache", "idioma", "lengua", "lingua", "taal", "voorkeurstaal", "lingua preferida",
    ),
    "nationality": ("nationality", "citizenship", "nationalite", "staatsangehorigkeit", "nationalitat",
                    "nacionalidad", "nazionalita", "cittadinanza", "nationaliteit", "nacionalidade"),
    "place-of-birth": ("place of birth", "birthplace", "city of birth", "lieu de naissance", "geburtsort",
                       "lugar de nacimiento", "luogo di nascita", "geboorteplaats", "local de nascimento",
                       "naturalidade"),
    "email": (
        "email", "email address", "mail", "your email", "courriel", "adresse electronique", "adresse email",
        "emailadresse", "email adresse", "correo", "correo electronico", "posta elettronica",
        "indirizzo email", "emailadres", "email adres", "endereco de email", "endereco eletronico",
        "correio eletronico",
    ),
    "tel": (
        "phone", "phone number", "telephone", "telephone number", "tel", "tel no", "mobile", "mobile number",
        "mobile phone", "cell", "cell phone", "cellphone", "contact number", "phone no", "ph",
        "numero de telephone", "portable", "telephone portable", "numero de portable", "tel portable",
        "telefon", "telefonnummer", "handy", "handynummer", "mobilnummer", "mobiltelefon", "rufnummer",
        "telefono", "numero de telefono", "movil", "celular", "telefono movil", "numero di telefono",
        "cellulare", "telefoonnummer", "mobiel", "mobiel nummer", "mobiele telefoon", "telemovel",
        "numero de telemovel", "telefone", "numero de celular", "tlf", "tfno", "tlf movil",
    ),
    "url": ("website", "web site", "url", "homepage", "home page", "site web", "site internet", "webseite",
            "sitio web", "pagina web", "sito web", "sito", "personal website", "blog", "portfolio"),
    "username": ("username", "user name", "login", "user id", "nom d utilisateur", "benutzername",
                 "nombre de usuario", "nome utente", "gebruikersnaam", "nome de usuario"),
    "street-address": (
        "address", "street address", "home address", "postal address", "mailing address", "full address",
        "residential address", "adresse", "adresse postale", "anschrift", "adresse complete", "wohnadresse",
        "direccion", "domicilio", "direccion postal", "indirizzo", "residenza", "indirizzo di residenza",
        "adres", "woonadres", "postadres", "endereco", "morada", "endereco completo", "residencia",
        "shipping address", "billing address", "delivery address",
    ),
    "address-line1": (
        "address line 1", "street", "street and number", "street and house number", "house number",
        "street name", "rue", "numero et rue", "numero et nom de rue", "strasse", "strasse und hausnummer",
        "hausnummer", "strasse hausnummer", "calle", "calle y numero", "via", "via e numero civico",
        "numero civico", "straat", "straatnaam", "huisnummer", "straat en huisnummer", "rua", "numero",
        "logradouro", "address 1", "line 1",
    ),
    "address-line2": (
        "address line 2", "apt", "apartment", "suite", "unit", "apt suite", "flat", "building", "floor",
        "complement d adresse", "complement", "appartement", "batiment", "etage", "adresszusatz", "zusatz",
        "wohnung", "stockwerk", "piso", "puerta", "departamento", "apartamento", "interno", "scala",
        "toevoeging", "complemento", "andar", "c o", "care of", "address 2", "line 2", "lieu dit",
    ),
    "address-line3": ("address line 3", "address 3", "line 3"),
    "address-level2": (
        "city", "town", "city town", "suburb", "locality", "ville", "commune", "localite", "stadt", "ort",
        "wohnort", "gemeinde", "ciudad", "localidad", "municipio", "poblacion", "citta", "comune", "localita",
        "plaats", "woonplaats", "gemeente", "cidade", "localidade", "concelho",
    ),
    "address-level1": (
        "state", "province", "region", "state province", "county", "state province region", "prefecture",
        "departement", "bundesland", "kanton", "provincia", "estado", "comunidad autonoma", "regione",
        "provincie", "distrito", "estado provincia", "territory",
    ),
    "postal-code": (
        "zip", "zip code", "zipcode", "postal code", "postcode", "post code", "postal", "code postal", "cp",
        "plz", "postleitzahl", "codigo postal", "cap", "codice postale", "codice avviamento postale", "cep",
        "postal zip code", "zip postal code", "postnummer",
    ),
    "country-name": (
        "country", "country region", "nation", "pays", "land", "staat", "pais", "paese", "nazione",
        "country of residence", "pays de residence", "wohnsitzland", "pais de residencia", "paese di residenza",
        "land van verblijf",
    ),
    "organization": (
        "company", "organization", "organisation", "employer", "company name", "business name", "business",
        "current employer", "workplace", "entreprise", "societe", "employeur", "organisme", "firma",
        "unternehmen", "arbeitgeber", "firmenname", "empresa", "compania", "organizacion", "empleador",
        "azienda", "societa", "datore di lavoro", "ditta", "bedrijf", "werkgever", "organisatie",
        "bedrijfsnaam", "empregador", "organizacao", "employer name", "company organization",
    ),
    "organization-title": (
        "job title", "title position", "position", "occupation", "job", "role", "profession", "job role",
        "designation", "poste", "fonction", "metier", "intitule du poste", "beruf", "berufsbezeichnung",
        "position im unternehmen", "stellenbezeichnung", "taetigkeit", "tatigkeit", "cargo", "puesto",
        "ocupacion", "profesion", "posizione", "professione", "qualifica", "mansione", "functie", "beroep",
        "functietitel", "funcao", "profissao", "ocupacao",
    ),
    "education": ("school", "university", "college", "education", "ecole", "universite", "schule",
                  "universitat", "hochschule", "escuela", "universidad", "scuola", "universita", "school",
                  "universiteit", "escola", "universidade", "alma mater"),
    "partner": ("spouse", "partner", "husband", "wife", "spouse name", "name of spouse", "conjoint",
                "epoux", "epouse", "ehepartner", "ehefrau", "ehemann", "lebenspartner", "conyuge", "esposo",
                "esposa", "pareja", "coniuge", "marito", "moglie", "echtgenoot", "echtgenote", "conjuge",
                "marido", "significant other"),
    "children": ("children", "kids", "child", "number of children", "enfants", "kinder", "hijos", "figli",
                 "kinderen", "filhos", "dependents"),
    "relatives": ("family", "relatives", "family members", "famille", "familie", "familia", "famiglia",
                  "parents", "siblings"),
    "pets": ("pets", "pet", "pet name", "animal", "animaux", "animal de compagnie", "haustier", "haustiere",
             "mascota", "mascotas", "animale domestico", "huisdier", "huisdieren", "animal de estimacao",
             "dog", "cat"),
    "emergency-contact": ("emergency contact", "in case of emergency", "ice", "emergency contact name",
                          "personne a prevenir", "contact d urgence", "notfallkontakt", "contacto de emergencia",
                          "contatto di emergenza", "noodcontact", "contacto de emergencia"),
    "dietary-preferences": ("dietary requirements", "dietary preferences", "dietary restrictions", "diet",
                            "meal preference", "special diet", "regime alimentaire", "ernahrung",
                            "ernahrungsweise", "dieta", "preferencias alimentarias", "esigenze alimentari",
                            "dieetwensen", "restricoes alimentares", "meal"),
    "frequent-flyer-number": ("frequent flyer number", "frequent flyer", "loyalty number", "miles number",
                              "ffn", "numero de grand voyageur", "vielfliegernummer", "viajero frecuente",
                              "numero frequent flyer", "frequent flyer nummer", "passageiro frequente"),
    "passport-number": ("passport", "passport number", "passport no", "numero de passeport", "passeport",
                        "reisepass", "reisepassnummer", "passnummer", "pasaporte", "numero de pasaporte",
                        "passaporto", "numero di passaporto", "paspoort", "paspoortnummer", "passaporte",
                        "numero do passaporte"),
    "national-id": ("national id", "id number", "identity card", "id card number", "national id number",
                    "carte d identite", "numero de carte d identite", "personalausweis",
                    "personalausweisnummer", "ausweisnummer", "dni", "nie", "documento de identidad",
                    "carta d identita", "codice fiscale", "bsn", "burgerservicenummer", "identiteitskaart",
                    "cpf", "cartao de cidadao", "bilhete de identidade", "rg"),
    "drivers-license": ("driver s license", "drivers license", "driving licence", "driver license number",
                        "license number", "permis de conduire", "fuhrerschein", "carnet de conducir",
                        "patente", "rijbewijs", "carta de conducao"),
    "tax-id": ("ssn", "social security number", "tax id", "tax number", "tin", "national insurance number",
               "numero fiscal", "numero de securite sociale", "steuernummer", "steuer id", "nif", "nss",
               "numero di previdenza", "sofinummer", "nuss", "numero de contribuinte"),
    "allergies": ("allergies", "allergy", "allergic to", "allergies alimentaires", "allergien", "alergias",
                  "allergie", "allergieen", "alergia"),
    "blood-type": ("blood type", "blood group", "groupe sanguin", "blutgruppe", "grupo sanguineo",
                   "gruppo sanguigno", "bloedgroep"),
    "health": ("medical conditions", "health", "medical information", "medications", "medical history",
               "sante", "antecedents medicaux", "gesundheit", "vorerkrankungen", "salud", "salute",
               "gezondheid", "saude", "condicoes medicas"),
    "iban": ("iban", "bank account", "account number", "bank account number", "rib", "compte bancaire",
             "bankverbindung", "kontonummer", "cuenta bancaria", "numero de cuenta", "conto corrente",
             "rekeningnummer", "bankrekening", "conta bancaria", "nib"),
    "cc-number": ("card number", "credit card", "credit card number", "numero de carte", "carte bancaire",
                  "kartennummer", "kreditkarte", "numero de tarjeta", "tarjeta de credito", "numero di carta",
                  "carta di credito", "kaartnummer", "numero do cartao", "cartao de credito"),
}

# Words that qualify an address without changing the field ("Shipping address line 2").
QUALIFIERS = frozenset(
    "shipping billing delivery home mailing current permanent residential primary main secondary "
    "livraison facturation domicile actuelle actuel liefer rechnungs envio entrega facturacion "
    "spedizione fatturazione consegna bezorg factuur aflever cobranca faturacao your you votre vos ton ta "
    "tes ihre ihr dein deine su sus tu tus il la lo tuo tua uw je jouw seu sua teu tua please enter "
    "required optional obligatoire facultatif pflichtfeld optional obligatorio opcional obbligatorio "
    "facoltativo verplicht optioneel obrigatorio de du des der die das del della di van of the le les el "
    "los las o a e et and und y en".split()
)
# German/Dutch compound prefixes that only qualify ("Lieferadresse", "Rechnungsadresse").
_COMPOUND_QUALIFIERS = ("liefer", "rechnungs", "versand", "wohn", "bezorg", "factuur", "aflever", "post")

_LINE_WORDS = ("line", "ligne", "zeile", "linea", "linha", "regel", "riga", "address", "adresse",
               "direccion", "indirizzo", "adres", "endereco", "street", "strasse", "rue", "calle",
               "straat", "rua", "via")
_LINE_RE = re.compile(r"\b(?:" + "|".join(_LINE_WORDS) + r")\s*(?:no\s*|n\s*|nr\s*)?([123])\b")
_APT_WORDS = frozenset("apt apartment suite unit flat building floor appartement batiment etage wohnung "
                       "stockwerk piso puerta departamento apartamento interno scala toevoeging complemento "
                       "complement andar adresszusatz".split())
_NEGATIVE = tuple(tuple(p.split()) for p in (
    "password", "passwort", "contrasena", "mot de passe", "wachtwoord", "senha", "captcha", "coupon", "promo",
    "quantity", "comments", "comment", "message", "fax", "hear about"))

MIN_OVERLAP = 0.6


@dataclass(frozen=True)
class LabelMatch:
    """Which field a label asks for, and how the match was made."""

    field: str
    score: float        # 1.0 exact phrase, less for partial matches
    method: str         # "line" | "exact" | "phrase" | "compound" | "overlap"


def fold(text: str) -> str:
    """Lower case without accents (é → e, ß → ss, ø → o)."""
    text = text.replace("ß", "ss").replace("ø", "o").replace("Ø", "o").replace("æ", "ae")
    nfkd = unicodedata.normalize("NFKD", text)
    return "".join(ch for ch in nfkd if not unicodedata.combining(ch)).lower()


def normalize(label: str) -> list[str]:
    """The label's tokens: folded, punctuation dropped, "e-mail" joined, fillers kept."""
    s = fold(label)
    s = re.sub(r"\((?:optional|required|facultatif|obligatoire|optionnel|opcional|facoltativo)\)", " ", s)
    s = re.sub(r"\be[\s\-–.]?mail", "email", s)
    s = re.sub(r"(\w)['’]s\b", r"\1", s)
    s = re.sub(r"(\w)['’](\w)", r"\1 \2", s)
    s = re.sub(r"([a-z])(\d)", r"\1 \2", s)
    s = re.sub(r"[^a-z0-9]+", " ", s)
    return s.split()


def _strip_qualifiers(tokens: list[str]) -> list[str]:
    out: list[str] = []
    for t in tokens:
        if t in QUALIFIERS:
            continue
        for p in _COMPOUND_QUALIFIERS:
            rest = t[len(p):]
            if t.startswith(p) and len(rest) >= 4 and rest in _PHRASE_TOKENS:
                t = rest
                break
        out.append(t)
    return out


_PHRASE_TOKENS = frozenset(t for ps in SYNONYMS.values() for p in ps for t in p.split())


def _phrases() -> list[tuple[tuple[str, ...], str]]:
    out: dict[tuple[str, ...], str] = {}
    for f, ps in SYNONYMS.items():
        for p in ps:
            toks = p.split()
            for key in (tuple(toks), tuple(_strip_qualifiers(toks))):
                if key:
                    out.setdefault(key, f)
    return sorted(out.items(), key=lambda pf: (-sum(len(t) for t in pf[0]), pf[1], pf[0]))


_PHRASES = _phrases()
_EXACT: dict[tuple[str, ...], str] = dict(_PHRASES)


def _contains(seq: list[str], sub: tuple[str, ...]) -> bool:
    n = len(sub)
    return any(tuple(seq[i:i + n]) == sub for i in range(len(seq) - n + 1))


def match(label: str) -> LabelMatch | None:
    """The field ``label`` asks for, or None when it cannot be told (never a guess)."""
    raw = normalize(label)
    if not raw:
        return None
    if any(_contains(raw, n) for n in _NEGATIVE) and not (set(raw) & {"email", "address", "adresse"}):
        return None
    joined = " ".join(raw)
    m = _LINE_RE.search(joined)
    if m:
        return LabelMatch(f"address-line{m.group(1)}", 1.0, "line")
    tokens = _strip_qualifiers(raw) or raw
    if set(tokens) & _APT_WORDS:
        return LabelMatch("address-line2", 1.0, "line")
    for cand in (tuple(raw), tuple(tokens)):
        if cand in _EXACT:
            return LabelMatch(_EXACT[cand], 1.0, "exact")
    for phrase, f in _PHRASES:  # longest phrase first
        if _contains(raw, phrase) or _contains(tokens, phrase):
            return LabelMatch(f, 0.9, "phrase")
    compound = _compound(tokens)
    return compound if compound is not None else _overlap(tokens)


def _compound(tokens: list[str]) -> LabelMatch | None:
    """Compound words: a label token ending with a one-word phrase ("Rechnungsanschrift"); the
    longest such phrase wins."""
    best: tuple[int, str] | None = None
    for t in tokens:
        for phrase, f in _PHRASES:
            if len(phrase) == 1 and len(phrase[0]) >= 5 and t != phrase[0] and t.endswith(phrase[0]):
                if best is None or len(phrase[0]) > best[0]:
                    best = (len(phrase[0]), f)
    return None if best is None else LabelMatch(best[1], 0.8, "compound")


def _overlap(tokens: list[str]) -> LabelMatch | None:
    """Token overlap with each phrase (Jaccard), for reordered or padded labels."""
    ts = set(tokens)
    scored: list[tuple[float, str]] = []
    for phrase, f in _PHRASES:
        ps = set(phrase)
        j = len(ts & ps) / len(ts | ps)
        if j >= MIN_OVERLAP:
            scored.append((j, f))
    if not scored:
        return None
    scored.sort(key=lambda x: (-x[0], x[1]))
    return LabelMatch(scored[0][1], scored[0][0], "overlap")


def field_for(label: str) -> str | None:
    """The field a form label asks for, or None when it cannot be told."""
    m = match(label)
    return None if m is None else m.field
