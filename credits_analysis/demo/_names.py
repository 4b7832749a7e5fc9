"""Name pools for synthetic people and characters: several languages, accents, native scripts."""

from __future__ import annotations

import itertools
import random
from collections.abc import Mapping
from dataclasses import dataclass, field

__all__ = [
    "THEMES",
    "Theme",
    "character_name",
    "fits_gender",
    "given_name",
    "guest_part",
    "person_name",
]


@dataclass(frozen=True)
class Culture:
    """Given and family names of one language area.

    ``native`` spells some Latin names in their own script: a person drawn with one of them may
    get it as ``original_name``, as TMDB shows Korean or Japanese actors.
    """

    female: tuple[str, ...]
    male: tuple[str, ...]
    family: tuple[str, ...]
    weight: float
    family_first: bool = False
    native: Mapping[str, str] = field(default_factory=dict)
    native_joiner: str = ""


def _words(text: str) -> tuple[str, ...]:
    return tuple(w.strip() for w in text.split(",") if w.strip())


CULTURES: tuple[Culture, ...] = (
    Culture(
        female=_words(
            "Emma, Olivia, Grace, Hannah, Sarah, Rachel, Megan, Laura, Emily, Jessica, Claire,"
            " Rebecca, Abigail, Natalie, Victoria, Katherine, Lauren, Amber, Diane, Joanne, Maya,"
            " Chloe, Evelyn, Harriet, Imogen, Beth, Nicole, Tamsin, Shannon, Danielle"
        ),
        male=_words(
            "James, Daniel, Michael, Thomas, Oliver, William, Matthew, Andrew, Christopher, David,"
            " Joseph, Samuel, Benjamin, Ryan, Nathan, Jack, Harry, Edward, Luke, Adam, Marcus,"
            " Gareth, Simon, Paul, Richard, Stephen, Tyler, Jamal, Darnell, Trevor"
        ),
        family=_words(
            "Smith, Johnson, Williams, Brown, Taylor, Davies, Evans, Wilson, Thomas, Roberts,"
            " Walker, Wright, Robinson, Thompson, White, Hughes, Edwards, Green, Hall, Wood,"
            " Harris, Clarke, Jackson, Turner, Hill, Moore, Cooper, Ward, Morris, King, Baker,"
            " Carter, Mitchell, Bennett, Foster, Hayes, Washington, Brooks, Coleman, Pryce"
        ),
        weight=0.42,
    ),
    Culture(
        female=_words("Siobhán, Aoife, Niamh, Caoimhe, Róisín, Sinéad, Orla, Gráinne, Bríd"),
        male=_words("Seán, Ciarán, Pádraig, Oisín, Eoin, Cathal, Darragh, Tadhg, Colm"),
        family=_words(
            "Murphy, Kelly, O'Connor, Byrne, Gallagher, Ó Súilleabháin, Mac Giolla, Ó Briain,"
            " Doherty, Keane, Quinn"
        ),
        weight=0.08,
    ),
    Culture(
        female=_words("Léa, Chloé, Inès, Zoé, Anaïs, Hélène, Maëlle, Céline, Noémie"),
        male=_words("Théo, Jérôme, Benoît, Loïc, François, Raphaël, Gaëtan, Stéphane, Cédric"),
        family=_words(
            "Lefèvre, Moreau, Girard, Bérenger, Fontaine, Mercier, Dubois, Rousseau, Gauthier,"
            " Lemaître, Bouchard"
        ),
        weight=0.07,
    ),
    Culture(
        female=_words("Lucía, Sofía, María José, Inés, Begoña, Pilar, Ximena, Valentina"),
        male=_words("José, Andrés, Martín, Tomás, Ángel, Íñigo, Jesús, Rubén, Joaquín"),
        family=_words(
            "Núñez, Ibáñez, García, Martínez, López, Sánchez, Muñoz, Peña, Fernández, Rodríguez,"
            " Gómez, Castañeda"
        ),
        weight=0.07,
    ),
    Culture(
        female=_words("Jördis, Lena, Anja, Käthe, Ursula, Mareike"),
        male=_words("Jürgen, Jörg, Björn, Matthias, Lukas, Günther, Till"),
        family=_words("Müller, Schröder, Weiß, Köhler, Bäcker, Schäfer, Hoffmann, Krüger"),
        weight=0.04,
    ),
    Culture(
        female=_words("Małgorzata, Agnieszka, Żaneta, Katarzyna, Zofia"),
        male=_words("Łukasz, Wojciech, Paweł, Michał, Grzegorz"),
        family=_words("Nowak, Kowalczyk, Wójcik, Mazur, Krawczyk, Zając, Woźniak"),
        weight=0.03,
    ),
    Culture(
        female=_words("Åsa, Sigrún, Ingrid, Solveig, Liv, Þórunn"),
        male=_words("Bjørn, Søren, Ørjan, Håkon, Lars, Magnús"),
        family=_words("Løvås, Sørensen, Ångström, Håkansson, Lindqvist, Berg"),
        weight=0.03,
    ),
    Culture(
        female=_words("Ayşe, Özge, Çağla, Elif, Zeynep"),
        male=_words("Emre, Barış, Oğuz, Çağatay, Mehmet"),  # noqa: RUF001 (Turkish dotless i)
        family=_words("Yılmaz, Öztürk, Şahin, Çelik, Doğan, Aydın"),  # noqa: RUF001
        weight=0.03,
    ),
    Culture(
        female=_words("Chiamaka, Ngozi, Adaeze, Folake, Funmilayo, Yetunde"),
        male=_words("Chukwuemeka, Oluwaseun, Babatunde, Adebayo, Ikenna, Tunde"),
        family=_words("Okafor, Adeyemi, Okonkwo, Balogun, Eze, Nwosu, Adebisi"),
        weight=0.05,
    ),
    Culture(
        female=_words("Priya, Ananya, Kavya, Deepika, Meera, Lakshmi"),
        male=_words("Arjun, Rohan, Vikram, Rahul, Siddharth, Karthik"),
        family=_words("Sharma, Patel, Iyer, Reddy, Nair, Chatterjee, Banerjee"),
        weight=0.05,
    ),
    Culture(
        female=_words("Yasmin, Leila, Nour, Samira, Rania"),
        male=_words("Karim, Omar, Youssef, Tarek, Rami"),
        family=_words("Haddad, Mansour, Khalil, Nasser, El-Amin, Saleh"),
        weight=0.03,
    ),
    Culture(
        female=_words("Thảo, Linh, Ngọc, Hương"),
        male=_words("Minh, Dũng, Quang, Huy"),
        family=_words("Nguyễn, Trần, Lê, Phạm, Võ"),
        weight=0.02,
        family_first=True,
    ),
    Culture(
        female=_words("Yui, Haruka, Aoi, Misaki"),
        male=_words("Haruto, Ren, Kenji, Takeshi"),
        family=_words("Tanaka, Suzuki, Takahashi, Watanabe, Nakamura"),
        weight=0.03,
        native={
            "Yui": "結衣",
            "Haruka": "遥",
            "Aoi": "葵",
            "Misaki": "美咲",
            "Haruto": "陽翔",
            "Ren": "蓮",
            "Kenji": "健二",
            "Takeshi": "武",
            "Tanaka": "田中",
            "Suzuki": "鈴木",
            "Takahashi": "高橋",
            "Watanabe": "渡辺",
            "Nakamura": "中村",
        },
    ),
    Culture(
        female=_words("Ji-eun, Seo-yeon, Min-ji, Ha-eun"),
        male=_words("Min-jun, Ji-ho, Seung-woo, Dong-hyun"),
        family=_words("Kim, Lee, Park, Choi, Jung"),
        weight=0.03,
        family_first=True,
        native={
            "Ji-eun": "지은",
            "Seo-yeon": "서연",
            "Min-ji": "민지",
            "Ha-eun": "하은",
            "Min-jun": "민준",
            "Ji-ho": "지호",
            "Seung-woo": "승우",
            "Dong-hyun": "동현",
            "Kim": "김",
            "Lee": "이",
            "Park": "박",
            "Choi": "최",
            "Jung": "정",
        },
    ),
    Culture(
        female=_words("Eleni, Katerina, Sofia"),
        male=_words("Giorgos, Nikos, Dimitris"),
        family=_words("Papadopoulos, Nikolaidis, Georgiou"),
        weight=0.02,
        native={
            "Eleni": "Ελένη",
            "Katerina": "Κατερίνα",
            "Sofia": "Σοφία",
            "Giorgos": "Γιώργος",
            "Nikos": "Νίκος",
            "Dimitris": "Δημήτρης",
            "Papadopoulos": "Παπαδόπουλος",
            "Nikolaidis": "Νικολαΐδης",
            "Georgiou": "Γεωργίου",
        },
        native_joiner=" ",
    ),
)
_CUMULATIVE_WEIGHTS = tuple(itertools.accumulate(c.weight for c in CULTURES))
_NEUTRAL_GIVEN = _words("Alex, Sam, Robin, Jordan, Charlie, Sasha, Eden, Noa, Ari, Rowan, Quinn")
_ENGLISH = CULTURES[0]
_FEMALE_WORDS = {"Mrs.", "Ms.", "Mother", "Wife", "Sister", "Landlady", "Daughter"}
_MALE_WORDS = {"Mr.", "Father", "Son", "Husband"}


@dataclass(frozen=True)
class Theme:
    """The vocabulary of one kind of series."""

    genres: tuple[tuple[int, str], ...]  # TMDB genre ids and names
    titles: tuple[str, ...]  # prefixes of regular and recurring characters' names
    guests: tuple[str, ...]  # guest parts; "{family}" and "{given}" are filled in
    advisor_job: str  # the Crew department's technical advisor
    overview: str


THEMES: Mapping[str, Theme] = {
    "hospital": Theme(
        genres=((18, "Drama"),),
        titles=("Dr.", "Dr.", "Dr.", "Nurse", "Nurse", "", "", "Sister", "Mr."),
        guests=(
            "Patient",
            "Paramedic",
            "Mrs. {family}",
            "Mr. {family}",
            "Anxious Father",
            "Young Mother",
            "Porter",
            "Radiologist",
            "Security Guard",
            "Receptionist",
            "Social Worker",
            "Police Officer",
            "Reporter",
            "Pharmacist",
            "Dr. {family}",
            "{given} {family}",
            "{given}",
            "Anaesthetist",
            "Student Nurse",
            "Coroner",
            "Patient's Wife",
            "Patient's Son",
            "Surgeon",
            "Locum",
            "Ambulance Driver",
        ),
        advisor_job="Technical Advisor",
        overview="Doctors and nurses of a city hospital, season after season. Synthetic data.",
    ),
    "coastal": Theme(
        genres=((80, "Crime"), (18, "Drama")),
        titles=("DI", "DS", "DC", "", "", "", "Father"),
        guests=(
            "Fisherman",
            "Harbour Master",
            "Mrs. {family}",
            "Mr. {family}",
            "Barman",
            "Coastguard",
            "Journalist",
            "Pathologist",
            "Ferry Captain",
            "Suspect",
            "{given} {family}",
            "{given}",
            "Witness",
            "Uniformed Officer",
            "Landlady",
            "Solicitor",
            "Lifeboat Volunteer",
            "Birdwatcher",
            "Hotel Guest",
        ),
        advisor_job="Police Advisor",
        overview="A detective returns to the coast she grew up on. Synthetic data.",
    ),
}


def _culture(rng: random.Random) -> Culture:
    return rng.choices(CULTURES, cum_weights=_CUMULATIVE_WEIGHTS)[0]


def given_name(rng: random.Random, gender: int, culture: Culture | None = None) -> str:
    """A given name that fits TMDB gender code ``gender`` ("not set" hides a real one)."""
    if gender == 3:
        return rng.choice(_NEUTRAL_GIVEN)
    if gender == 0:
        gender = rng.choice((1, 2))
    culture = culture or _culture(rng)
    return rng.choice(culture.female if gender == 1 else culture.male)


def person_name(rng: random.Random, gender: int) -> tuple[str, str]:
    """A person's ``name`` and ``original_name`` (in its native script for some people)."""
    culture = _culture(rng)
    given = given_name(rng, gender, culture)
    family = rng.choice(culture.family)
    parts = (family, given) if culture.family_first else (given, family)
    name = " ".join(parts)
    if given in culture.native and rng.random() < 0.5:
        if culture.native_joiner:
            return name, culture.native_joiner.join(culture.native[p] for p in parts)
        # Japanese and Korean write the family name first, without a space.
        return name, culture.native[family] + culture.native[given]
    return name, name


def character_name(rng: random.Random, theme: Theme, gender: int) -> str:
    """A named regular or recurring character whose name and title fit the actor's gender."""
    titles = [t for t in theme.titles if fits_gender(t, gender)]
    family = rng.choice(_culture(rng).family)
    return f"{rng.choice(titles)} {given_name(rng, gender)} {family}".strip()


def guest_part(rng: random.Random, template: str, gender: int) -> str:
    """Fill a guest part's ``{given}`` and ``{family}`` placeholders."""
    return template.format(family=rng.choice(_ENGLISH.family), given=given_name(rng, gender))


def fits_gender(text: str, gender: int) -> bool:
    """Whether a gendered word of a part (Mrs., Father, ...) suits TMDB gender code ``gender``."""
    words = set(text.replace("'s", "").split())
    if words & _FEMALE_WORDS:
        return gender in (0, 1)
    if words & _MALE_WORDS:
        return gender in (0, 2)
    return True
