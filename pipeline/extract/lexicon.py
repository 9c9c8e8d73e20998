"""Word lists the extraction rules share. Data only: no logic beyond building lookups."""

from __future__ import annotations


def _words(text: str) -> frozenset[str]:
    return frozenset(w.strip() for w in text.split("|") if w.strip())


# Honorifics are dropped from names; peerages ("Lord Woolf") are part of the name.
HONORIFICS = _words("Mr|Mrs|Ms|Miss|Mx|Dr|Sir|Dame|Prof|Professor|Rev|Reverend|Mr.|Mrs.|Ms.|Dr.|Prof.|"
                    "Rev.|Herr|Frau|Mme|Monsieur|Madame|Signor|Señor|Sr|Sra|Sheikh|Rabbi|Imam|Father|Sister")
PEERAGES = _words("Lord|Lady|Baroness|Baron|Earl|Viscount|Duke|Duchess|Countess|Marquess")
MALE_HONORIFICS = _words("Mr|Mr.|Sir|Lord|Baron|Earl|Viscount|Duke|Marquess|Herr|Monsieur|Signor|Señor|"
                         "Sr|Father|King|Prince")
FEMALE_HONORIFICS = _words("Mrs|Ms|Miss|Mrs.|Ms.|Dame|Lady|Baroness|Duchess|Countess|Frau|Mme|Madame|"
                           "Sra|Sister|Queen|Princess")

# Nouns that head a role ("Home Secretary", "spokeswoman for women", "director general").
ROLE_HEADS = _words(
    "president|minister|secretary|chancellor|premier|commissioner|envoy|ambassador|governor|senator|"
    "congressman|congresswoman|representative|mp|mep|mayor|leader|chairman|chairwoman|chair|chairperson|"
    "chief|director|head|executive|officer|spokesman|spokeswoman|spokesperson|adviser|advisor|"
    "counsel|lawyer|solicitor|barrister|attorney|judge|justice|magistrate|prosecutor|inspector|"
    "superintendent|constable|sergeant|detective|general|admiral|colonel|major|captain|commander|"
    "lieutenant|marshal|king|queen|prince|princess|pope|cardinal|archbishop|bishop|chaplain|imam|rabbi|"
    "economist|analyst|strategist|professor|lecturer|researcher|scientist|expert|editor|correspondent|"
    "reporter|journalist|columnist|founder|co-founder|owner|partner|manager|coach|captain|striker|"
    "president-elect|chancellor-elect|treasurer|registrar|clerk|speaker|whip|deputy|member|"
    "son-in-law|daughter-in-law|father-in-law|mother-in-law|son|daughter|wife|husband|father|mother|"
    "brother|sister|widow|campaigner|activist|organiser|negotiator|mediator|delegate|official|"
    "administrator|regulator|governor-general|emir|sultan|sheikh|ceo|cfo|coo|cto|md|vice-president|"
    "boss|candidate|nominee|campaign|spokesman|principal|dean|provost|vice-chancellor|warden|"
    "auditor|ombudsman|coroner|surgeon|doctor|nurse|pilot|teacher|student|author|writer|novelist|"
    "historian|pollster|actor|actress|singer|player|midfielder|defender|goalkeeper|manager|"
    "superstar|star|champion|runner|athlete|secretary-general|director-general|commissioner-general|"
    "ruler|monarch|tsar|czar|chieftain|whistleblower|witness|victim|suspect|defendant|claimant|"
    "applicant|petitioner|complainant|plaintiff|resident|citizen|voter|worker|employee|staff"
)

# Words that modify a role head inside a role phrase ("Shadow home", "Deputy Prime", "Foreign").
ROLE_MODIFIERS = _words(
    "prime|deputy|vice|acting|interim|former|ex|shadow|junior|senior|chief|special|general|foreign|home|"
    "defence|defense|health|education|trade|industry|finance|financial|interior|justice|culture|media|"
    "sport|transport|environment|energy|work|works|pensions|business|economic|treasury|state|local|"
    "government|communities|family|families|women|equality|equalities|science|technology|digital|"
    "northern|ireland|scotland|scottish|wales|welsh|european|international|development|"
    "agriculture|food|rural|affairs|housing|planning|employment|labour|immigration|security|"
    "intelligence|armed|forces|police|crime|constitutional|legal|attorney|solicitor|first|second|"
    "third|assistant|associate|executive|managing|operating|technology|marketing|regional|national|"
    "federal|party|group|committee|policy|press|communications|investment|investor|union|trades|"
    "general|lord|high|supreme|district|county|city|metropolitan|royal|army|navy|air|force|"
    "commanding|lead|principal|co|joint|outgoing|incoming|newly|elected|appointed|designate|"
    "democratic|republican|conservative|tory|liberal|democrat|green|independent|opposition|"
    "cabinet|minority|majority|house|senate|commons|lords|parliamentary|council|mayoral|"
    "us|uk|eu|un|nato|britain|british|the|of|for|to|and|on|in|at"
)

# Common words that begin a capitalised run at the start of a sentence but are never names.
NOT_NAME_WORDS = _words(
    "The|A|An|In|On|At|By|For|From|To|Of|And|But|Or|Nor|So|Yet|If|As|It|Its|It's|He|She|They|We|I|You|"
    "His|Her|Their|Our|My|Your|This|That|These|Those|There|Here|When|Where|While|Whilst|After|Before|"
    "During|Since|Until|Although|Though|However|Meanwhile|Also|Then|Now|Today|Yesterday|Tomorrow|"
    "Earlier|Later|Last|Next|Some|Many|Most|More|Few|All|Both|Each|Every|Other|Another|Such|No|Not|"
    "One|Two|Three|Four|Five|Six|Seven|Eight|Nine|Ten|First|Second|Third|Under|Over|With|Without|"
    "About|Against|Between|Among|Amid|Despite|Following|According|Asked|Speaking|Addressing|"
    "Writing|Notable|Mr|Mrs|Ms|Dr|What|Why|How|Who|Whom|Which|Whose|Will|Would|Should|Could|Can|May|"
    "Might|Must|Shall|Do|Does|Did|Is|Are|Was|Were|Be|Been|Has|Have|Had|Let|Yes|Even|Only|Just|"
    "Already|Still|Again|Instead|Indeed|Further|Furthermore|Moreover|Overall|Together|Elsewhere|"
    "Ahead|Back|Up|Down|Out|Off|Into|Onto|Upon|Within|Across|Through|Throughout|Via|Per|Plus|Minus|"
    "Unlike|Like|Including|Excluding|Regarding|Concerning|Given|Thus|Hence|Therefore|Because|Once|"
    "Whether|Unless|Nor|Either|Neither|Sources|Officials|Ministers|Critics|Analysts|Experts|Police|"
    "Government|Opposition|News|Reuters|Breaking|Update|Updated|Published|Read|See|Watch|Listen|"
    "Monday|Tuesday|Wednesday|Thursday|Friday|Saturday|Sunday|January|February|March|April|June|"
    "July|August|September|October|November|December|Jan|Feb|Mar|Apr|Jun|Jul|Aug|Sep|Sept|Oct|Nov|"
    "Dec|Christmas|Easter|Ramadan|Brexit|Covid|Coronavirus|Internet|God|Allah|Dear|Chapter|Section|"
    "Article|Figure|Table|Note|Notes|Summary|Context|Background|Analysis|Comment|Opinion|Editorial|"
    "Labour|Tories|Tory|Conservatives|Conservative|Liberal|Democrats|Democrat|Republicans|Republican|"
    "Lib|Dems|Greens|Nationalists|Unionists|Parliament|Commons|Lords|Congress|Senate|Cabinet|"
    "Whitehall|Downing|Westminster|Kremlin|Pentagon|Treasury|Budget|Bill|Act|Acts|Bills|Court|Courts"
)

# Heads that make a capitalised run an organisation, not a person or a place.
ORG_HEADS = _words(
    "Coalition|Party|Council|Commission|Committee|Office|Ministry|Department|Agency|Authority|Bank|"
    "Union|Association|Federation|Confederation|Organisation|Organization|Institute|Institution|"
    "Foundation|Trust|Society|Company|Corporation|Corp|Inc|Ltd|Plc|PLC|LLC|AG|SA|GmbH|Group|Holdings|"
    "Partners|Fund|Forum|Alliance|League|Board|Bureau|Service|Services|Force|Forces|Army|Navy|Police|"
    "Court|Tribunal|Parliament|Assembly|Congress|Senate|Cabinet|Government|Administration|Chambers|"
    "Chamber|University|College|School|Academy|Hospital|Church|Club|Network|Times|Post|News|Herald|"
    "Guardian|Telegraph|Journal|Gazette|Press|Broadcasting|Television|Radio|Airlines|Airways|Motors|"
    "Industries|Systems|Technologies|Pharmaceuticals|Energy|Oil|Gas|Petroleum|Securities|Capital|"
    "Investments|Insurance|Exchange|Reserve|Treasury|Executive|Directorate|Secretariat|Unit|Squad|"
    "Brigade|Regiment|Corps|Guard|Guards|Watch|Initiative|Campaign|Movement|Front|Council|Institute|"
    "Observatory|Centre|Center|Laboratory|Labs|Studios|Records|Pictures|Entertainment|Media|Inc.|"
    "Commons|Lords|Nations|Conference|Convention|Programme|Program|Project|Mission|Summit"
)

ORG_ACRONYMS = _words(
    "UN|EU|NATO|Nato|IMF|WTO|WHO|OECD|OPEC|Opec|BBC|CNN|ITV|GMTV|NHS|MI5|MI6|GCHQ|FBI|CIA|NSA|NASA|"
    "FTSE|ECB|CBI|TUC|BMA|RCN|IFS|ONS|OBR|FSA|FCA|SEC|FTC|ICC|ICJ|OSCE|ASEAN|AU|G7|G8|G20|IAEA|UNHCR|"
    "UNICEF|UNESCO|WWF|RSPB|RSPCA|AA|RAC|BP|BT|HSBC|RBS|IBM|AOL|ABC|NBC|CBS|AP|AFP|DUP|SNP|SDLP|UKIP|"
    "Ukip|ANC|PLO|PKK|IRA|LSE|UCL|MIT|NYSE|EC|ECHR|CPS|DWP|DfE|MoD|MOD|FCO|FCDO|HMRC|DVLA|TfL|UEFA|FIFA|"
    "IOC|RAF|SAS|PSNI|ACPO|IPCC|NCA|SFO|CAA|IEA|NGO|AI"
)

# Countries with the forms an article may use for them, and their demonyms.
_COUNTRIES = {
    "United Kingdom": "UK|U.K.|Britain|Great Britain|British|England|English|Scotland|Scottish|Wales|"
                      "Welsh|Northern Ireland|Northern Irish|United Kingdom",
    "United States": "US|U.S.|USA|U.S.A.|America|American|United States|United States of America",
    "France": "France|French", "Germany": "Germany|German", "Italy": "Italy|Italian", "Spain": "Spain|Spanish",
    "Portugal": "Portugal|Portuguese", "Netherlands": "Netherlands|Dutch|Holland", "Belgium": "Belgium|Belgian",
    "Ireland": "Ireland|Irish|Republic of Ireland", "Poland": "Poland|Polish", "Ukraine": "Ukraine|Ukrainian",
    "Russia": "Russia|Russian|Russian Federation", "Belarus": "Belarus|Belarusian", "China": "China|Chinese",
    "Japan": "Japan|Japanese", "India": "India|Indian", "Pakistan": "Pakistan|Pakistani",
    "Afghanistan": "Afghanistan|Afghan", "Iran": "Iran|Iranian", "Iraq": "Iraq|Iraqi", "Syria": "Syria|Syrian",
    "Israel": "Israel|Israeli", "Palestine": "Palestine|Palestinian", "Egypt": "Egypt|Egyptian",
    "Turkey": "Turkey|Turkish|Türkiye", "Greece": "Greece|Greek", "Cyprus": "Cyprus|Cypriot",
    "Sweden": "Sweden|Swedish", "Norway": "Norway|Norwegian", "Denmark": "Denmark|Danish",
    "Finland": "Finland|Finnish", "Iceland": "Iceland|Icelandic", "Austria": "Austria|Austrian",
    "Switzerland": "Switzerland|Swiss", "Czech Republic": "Czech Republic|Czechia|Czech",
    "Slovakia": "Slovakia|Slovak", "Hungary": "Hungary|Hungarian", "Romania": "Romania|Romanian",
    "Bulgaria": "Bulgaria|Bulgarian", "Serbia": "Serbia|Serbian", "Croatia": "Croatia|Croatian",
    "Slovenia": "Slovenia|Slovenian", "Bosnia and Herzegovina": "Bosnia|Bosnian|Bosnia and Herzegovina",
    "Albania": "Albania|Albanian", "Kosovo": "Kosovo|Kosovan", "Moldova": "Moldova|Moldovan",
    "Georgia": "Georgia|Georgian", "Armenia": "Armenia|Armenian", "Azerbaijan": "Azerbaijan|Azerbaijani",
    "Kazakhstan": "Kazakhstan|Kazakh", "Estonia": "Estonia|Estonian", "Latvia": "Latvia|Latvian",
    "Lithuania": "Lithuania|Lithuanian", "Canada": "Canada|Canadian", "Mexico": "Mexico|Mexican",
    "Brazil": "Brazil|Brazilian", "Argentina": "Argentina|Argentine|Argentinian", "Chile": "Chile|Chilean",
    "Colombia": "Colombia|Colombian", "Venezuela": "Venezuela|Venezuelan", "Peru": "Peru|Peruvian",
    "Cuba": "Cuba|Cuban", "Australia": "Australia|Australian", "New Zealand": "New Zealand|New Zealander",
    "South Africa": "South Africa|South African", "Nigeria": "Nigeria|Nigerian", "Kenya": "Kenya|Kenyan",
    "Ethiopia": "Ethiopia|Ethiopian", "Sudan": "Sudan|Sudanese", "South Sudan": "South Sudan",
    "Somalia": "Somalia|Somali", "Libya": "Libya|Libyan", "Tunisia": "Tunisia|Tunisian",
    "Algeria": "Algeria|Algerian", "Morocco": "Morocco|Moroccan", "Ghana": "Ghana|Ghanaian",
    "Zimbabwe": "Zimbabwe|Zimbabwean", "Uganda": "Uganda|Ugandan", "Rwanda": "Rwanda|Rwandan",
    "Congo": "Congo|Congolese|Democratic Republic of Congo|DR Congo", "Saudi Arabia": "Saudi Arabia|Saudi",
    "Yemen": "Yemen|Yemeni", "Oman": "Oman|Omani", "Qatar": "Qatar|Qatari",
    "United Arab Emirates": "United Arab Emirates|UAE|Emirati", "Kuwait": "Kuwait|Kuwaiti",
    "Jordan": "Jordan|Jordanian", "Lebanon": "Lebanon|Lebanese", "Bahrain": "Bahrain|Bahraini",
    "North Korea": "North Korea|North Korean", "South Korea": "South Korea|South Korean|Korea|Korean",
    "Taiwan": "Taiwan|Taiwanese", "Vietnam": "Vietnam|Vietnamese", "Thailand": "Thailand|Thai",
    "Indonesia": "Indonesia|Indonesian", "Malaysia": "Malaysia|Malaysian", "Singapore": "Singapore|Singaporean",
    "Philippines": "Philippines|Philippine|Filipino", "Myanmar": "Myanmar|Burma|Burmese",
    "Bangladesh": "Bangladesh|Bangladeshi", "Sri Lanka": "Sri Lanka|Sri Lankan", "Nepal": "Nepal|Nepalese",
    "Mongolia": "Mongolia|Mongolian", "Luxembourg": "Luxembourg", "Malta": "Malta|Maltese",
    "Vatican": "Vatican|Holy See", "Haiti": "Haiti|Haitian", "Jamaica": "Jamaica|Jamaican",
}
COUNTRY_FORMS: dict[str, str] = {}
for _country, _forms in _COUNTRIES.items():
    for _form in _forms.split("|"):
        COUNTRY_FORMS[_form] = _country
COUNTRY_FORMS["Europe"] = "Europe"
COUNTRY_FORMS["European"] = "Europe"

# Places an event can be held in: capitals and large cities, plus the countries above.
CITIES = _words(
    "London|Paris|Berlin|Rome|Madrid|Lisbon|Dublin|Brussels|Amsterdam|The Hague|Luxembourg|Vienna|Bern|"
    "Geneva|Zurich|Davos|Stockholm|Oslo|Copenhagen|Helsinki|Reykjavik|Warsaw|Prague|Bratislava|Budapest|"
    "Bucharest|Sofia|Athens|Belgrade|Zagreb|Ljubljana|Sarajevo|Tirana|Skopje|Pristina|Chisinau|Kyiv|Kiev|"
    "Lviv|Kharkiv|Odesa|Odessa|Moscow|St Petersburg|Minsk|Vilnius|Riga|Tallinn|Tbilisi|Yerevan|Baku|"
    "Ankara|Istanbul|Nicosia|Valletta|Washington|New York|Los Angeles|Chicago|Boston|San Francisco|"
    "Ottawa|Toronto|Montreal|Mexico City|Havana|Brasilia|Rio de Janeiro|Sao Paulo|Buenos Aires|Santiago|"
    "Lima|Bogota|Caracas|Canberra|Sydney|Melbourne|Wellington|Auckland|Tokyo|Osaka|Beijing|Shanghai|"
    "Hong Kong|Taipei|Seoul|Pyongyang|Hanoi|Bangkok|Jakarta|Kuala Lumpur|Manila|Singapore|Delhi|"
    "New Delhi|Mumbai|Islamabad|Karachi|Lahore|Kabul|Tehran|Baghdad|Damascus|Beirut|Amman|Jerusalem|"
    "Tel Aviv|Gaza|Ramallah|Cairo|Riyadh|Jeddah|Doha|Dubai|Abu Dhabi|Muscat|Kuwait City|Manama|Sanaa|"
    "Tripoli|Tunis|Algiers|Rabat|Khartoum|Addis Ababa|Nairobi|Kampala|Kigali|Lagos|Abuja|Accra|Dakar|"
    "Johannesburg|Pretoria|Cape Town|Harare|Kinshasa|Edinburgh|Cardiff|Belfast|Glasgow|Manchester|"
    "Birmingham|Liverpool|Leeds|Sheffield|Bristol|Newcastle|Nottingham|Leicester|Brighton|Oxford|"
    "Cambridge|Southampton|Portsmouth|Plymouth|Aberdeen|Dundee|Inverness|Swansea|Derry|Londonderry|"
    "Blackpool|Bournemouth|Harrogate|Munich|Frankfurt|Hamburg|Cologne|Milan|Naples|Barcelona|"
    "Marseille|Lyon|Strasbourg|Nice|Salzburg|Antwerp|Rotterdam|Gdansk|Krakow|Dortmund|Dusseldorf|"
    "Stuttgart|Leipzig|Dresden|Hanover|Bremen|Napa|Sonoma|Seattle|Miami|Dallas|Houston|Atlanta|"
    "Philadelphia|Detroit|Denver|Phoenix|Las Vegas|Guantanamo Bay|Camp David|Chequers|Mar-a-Lago|"
    "Strasbourg|Minsk|Munich|Vilnius|Istanbul|Sochi|Yalta|Potsdam|Versailles|Windsor|Balmoral|Sandringham"
)

MONTHS = {m.lower(): i for i, names in enumerate((
    ("January", "Jan", "Jan."), ("February", "Feb", "Feb."), ("March", "Mar", "Mar."), ("April", "Apr", "Apr."),
    ("May",), ("June", "Jun", "Jun."), ("July", "Jul", "Jul."), ("August", "Aug", "Aug."),
    ("September", "Sep", "Sept", "Sep.", "Sept."), ("October", "Oct", "Oct."), ("November", "Nov", "Nov."),
    ("December", "Dec", "Dec.")), start=1) for m in names}
WEEKDAYS = {d.lower(): i for i, d in enumerate(("Monday", "Tuesday", "Wednesday", "Thursday", "Friday",
                                                 "Saturday", "Sunday"))}

# Verbs that introduce reported speech.
SPEECH_VERBS = _words(
    "said|says|say|saying|told|tells|tell|added|adds|add|stated|states|noted|notes|emphasised|emphasized|"
    "emphasises|emphasizes|confirmed|confirms|warned|warns|argued|argues|insisted|insists|explained|"
    "explains|claimed|claims|declared|declares|announced|announces|asked|asks|replied|replies|wrote|"
    "writes|commented|comments|continued|continues|stressed|stresses|admitted|admits|acknowledged|"
    "acknowledges|suggested|suggests|urged|urges|described|describes|called|calls|remarked|remarks|"
    "observed|observes|predicted|predicts|promised|promises|pledged|pledges|vowed|vows|maintained|"
    "maintains|added|responded|responds|answered|answers|countered|counters|conceded|concedes|"
    "recalled|recalls|revealed|reveals|reported|reports|insisted|tweeted|posted|joked|jokes|"
    "shouted|cried|whispered|agreed|agrees|concluded|concludes|believes|believed|thinks|thought|"
    "felt|feels|accepted|accepts|welcomed|welcomes|dismissed|dismisses|branded|brands|condemned|"
    "condemns|criticised|criticized|criticises|attacked|attacks|hailed|hails|labelled|labeled|"
    "described|dubbed|mocked|accused|accuses|denied|denies|rejected|rejects|boasted|boasts|"
    "assured|assures|reassured|reiterated|reiterates|underlined|underlines|highlighted|highlights|"
    "pointed|points|indicated|indicates|signalled|signaled|stated|announced|protested|pleaded|"
    "begged|demanded|demands|appealed|appeals|queried|questioned|wondered|mused|quipped|snapped|"
    "retorted|sighed|laughed|beamed|enthused|gushed|fumed|raged|lamented|complained|complains|"
    "grumbled|hit out|told"
)

# Verbs and phrases that carry a commitment.
COMMITMENT_CUES = (
    r"agreed to|agree to|agrees to|pledged|pledges|pledge to|promised|promises|promise to|vowed|vows|"
    r"committed to|commits to|commit to|has committed|have committed|signed|signs|will sign|"
    r"announced plans|announces plans|unveiled|unveils|launched|launches|will launch|set out plans|"
    r"sets out plans|plans to|planning to|plan to|intends to|intend to|intended to|aims to|aim to|"
    r"is to|are to|will be|will|would|undertook to|undertakes to|guaranteed|guarantees|guarantee|"
    r"decided to|decides to|resolved to|approved|approves|adopted|adopts|endorsed|endorses|"
    r"confirmed (?:it|they|he|she) would|confirmed plans|allocated|allocate|earmarked|invest|invested|"
    r"set aside|pay for|provide|provides|provided|deploy|deployed|deployment|establish|established|"
    r"establishment|commitment|commitments|purpose was to|purpose is to|aim is to|goal is to|"
    r"objective is to|framework for|deal to|agreement to|accord to|treaty to"
)

# Words that mark a sentence as placing people at an event.
EVENT_CUES = _words(
    "attended|attend|attends|attending|attendees|attendee|present|met|meet|meets|meeting|summit|talks|"
    "conference|visit|visited|visits|visiting|hosted|hosts|host|hosting|joined|joins|joining|led|"
    "leads|chaired|chairs|alongside|gathered|gathering|signed|signing|ceremony|delegation|"
    "delegations|arrived|arrives|addressed|addressing|spoke|speaking|sat|flanked|welcomed|greeted|"
    "included|including|among|negotiations|rally|debate|hearing|session|briefing"
)

PRONOUNS_MALE = _words("he|him|his|He|His|Him")
PRONOUNS_FEMALE = _words("she|her|hers|She|Her")
