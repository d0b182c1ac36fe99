//! Word lists of the recognizers, looked up through one hash map from a lower-case word to
//! the lists that contain it, built on first use.

use std::collections::HashMap;
use std::hash::{BuildHasherDefault, Hasher};
use std::sync::LazyLock;

/// One word list, as a bit in the map's values.
#[derive(Clone, Copy)]
pub(crate) struct Set(u32);

pub(crate) const STATE_NAMES: Set = Set(1 << 0);
pub(crate) const STATE_CODES: Set = Set(1 << 1);
pub(crate) const STREET_SUFFIXES: Set = Set(1 << 2);
pub(crate) const UNIT_WORDS: Set = Set(1 << 3);
pub(crate) const DIRECTIONS: Set = Set(1 << 4);
pub(crate) const TITLES: Set = Set(1 << 5);
pub(crate) const CREDENTIALS: Set = Set(1 << 6);
pub(crate) const PERSON_WORDS: Set = Set(1 << 7);
pub(crate) const PARTICLES: Set = Set(1 << 8);
pub(crate) const MONTHS: Set = Set(1 << 9);
pub(crate) const NOT_NAMES: Set = Set(1 << 10);
pub(crate) const TOWN_ENDINGS: Set = Set(1 << 11);
pub(crate) const TOWN_PREFIXES: Set = Set(1 << 12);
pub(crate) const COMMON_TOWNS: Set = Set(1 << 13);
pub(crate) const PLACE_WORDS: Set = Set(1 << 14);
pub(crate) const HOTLINES: Set = Set(1 << 15);
pub(crate) const ORGANIZATION_ENDINGS: Set = Set(1 << 16);
pub(crate) const SPANISH: Set = Set(1 << 17);
pub(crate) const COUNTRY_NAMES: Set = Set(1 << 18);
const LISTS: [(Set, &[&str]); 22] = [(STATE_NAMES, STATE_NAMES_WORDS), (STATE_CODES, STATE_CODES_WORDS), (STREET_SUFFIXES, STREET_SUFFIXES_WORDS), (UNIT_WORDS, UNIT_WORDS_WORDS), (DIRECTIONS, DIRECTIONS_WORDS), (TITLES, TITLES_WORDS), (CREDENTIALS, CREDENTIALS_WORDS), (PERSON_WORDS, PERSON_WORDS_WORDS), (PARTICLES, PARTICLES_WORDS), (MONTHS, MONTHS_WORDS), (NOT_NAMES, NOT_NAMES_WORDS), (TOWN_ENDINGS, TOWN_ENDINGS_WORDS), (TOWN_PREFIXES, TOWN_PREFIXES_WORDS), (COMMON_TOWNS, COMMON_TOWNS_WORDS), (PLACE_WORDS, PLACE_WORDS_WORDS), (HOTLINES, HOTLINES_WORDS), (ORGANIZATION_ENDINGS, ORGANIZATION_ENDINGS_WORDS), (NOT_NAMES, CAPITALISED_NOUNS_WORDS), (COMMON_TOWNS, LARGE_CITIES_WORDS), (ORGANIZATION_ENDINGS, RESOURCE_ENDINGS_WORDS), (SPANISH, SPANISH_WORDS), (COUNTRY_NAMES, super::town::COUNTRIES)];

/// FNV-1a, because the keys are short and not attacker-chosen in a way that matters: a
/// collision only costs a comparison.
#[derive(Default)]
pub(crate) struct Fnv(u64);

impl Hasher for Fnv {
    fn finish(&self) -> u64 {
        self.0
    }

    fn write(&mut self, bytes: &[u8]) {
        let mut hash = if self.0 == 0 { 0xCBF2_9CE4_8422_2325 } else { self.0 };
        for &byte in bytes {
            hash ^= u64::from(byte);
            hash = hash.wrapping_mul(0x0100_0000_01B3);
        }
        self.0 = hash;
    }

    /// Mixes a length prefix in one step rather than eight byte steps.
    fn write_usize(&mut self, value: usize) {
        let hash = if self.0 == 0 { 0xCBF2_9CE4_8422_2325 } else { self.0 };
        self.0 = (hash ^ value as u64).wrapping_mul(0x0100_0000_01B3);
    }
}

/// A hash map or set builder with [`Fnv`].
pub(crate) type FnvBuild = BuildHasherDefault<Fnv>;

static WORDS: LazyLock<HashMap<&'static [u8], u32, FnvBuild>> = LazyLock::new(|| {
    let mut map: HashMap<&'static [u8], u32, FnvBuild> = HashMap::default();
    for (set, words) in LISTS {
        for word in words {
            *map.entry(word.as_bytes()).or_default() |= set.0;
        }
    }
    map
});

/// The lists that contain one word, from a single hash lookup.
#[derive(Clone, Copy, Default)]
pub(crate) struct Sets(u32);

impl Sets {
    /// Returns whether `set` is one of these lists.
    pub(crate) fn has(self, set: Set) -> bool {
        self.0 & set.0 != 0
    }
}

/// Returns the lists that contain `word` (ASCII, any case).
pub(crate) fn sets(word: &str) -> Sets {
    const MAX: usize = 24;
    if word.is_empty() || word.len() > MAX {
        return Sets(0);
    }
    let mut buffer = [0u8; MAX];
    for (slot, byte) in buffer.iter_mut().zip(word.bytes()) {
        *slot = byte.to_ascii_lowercase();
    }
    Sets(WORDS.get(&buffer[..word.len()]).copied().unwrap_or(0))
}

/// Returns whether `word` (ASCII, any case) is in `set`.
pub(crate) fn contains(set: Set, word: &str) -> bool {
    sets(word).has(set)
}

/// US states, districts and territories: names (lower case, spaces kept) and postal codes.
const STATE_NAMES_WORDS: &[&str] = &[
    "alabama", "alaska", "arizona", "arkansas", "california", "colorado", "connecticut", "delaware", "florida", "georgia",
    "hawaii", "idaho", "illinois", "indiana", "iowa", "kansas", "kentucky", "louisiana", "maine", "maryland",
    "massachusetts", "michigan", "minnesota", "mississippi", "missouri", "montana", "nebraska", "nevada", "new hampshire",
    "new jersey", "new mexico", "new york", "north carolina", "north dakota", "ohio", "oklahoma", "oregon", "pennsylvania",
    "puerto rico", "rhode island", "south carolina", "south dakota", "tennessee", "texas", "utah", "vermont", "virginia",
    "washington", "west virginia", "wisconsin", "wyoming",
];

/// USPS two-letter codes of the states, DC and the territories.
const STATE_CODES_WORDS: &[&str] = &[
    "ak", "al", "ar", "as", "az", "ca", "co", "ct", "dc", "de", "fl", "ga", "gu", "hi", "ia", "id", "il", "in", "ks", "ky",
    "la", "ma", "md", "me", "mi", "mn", "mo", "mp", "ms", "mt", "nc", "nd", "ne", "nh", "nj", "nm", "nv", "ny", "oh", "ok",
    "or", "pa", "pr", "ri", "sc", "sd", "tn", "tx", "ut", "va", "vi", "vt", "wa", "wi", "wv", "wy",
];

/// Street suffixes (USPS Publication 28, Appendix C1) and their common abbreviations.
const STREET_SUFFIXES_WORDS: &[&str] = &[
    "alley", "aly", "ave", "avenue", "bay", "bend", "blvd", "boulevard", "branch", "bridge", "brook", "brooks", "burg",
    "bypass", "camp", "canyon", "cape", "causeway", "center", "cir", "circle", "circles", "cliff", "cliffs", "club",
    "common", "corner", "corners", "course", "court", "courts", "cove", "coves", "creek", "crescent", "crest", "crossing",
    "crossroad", "ct", "curve", "dale", "dam", "divide", "dr", "drive", "drives", "estate", "estates", "expressway",
    "expy", "extension", "fall", "falls", "ferry", "field", "fields", "flat", "flats", "ford", "fords", "forest", "forge",
    "forges", "fork", "forks", "fort", "freeway", "fwy", "garden", "gardens", "gateway", "glen", "glens", "green",
    "greens", "grove", "groves", "harbor", "harbors", "haven", "heights", "highway", "hill", "hills", "hollow", "hwy",
    "inlet", "island", "islands", "isle", "junction", "junctions", "key", "keys", "knoll", "knolls", "lake", "lakes",
    "land", "landing", "lane", "light", "lights", "ln", "loaf", "lock", "locks", "lodge", "loop", "mall", "manor",
    "manors", "meadow", "meadows", "mews", "mill", "mills", "mission", "motorway", "mount", "mountain", "mountains",
    "neck", "orchard", "oval", "overpass", "park", "parks", "parkway", "parkways", "pass", "passage", "path", "pike",
    "pine", "pines", "pkwy", "pl", "place", "plain", "plains", "plaza", "point", "points", "port", "ports", "prairie",
    "radial", "ramp", "ranch", "rapid", "rapids", "rd", "rest", "ridge", "ridges", "river", "road", "roads", "route",
    "row", "rue", "run", "shoal", "shoals", "shore", "shores", "skyway", "spring", "springs", "spur", "spurs", "sq",
    "square", "squares", "st", "station", "stravenue", "stream", "street", "streets", "summit", "ter", "terrace",
    "throughway", "trace", "track", "trafficway", "trail", "trailer", "trl", "tunnel", "turnpike", "underpass", "union",
    "unions", "valley", "valleys", "via", "viaduct", "view", "views", "village", "villages", "ville", "vista", "walk",
    "walks", "wall", "way", "ways", "well", "wells",
];

/// Words that start the unit part of a street line.
const UNIT_WORDS_WORDS: &[&str] = &["apartment", "apt", "bldg", "building", "dept", "fl", "floor", "lot", "rm", "room", "ste", "suite", "unit"];

/// Compass words before a street name.
const DIRECTIONS_WORDS: &[&str] = &["e", "east", "n", "ne", "north", "nw", "s", "se", "south", "sw", "w", "west"];

/// Titles before a name.
const TITLES_WORDS: &[&str] = &[
    "coach", "det", "detective", "doctor", "dr", "judge", "miss", "mr", "mrs", "ms", "mx", "nurse", "officer", "pastor",
    "prof", "professor", "rabbi", "rev", "sgt", "sheriff", "sister",
];

/// Credentials after a clinician's name.
const CREDENTIALS_WORDS: &[&str] = &[
    "aprn", "atr", "bcba", "cadc", "ccc", "crnp", "dnp", "do", "edd", "jd", "lac", "lcadc", "lcpc", "lcsw", "licsw",
    "lmft", "lmhc", "lmsw", "lp", "lpc", "lpcc", "lsw", "ma", "md", "med", "mft", "ms", "msw", "ncc", "np", "pa",
    "phd", "pmhnp", "psyd", "rn",
];

/// Words for people after which a name follows: `my sister Ana`, `Caller Jo`.
const PERSON_WORDS_WORDS: &[&str] = &[
    "attorney", "aunt", "bf", "boss", "boyfriend", "bro", "brother", "caller", "caseworker", "child", "client",
    "coach", "colleague", "counselor", "cousin", "coworker", "dad", "daddy", "daughter", "ex", "father", "fiance",
    "fiancee", "friend", "gf", "girlfriend", "grandad", "granddaughter", "grandfather",
    "grandma", "grandmother", "grandpa", "grandson", "guardian", "husband", "lawyer", "manager", "members", "mom",
    "mommy", "mother", "mum", "neighbor", "nephew", "niece", "nurse", "officer", "partner", "patient", "pediatrician",
    "prescriber", "psychiatrist", "psychologist", "roommate", "sibling", "sis", "sister", "son", "spouse", "stepdad",
    "stepmom", "student", "supervisor", "teacher", "therapist", "uncle", "wife",
];

/// Lower-case particles inside names: `Ana de la Cruz`, `Vincent van Gogh`.
const PARTICLES_WORDS: &[&str] = &["al", "bin", "da", "das", "de", "del", "della", "der", "di", "do", "dos", "du", "el", "la", "le", "st", "van", "von", "y"];

/// The length in bytes of the longest particle, so that longer words skip the lookup.
pub(crate) const MAX_PARTICLE_BYTES: usize = {
    let mut max = 0;
    let mut index = 0;
    while index < PARTICLES_WORDS.len() {
        if PARTICLES_WORDS[index].len() > max {
            max = PARTICLES_WORDS[index].len();
        }
        index += 1;
    }
    max
};

/// Months and their abbreviations.
const MONTHS_WORDS: &[&str] = &[
    "apr", "april", "aug", "august", "dec", "december", "feb", "february", "jan", "january", "jul", "july", "jun", "june",
    "mar", "march", "may", "nov", "november", "oct", "october", "sep", "sept", "september",
];

/// Capitalised words that are never names or places on their own: days, pronouns,
/// greetings, role words, holidays, religions, brands and diseases named after people.
const NOT_NAMES_WORDS: &[&str] = &[
    "a", "about", "act", "africa", "after", "again", "all", "also", "alzheimer", "am", "amazon", "amen", "america",
    "an", "and", "any", "are", "as", "asia", "asperger", "at", "australia", "aye", "be", "because", "before", "bible",
    "bien", "blessings", "buddhist", "but", "by", "caller", "canada", "catholic", "cbt", "china", "christian",
    "christmas", "client", "como", "counselor", "crisis", "crohn", "cuando", "dbt", "dear", "did", "do", "does", "dr",
    "during", "each", "easter", "el", "email", "emdr", "england", "es", "europe", "even", "every", "facebook", "fine",
    "for", "france", "friday", "from", "germany", "god", "good", "google", "great", "had", "has", "hashimoto", "have",
    "hay", "he", "hello", "her", "here", "hey", "hi", "him", "his", "hollywood", "how", "i", "i'd", "i'll", "i'm",
    "i've", "if", "in", "india", "instagram", "ireland", "is", "it", "italy", "its", "japan", "jesus", "jewish",
    "just", "las", "let", "like", "lord", "los", "maybe", "me", "mexico", "mi", "monday", "more", "most", "mr", "mrs",
    "ms", "muslim", "muy", "my", "nada", "netflix", "no", "not", "note", "now", "of", "ok", "okay", "on", "once",
    "one", "or", "our", "para", "parkinson", "patient", "pero", "plan", "please", "por", "que", "santa", "saturday",
    "segundo", "she", "si", "so", "some", "sorry", "spain", "su", "sunday", "también", "thank", "thanks", "that",
    "the", "their", "then", "therapist", "there", "these", "they", "this", "thursday", "to", "today", "todo",
    "tomorrow", "tourette", "tu", "tuesday", "twitter", "una", "usa", "valentine", "we", "wednesday", "well", "what",
    "when", "where", "which", "while", "who", "why", "with", "ya", "yes", "yesterday", "you", "your", "youtube",
];

/// Endings of town names: `Jenkinsberg`, `South Danielhaven`.
pub(crate) const TOWN_ENDINGS_WORDS: &[&str] = &[
    "berg", "borough", "burg", "burgh", "bury", "chester", "field", "ford", "fort", "furt", "haven", "land", "mouth",
    "polis", "port", "shire", "side", "stad", "ton", "town", "view", "ville", "wood",
];

/// First words of town names: `East Kurtport`, `Lake Donald`, `New Jennifer`.
const TOWN_PREFIXES_WORDS: &[&str] = &[
    "baton", "chapel", "east", "el", "fort", "lake", "las", "los", "mount", "new", "north", "port", "saint", "san",
    "santa", "south", "st", "west",
];

/// Town names that many states share, so that a place context makes them a city.
const COMMON_TOWNS_WORDS: &[&str] = &[
    "arlington", "ashland", "atlanta", "auburn", "austin", "baltimore", "boston", "bristol", "brooklyn", "burlington",
    "calgary", "centerville", "charlotte", "chester", "chicago", "clayton", "cleveland", "clinton", "dallas",
    "dayton", "denver", "detroit", "dover", "edmonton", "fairview", "franklin", "georgetown", "greenville",
    "honolulu", "houston", "hudson", "indianapolis", "jackson", "kingston", "lebanon", "lexington", "madison",
    "manchester", "marion", "miami", "milford", "milton", "milwaukee", "minneapolis", "montreal", "nashville",
    "newport", "ontario", "orlando", "ottawa", "oxford", "philadelphia", "phoenix", "pittsburgh", "portland",
    "queens", "riverside", "sacramento", "salem", "seattle", "springfield", "toronto", "tucson", "vancouver",
    "winchester", "winnipeg",
];

/// Words before a place: `moved to Salem`, `the bus from Fairview`.
const PLACE_WORDS_WORDS: &[&str] = &["at", "from", "in", "near", "of", "outside", "to", "toward", "towards", "visiting"];

/// Last words of organization names: `Trevor Project`, `Cardinal Mutual`.
const ORGANIZATION_ENDINGS_WORDS: &[&str] = &[
    "act", "alliance", "association", "award", "benefits", "care", "center", "centre", "church", "clinic",
    "coalition", "college", "company", "corp", "corporation", "effect", "foundation", "group", "health", "helpline",
    "hospital", "hotline", "inc", "institute", "insurance", "languages", "law", "lifeline", "llc", "method",
    "ministries", "model", "mutual", "network", "partners", "prize", "program", "project", "scale", "services",
    "society", "syndrome", "talk", "test", "theory", "therapy", "university",
];

/// More capitalised words that are never names on their own: countries, faiths and their
/// followers, brands and apps, interjections, `Earth`, `Dios` and the misspelling `Ive`.
const CAPITALISED_NOUNS_WORDS: &[&str] = &[
    "atta", "awesome", "baptist", "barbie", "bravo", "brazil", "buddhists", "cali", "catholics", "christians", "cuba",
    "dang", "denmark", "dios", "disney", "earth", "egypt", "facetime", "greece", "heaven", "hindu", "ive", "korea",
    "mormon", "mormons", "muslims", "nike", "norway", "oh", "pakistan", "philippines", "pinterest", "poland",
    "portugal", "protestant", "reddit", "russia", "scotland", "skype", "snapchat", "starbucks", "sweden", "tiktok",
    "tinder", "ukraine", "vietnam", "wales", "walmart", "whatsapp",
];

/// State capitals and large US cities, so that a greeting or a place word before them makes
/// them a city: `Hi Tampa,`, `moved to Boise`. Some are also given names (`Helena`,
/// `Lincoln`), which a greeting then reports as a city.
const LARGE_CITIES_WORDS: &[&str] = &[
    "akron", "albany", "albuquerque", "anaheim", "anchorage", "annapolis", "athens", "augusta", "bakersfield",
    "birmingham", "bismarck", "boise", "buffalo", "charleston", "chattanooga", "cheyenne", "cincinnati", "columbia",
    "columbus", "concord", "durham", "fontana", "frankfort", "fremont", "fresno", "garland", "glendale", "hartford",
    "helena", "hialeah", "irvine", "jacksonville", "juneau", "knoxville", "lansing", "laredo", "lincoln", "lubbock",
    "memphis", "modesto", "montgomery", "montpelier", "newark", "norfolk", "oakland", "olympia", "omaha", "pasadena",
    "pierre", "plano", "providence", "raleigh", "reno", "richmond", "rochester", "savannah", "scottsdale", "spokane",
    "stockton", "syracuse", "tacoma", "tallahassee", "tampa", "tempe", "toledo", "topeka", "trenton", "tulsa",
    "wichita", "yonkers",
];

/// Last words of the names of support groups, services, apps, books and conditions:
/// `Overeaters Anonymous`, `Seasonal Affective Disorder`, `TED Talks`.
const RESOURCE_ENDINGS_WORDS: &[&str] = &[
    "anonymous", "app", "books", "certified", "chat", "clinics", "collective", "counseling", "counselling",
    "dialogue", "disorder", "journal", "line", "magazine", "podcast", "press", "psychologist", "talks", "wellness",
    "workbook",
];

/// Frequent Spanish words that are not English words: their share of a text's words marks
/// Spanish text, where a capitalised word opening a sentence is no name (`Necesito ayuda`).
const SPANISH_WORDS: &[&str] = &[
    "actualmente", "ahora", "al", "algo", "ambos", "amor", "aun", "ayuda", "años", "aún", "bien", "como", "con",
    "cuando", "cuál", "cuáles", "cómo", "de", "del", "donde", "día", "dónde", "el", "ella", "ellas", "ellos", "en",
    "entonces", "eres", "es", "esposa", "esposo", "esta", "estar", "este", "estoy", "está", "estás", "familia",
    "hace", "hacer", "hay", "hija", "hijo", "hijos", "hoy", "la", "las", "le", "les", "lo", "los", "madre", "mal",
    "mamá", "mi", "miedo", "mis", "mucha", "mucho", "muy", "más", "nada", "necesito", "nos", "nosotros", "novia",
    "novio", "nunca", "padre", "papá", "para", "pero", "por", "porque", "puede", "puedo", "que", "quiero", "qué",
    "se", "ser", "si", "siempre", "sin", "sobre", "soy", "su", "sus", "sí", "también", "te", "tengo", "tiempo",
    "tiene", "todo", "todos", "tu", "tú", "una", "uno", "usted", "vez", "vida", "y", "ya", "yo", "él",
];

/// Public crisis and help lines, digits only: they are not a client's PHI.
const HOTLINES_WORDS: &[&str] = &[
    "18002738255", "18004224453", "18005224357", "18006564673", "18006624357", "18007997233", "18009855990",
    "18772738255", "18775658860", "211", "311", "741741", "8002738255", "8004224453", "8006564673", "8006624357",
    "8007997233", "8009855990", "8775658860", "911", "988",
];

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn sorted_lists() {
        assert!(contains(MONTHS, "March"));
        assert!(!contains(MONTHS, "Marching"));
        for (_, list) in LISTS {
            assert!(list.windows(2).all(|pair| pair[0] < pair[1]), "{:?}", list.windows(2).find(|pair| pair[0] >= pair[1]));
        }
    }
}
