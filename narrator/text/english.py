"""English word lists shared by segmentation and attribution, and a verb lemmatiser."""

from __future__ import annotations

import functools
import re
from pathlib import Path
from typing import TYPE_CHECKING, Final, Literal

if TYPE_CHECKING:
    from collections.abc import Sequence

    from narrator.model import Gender

PRONOUNS: Final[dict[str, Gender]] = {"he": "male", "she": "female"}


_OPENING_PRONOUN: Final = re.compile(r"(He|She)\b")


def opening_pronoun(sentence: str) -> Gender | None:
    """The gender of the "He" or "She" a sentence opens with ("She's in the kitchen")."""
    match = _OPENING_PRONOUN.match(sentence)
    return PRONOUNS[match.group(1).lower()] if match else None


SPEECH_VERBS: Final = frozenset(
    """say tell ask reply answer whisper call mumble mutter murmur stutter stammer suggest
    agree correct confirm curse question repeat attempt continue add shout yell cry
    scream exclaim explain snap laugh sigh begin interrupt insist protest declare
    announce remark observe note respond retort demand inquire enquire wonder plead beg
    urge warn admit offer promise chuckle giggle groan moan grumble growl hiss bark
    breathe gasp sob sneer tease joke counter argue reason state mention comment muse
    venture assure reassure concede conclude persist press prompt encourage greet hum
    speak talk chime pipe cut lie rejoin return resume echo drawl croak squeak squeal
    shriek roar bellow holler sing chant mouth gush blurt babble prattle quip retort
    stress swear vow inform instruct order command reply think accost address hail interpose
    ejaculate opine assent pursue proceed finish query coax soothe scold chide reproach
    remonstrate expostulate falter lisp cackle snort wail whine whimper howl mock jeer scoff
    concur affirm assert acknowledge confess object complain protest apologise apologize
    exclaim recite read quote bluster boom puff fume hazard thunder sputter splutter simper
    interject interpolate lament marvel yawn explode proclaim intervene implore entreat
    beseech mourn sniff quaver chatter vociferate subjoin screech hoot grunt
    enunciate drone croon counsel corroborate coo contradict confide bawl asseverate advise
    admonish trill titter snarl purr rasp pant intone reiterate taunt jest reflect
    acquiesce""".split()
)
SPEECH_PARTICLES: Final = {
    "put": "in", "broke": "in off", "break": "in off", "broken": "in off", "struck": "in",
    "strike": "in", "cut": "in", "chimed": "in", "chime": "in", "went": "on", "go": "on",
    "goes": "on", "going": "on", "took": "up", "piped": "up", "spoke": "up", "called": "out",
    "cried": "out", "burst": "out", "rapped": "out", "sang": "out", "ground": "out",
}  # fmt: skip
"""Phrasal verbs of speech and their particles: `put in`, `broke in`, `broke off` (and
speaks again), `went on`, `rapped out`."""


def speaks(verb: str, following: str = "") -> bool:
    """Whether a verb, with the word after it, says something: `said`, `went on`."""
    if following and following.lower() in SPEECH_PARTICLES.get(verb.lower(), "").split():
        return True
    return lemma(verb) in SPEECH_VERBS


CARRY_ON_VERBS: Final = frozenset(
    """continue resume proceed pursue persist add reply answer rejoin retort respond
    begin""".split()
)
"""Speech verbs that, ending a short sentence, hand over to the quote after it (`Lucy
continued.`, `he went on in a lower voice.`)."""
SPEECH_NOUNS: Final = frozenset(
    """remark exclamation cry shout whisper voice reply answer question call chorus
    murmur mutter scream shriek greeting comment observation""".split()
)
"""Nouns that introduce speech (`the exclamation "Lord, how tired I am!"`)."""
GENDERED_NOUNS: Final[dict[str, Gender]] = {
    **dict.fromkeys(
        """woman lady girl wife mother sister daughter aunt niece grandmother widow maid
        mamma mama mum mom granny grandmamma lass
        maiden mistress madam madame queen duchess princess hostess governess bride spinster
        miss landlady housekeeper matron nun heroine actress""".split(),
        "female",
    ),
    **dict.fromkeys(
        """man gentleman boy husband father brother son uncle nephew grandfather widower
        papa dad
        fellow lad sir king duke prince host master lord chap youth landlord clergyman
        parson priest monk hero actor butler footman""".split(),
        "male",
    ),
}
"""Nouns that tell a described speaker's gender (`said the old man`)."""
PRONOUN_POSSESSIVES: Final[dict[str, Gender]] = {"his": "male", "her": "female"}
Role = Literal["matron", "maiden", "elder", "youth"]
"""A speaker's standing as a description gives it: a mother, a girl, an old man, a lad."""
ROLE_NOUNS: Final[dict[str, Role]] = {
    **dict.fromkeys(
        """mother mamma mama mum mom wife aunt grandmother grandmamma granny widow hostess
        landlady housekeeper matron duchess countess baroness""".split(),
        "matron",
    ),
    **dict.fromkeys("girl daughter niece maiden miss lass".split(), "maiden"),
    **dict.fromkeys("father papa dad husband uncle grandfather widower".split(), "elder"),
    **dict.fromkeys("boy lad youth son nephew".split(), "youth"),
}
"""Kinship and standing words a description gives its speaker by (`cried her mother`)."""
AGE_WORDS: Final[dict[str, str]] = {
    **dict.fromkeys("old older elder elderly aged".split(), "old"),
    **dict.fromkeys("young younger little".split(), "young"),
}
BEAT_VERBS: Final = frozenset(
    """nod smile grin shrug frown smirk sniff wince blush glance look stare turn lean""".split()
)
IRREGULAR: Final = {
    "said": "say", "says": "say", "told": "tell", "began": "begin", "spoke": "speak",
    "cried": "cry", "begun": "begin", "cries": "cry", "replied": "reply", "replies": "reply",
    "thought": "think",
    "went": "go", "cut": "cut", "swore": "swear", "sang": "sing", "lied": "lie",
    "bent": "bend", "sat": "sit", "stood": "stand", "fell": "fall",
    "took": "take", "gave": "give", "came": "come", "ran": "run", "saw": "see",
    "held": "hold", "kept": "keep", "left": "leave", "felt": "feel", "shook": "shake",
    "struck": "strike", "threw": "throw", "drew": "draw", "knew": "know", "caught": "catch",
    "brought": "bring", "led": "lead", "met": "meet", "hung": "hang",
    "sent": "send", "wept": "weep", "slept": "sleep", "crept": "creep", "knelt": "kneel",
    "sank": "sink", "sprang": "spring", "rode": "ride", "wrote": "write", "woke": "wake",
    "broke": "break", "drove": "drive", "flung": "fling", "got": "get",
    "made": "make", "found": "find", "heard": "hear", "put": "put", "shut": "shut",
    "fought": "fight", "sought": "seek", "taught": "teach", "bought": "buy", "lost": "lose",
    "meant": "mean", "paid": "pay", "rang": "ring", "shot": "shoot", "swept": "sweep",
    "swung": "swing", "tore": "tear", "wore": "wear", "won": "win", "understood": "understand",
    "forgot": "forget", "became": "become", "ate": "eat", "blew": "blow", "chose": "choose",
    "fled": "flee", "flew": "fly", "froze": "freeze", "grew": "grow", "hid": "hide",
    "bit": "bite", "strode": "stride", "stole": "steal", "spread": "spread", "arose": "arise",
    "awoke": "awake", "withdrew": "withdraw", "overheard": "overhear", "undertook": "undertake",
    "clung": "cling", "dealt": "deal", "lent": "lend", "slid": "slide", "stuck": "stick",
    "thrust": "thrust", "leapt": "leap", "dug": "dig", "fed": "feed", "spent": "spend",
    "rose": "rise", "lay": "lay", "laid": "lay", "burst": "burst", "set": "set",
    "leant": "lean", "bore": "bear",
}  # fmt: skip
"""Irregular forms and their base (verbs of speech, and common verbs of action that follow
a subject: `Cecil bent towards Lucy and said`)."""
AUXILIARIES: Final = frozenset(
    """is was are were has had have does did do can could will would shall should may
    might must 's 'd 'll""".split()
)
PRE_VERB_ADVERBS: Final = frozenset(
    """soon then now never still also always just often only again once too already even
    ever seldom rather quite almost herself himself themselves alone both all""".split()
)
"""Adverbs that stand between a subject and its verb ("Mr. Bennet soon assured her"),
beside those in -ly."""
ADVERB_PHRASES: Final = frozenset(
    {("at", "once"), ("at", "last"), ("at", "first"), ("at", "length"), ("of", "course")}
)
"""Two-word adverbs that do the same ("Mary at once explained")."""
SUBORDINATORS: Final = frozenset(
    """where who whom whose which what how why when while as because that if though although
    since until""".split()
)
"""A name just after these is the subject of a subordinate clause, not of its sentence."""
PREPOSITIONS: Final = frozenset(
    """of to with for at in on from about after before behind beside near towards toward
    upon into onto over under against between among without than like""".split()
)
DETERMINERS: Final = frozenset("the a an his her their this that my our your its".split())
_ING_NOUNS: Final = frozenset(
    """evening morning thing nothing something anything everything king ring spring
    string wedding ceiling building darling pudding wing feeling meeting""".split()
)
"""Words in -ing that are nouns ("one evening, Mrs. Dashwood exclaimed")."""
_WHOM: Final = frozenset(
    "him her me us them you it himself herself everyone everybody nobody somebody".split()
)


def is_object_position(word: str) -> bool:
    """Whether a name right after `word` is an object: after a preposition or a verb."""
    lowered = word.lower()
    if lowered in PREPOSITIONS:
        return True
    return (
        word.islower()
        and lowered not in AUXILIARIES
        and lowered not in _ING_NOUNS
        and lowered.endswith(("ed", "ing"))
    )


def begins_infinitive(word: str) -> bool:
    """Whether the word after "to" begins an infinitive (`to worry`), not whom (`to her`,
    `to Lucy`, `to the girl`)."""
    return word.islower() and word not in {*PRONOUNS, *DETERMINERS, *_WHOM}


TITLES: Final = frozenset("""mr mrs ms miss dr sir lady lord madam madame master""".split())
RANKS: Final = frozenset(
    """count countess baron baroness duke duchess prince princess king queen emperor
    empress colonel captain major general lieutenant sergeant admiral commander inspector
    constable detective doctor professor judge father mother sister brother reverend""".split()
)
"""Ranks and roles a name may start with ("Count Mippipopolous", "Inspector Japp"), and
by which the story then calls that one person: "said the count"."""
TITLE_GENDERS: Final[dict[str, Gender]] = {
    **dict.fromkeys(
        """mrs ms miss lady madam madame mme mlle mademoiselle dame countess baroness duchess
        marchioness princess queen empress aunt auntie""".split(),
        "female",
    ),
    **dict.fromkeys(
        """mr sir lord m monsieur master count baron duke marquis prince king emperor
        uncle""".split(),
        "male",
    ),
}
"""Titles and kinship words before a name that say its bearer's sex (lower case, no dot)."""
_GIVEN_NAMES: Final = Path(__file__).with_name("given_names.txt")


@functools.cache
def _given_names() -> dict[str, Gender]:
    table: dict[str, Gender] = {}
    for line in _GIVEN_NAMES.read_text(encoding="utf-8").splitlines():
        if line and not line.startswith("#"):
            name, sex = line.split()
            table[name] = "male" if sex == "m" else "female"
    return table


def given_name_gender(word: str) -> Gender | None:
    """The sex nearly everyone called `word` is ("Edward": male), from census data; None
    for names shared by both (Sam, Jordan) or not in it."""
    return _given_names().get(word.capitalize())


NICKNAMES: Final[dict[str, frozenset[str]]] = {
    nick: frozenset(full.split())
    for nick, full in {
        "teddy": "theodore theo edward", "ted": "edward theodore", "ned": "edward edmund",
        "bill": "william", "billy": "william", "will": "william", "liam": "william",
        "bob": "robert", "bobby": "robert", "rob": "robert", "robbie": "robert",
        "dick": "richard", "rick": "richard frederick", "jim": "james", "jimmy": "james",
        "jamie": "james", "jack": "john", "johnny": "john jonathan", "harry": "henry harold",
        "hal": "henry harold", "peggy": "margaret", "meg": "margaret megan",
        "maggie": "margaret", "lizzy": "elizabeth", "lizzie": "elizabeth", "liz": "elizabeth",
        "beth": "elizabeth bethany", "betsy": "elizabeth", "eliza": "elizabeth",
        "kate": "katherine catherine kathryn", "katie": "katherine catherine kathryn",
        "kitty": "katherine catherine", "cathy": "catherine", "kathy": "katherine kathryn",
        "sally": "sarah", "polly": "mary", "molly": "mary", "nell": "eleanor helen ellen",
        "nellie": "eleanor helen ellen", "tom": "thomas", "tommy": "thomas",
        "charlie": "charles charlotte", "chuck": "charles", "sandy": "alexander alexandra",
        "nick": "nicholas", "mike": "michael", "mickey": "michael", "dave": "david",
        "davy": "david", "sammy": "samuel samantha", "ronnie": "ronald veronica",
        "ginny": "ginevra virginia", "izzie": "isobel isabel isabella isabelle",
        "izzy": "isobel isabel isabella isabelle", "bella": "isabella isabel",
        "tony": "anthony antonio", "andy": "andrew", "drew": "andrew", "matt": "matthew",
        "chris": "christopher christine christina", "jenny": "jennifer", "fred": "frederick alfred",
        "freddie": "frederick alfred", "bert": "albert herbert bertram", "gus": "augustus angus",
        "joe": "joseph", "joey": "joseph", "danny": "daniel", "sue": "susan susannah",
        "susie": "susan susannah", "annie": "anne ann anna", "fanny": "frances",
        "frank": "francis franklin", "jo": "josephine joanna joanne",
    }.items()
}  # fmt: skip
"""Common English short forms that are not the start of the name they stand for (a name's
own beginning, "Mer" of Meredith, is recognised without a table)."""


def lemma(word: str) -> str:
    """A verb's base form, good enough for matching a verb list ("whispers" -> "whisper")."""
    word = word.lower().replace("\u2019", "'")
    if word in IRREGULAR:
        return IRREGULAR[word]
    for suffix, replacement in (
        ("ies", "y"),
        ("ied", "y"),
        ("ing", ""),
        ("es", ""),
        ("ed", ""),
        ("s", ""),
        ("d", ""),
    ):
        if word.endswith(suffix) and len(word) - len(suffix) >= 2:
            stem = word[: -len(suffix)] + replacement
            if stem in SPEECH_VERBS or stem in BEAT_VERBS:
                return stem
            if len(stem) > 2 and stem[-1] == stem[-2] and stem[:-1] in SPEECH_VERBS | BEAT_VERBS:
                return stem[:-1]
            if stem + "e" in SPEECH_VERBS or stem + "e" in BEAT_VERBS:
                return stem + "e"
    return word


def is_verb_like(word: str) -> bool:
    """A word that can follow a subject: an inflected verb, an auxiliary, a known verb."""
    lowered = word.lower()
    base = lemma(word)
    return (
        base in SPEECH_VERBS
        or base in BEAT_VERBS
        or lowered in AUXILIARIES
        or (word.islower() and lowered in IRREGULAR)
        or (word.islower() and (lowered.endswith("ed") or lowered.endswith("s")) and len(word) > 3)
    )


def verb_follows(words: Sequence[str]) -> bool:
    """Whether the words after a subject open with its verb, past an adverb between them
    (`soon assured`, `quietly said`, `at once explained`)."""
    if not words:
        return False
    if is_verb_like(words[0]):
        return True
    skip = 0
    if len(words) > 2 and (words[0].lower(), words[1].lower()) in ADVERB_PHRASES:
        skip = 2
    elif words[0].endswith("ly") or words[0] in PRE_VERB_ADVERBS:
        skip = 1
    return 0 < skip < len(words) and is_verb_like(words[skip])


INNER_VERBS: Final = frozenset(
    """think thinks thought know knows knew feel feels felt wonder wonders wondered want
    wants wanted wish wishes wished hope hopes hoped fear feared realise realised realize
    realized notice noticed remember remembered recall recalled suppose supposed guess
    guessed suspect suspected believe believed understand understood decide decided like
    liked love loved hate hated see saw hear heard watch watched sense sensed imagine
    imagined consider considered doubt doubted expect expected forget forgot long longed
    dread dreaded regret regretted worry worried miss missed bother bothered look looked
    glance glanced stare stared""".split()
)
"""Verbs of thought, feeling and perception: their subject is one the narration sees
from inside."""
_BEFORE_VERB: Final = frozenset(
    """didn't did not never couldn't could can can't wouldn't would had hadn't was wasn't
    still just only already suddenly""".split()
)


def inner_verb_follows(words: Sequence[str]) -> bool:
    """Whether the words after a subject open with a verb of thought, feeling or
    perception, past auxiliaries, negations and adverbs (`didn't know`, `suddenly
    realised`, `could see`)."""
    for word in words[:4]:
        lowered = word.lower().replace("\u2019", "'")
        if lowered in INNER_VERBS:
            return True
        if lowered not in _BEFORE_VERB and not lowered.endswith("ly"):
            return False
    return False


_NEGATIONS: Final = frozenset("not never n't nor".split())


def negates(word: str) -> bool:
    """not, never, didn't."""
    lowered = word.lower().replace("\u2019", "'")
    return lowered in _NEGATIONS or lowered.endswith("n't")


def standing_described(words: list[str], gender: Gender | None) -> Role | None:
    """The standing a description gives its speaker: "her mother" a matron, "the girl" a
    maiden, "the old man" an elder, "the lad" a youth."""
    for word in words:
        if word in ROLE_NOUNS:
            return ROLE_NOUNS[word]
    age = next((AGE_WORDS[w] for w in words if w in AGE_WORDS), None)
    if age is None or gender is None:
        return None
    if gender == "female":
        return "matron" if age == "old" else "maiden"
    return "elder" if age == "old" else "youth"
