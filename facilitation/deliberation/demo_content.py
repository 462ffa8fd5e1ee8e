"""
Content of the demo workshop, in English and Swedish, paraphrased from the study (never quoted).
"""

DEMO_WORKSHOPS = {
    "en": {
        "title": "Social media in municipal communication",
        "description": (
            "A workshop series for municipal communicators on how to use social media while "
            "staying true to the principles of public administration. Each round presents what "
            "we have learned from interviews and earlier workshops, then puts real dilemmas to "
            "the room: vote on your phone, then discuss why you chose as you did."
        ),
        "codebook": [
            ("Equal treatment", "Treating every citizen, organiser and business alike."),
            ("Accountability", "Being able to answer for what the municipality says and does."),
            ("Engagement", "Likes, shares, comments: what the platforms reward."),
            ("Tone", "How personal, warm or formal the municipality sounds."),
            ("Risk", "What could go wrong for the municipality's reputation or for people."),
            ("Time pressure", "Too little time for dialogue or careful work."),
            ("Inclusion", "Reaching groups that are otherwise left out."),
            ("Public records", "What must be kept and handed out as official documents."),
        ],
        "round_title": "May workshop",
        "steps": [
            {
                "kind": "finding",
                "title": "Treating citizens equally",
                "body": (
                    "Equal treatment is a cornerstone of public administration: the municipality "
                    "must not favour one organiser, business or group over another. Social media "
                    "pulls the other way. Platforms reward what feels personal and exciting, and "
                    "one popular event can easily take over the feed."
                    "\n\n"
                    "In our interviews, communicators said they always feel watched on this "
                    "point, as one of them put it:"
                    "\n\n"
                    "> If we share *one* club's race, the next club calls and asks why we did "
                    "not share theirs."
                    "\n\n"
                    "They also described a tension between two duties that both follow from the "
                    "law:"
                    "\n\n"
                    "- **Transparency**: whatever the municipality says in a channel must be "
                    "possible to hand out as a public record.\n"
                    "- **Inclusion**: groups that are hard to reach, such as young people, must "
                    "not be left out."
                    "\n\n"
                    "Living up to one duty can make the other harder."
                ),
            },
            {
                "kind": "multiple_choice",
                "title": "Your most important channels",
                "body": (
                    "Pick up to three channels that do the most for your municipality's contact "
                    "with residents today. Think about who you actually reach there, not just "
                    "who follows you."
                ),
                "hide_results": False,
                "settings": {"max_picks": 3},
                "options": [
                    {"label": "Facebook"},
                    {"label": "Instagram"},
                    {"label": "LinkedIn"},
                    {"label": "X (formerly Twitter)"},
                    {"label": "TikTok or Snapchat"},
                    {"label": "The municipality's own website"},
                ],
            },
            {
                "kind": "dilemma",
                "title": "The annual running race",
                "body": (
                    "Every year thousands of people run through town, and the race is one of the "
                    "most popular topics on the municipality's Facebook page. Posts about it get "
                    "far more likes and shares than almost anything else. But the organiser is "
                    "one association among many, and smaller clubs and local businesses also "
                    "arrange events that rarely get the same attention from the municipality. "
                    "Anything that looks like favouring a single organiser can be questioned."
                    "\n\n"
                    "**How do you cover the race on the municipality's channels?**"
                ),
                "hide_results": True,
                "options": [
                    {
                        "label": "Promote the race itself: photos, countdown and the sign-up link",
                        "explanation": (
                            "You ride the event's popularity for maximum likes and shares, but "
                            "one organiser gets attention that others do not."
                        ),
                        "honours": ["engagement", "reach", "algorithmic_visibility"],
                        "strains": ["legality_equity"],
                    },
                    {
                        "label": "Find our own angle: music along the route, then traffic news",
                        "explanation": (
                            "You tell the municipality's own story around the race, which still "
                            "engages people without advertising the organiser."
                        ),
                        "honours": ["legality_equity", "engagement"],
                        "strains": ["reach"],
                    },
                    {
                        "label": "Post only practical facts: road closures, buses and parking",
                        "explanation": (
                            "You stay strictly neutral and useful, but the posts get little "
                            "interaction and are shown to fewer people."
                        ),
                        "honours": ["legality_equity", "efficiency_service"],
                        "strains": ["engagement", "algorithmic_visibility"],
                    },
                    {
                        "label": "Share the organiser's posts, and offer the same to every event",
                        "explanation": (
                            "You treat all organisers alike as a rule, at the cost of a lot of "
                            "extra work and a feed full of event adverts."
                        ),
                        "honours": ["legality_equity", "reach"],
                        "strains": ["efficiency_service", "algorithmic_visibility"],
                    },
                ],
            },
            {
                "kind": "ranking",
                "title": "What weighs most when choosing what to post?",
                "body": (
                    "Put these in order, most important first. Picture an ordinary week with "
                    "more possible posts than time to make them."
                ),
                "hide_results": True,
                "options": [
                    {"label": "Useful to residents in their everyday lives"},
                    {"label": "Fair to every organiser, business and group"},
                    {"label": "Likely to get reactions, shares and reach"},
                    {"label": "Easy to keep and hand out as a public record"},
                    {"label": "Realistic for us to produce and follow up in time"},
                ],
            },
            {
                "kind": "dilemma",
                "title": "Snapchat to reach young people",
                "body": (
                    "Young people rarely follow the municipality's Facebook page, and the youth "
                    "services keep asking for Snapchat. It would likely reach young residents "
                    "where they actually spend their time. But messages there disappear, and the "
                    "municipality has no reliable way to save them. Under the principle of public "
                    "access to official records, anyone may request a conversation; if it cannot "
                    "be produced, the municipality breaks the law. Yet leaving young people "
                    "unreached is also a problem for equal treatment."
                    "\n\n"
                    "**What do you do about Snapchat?**"
                ),
                "hide_results": True,
                "options": [
                    {
                        "label": "Join Snapchat now and sort out archiving as we go",
                        "explanation": (
                            "You reach young people quickly, but risk being unable to hand out "
                            "conversations when someone requests them."
                        ),
                        "honours": ["reach", "engagement", "network_dialogue"],
                        "strains": ["legality_equity"],
                    },
                    {
                        "label": "Wait until every conversation can be saved and retrieved",
                        "explanation": (
                            "You stay on safe legal ground, but young people remain out of reach "
                            "for now."
                        ),
                        "honours": ["legality_equity"],
                        "strains": ["reach", "network_dialogue"],
                    },
                    {
                        "label": "Use it one-way only; point questions to channels we can archive",
                        "explanation": (
                            "You become visible among young people without keeping conversations "
                            "you cannot store, but give up most of the dialogue."
                        ),
                        "honours": ["legality_equity", "reach"],
                        "strains": ["engagement", "network_dialogue"],
                    },
                    {
                        "label": "Join, but document and register every conversation by hand",
                        "explanation": (
                            "You aim for both reach and public records, at the cost of a heavy "
                            "manual routine."
                        ),
                        "honours": ["reach", "network_dialogue", "legality_equity"],
                        "strains": ["efficiency_service"],
                    },
                ],
            },
            {
                "kind": "placement",
                "title": "Where does the Snapchat question land?",
                "body": (
                    "Place the Snapchat decision on the line. Far left, digital government logic "
                    "decides: equal treatment, accountability and lawfulness. Far right, platform "
                    "logic decides: engagement, reach and algorithms."
                    "\n\n"
                    "**Where should your municipality's decision land?** Add a one-line reason."
                ),
                "hide_results": True,
                "settings": {
                    "low_label": "Digital government logic",
                    "high_label": "Platform logic",
                },
            },
            {
                "kind": "discussion",
                "title": "How would your municipality handle the Snapchat question?",
                "body": (
                    "Talk it through in your group for ten minutes. Who in your municipality "
                    "would have to say yes? What would you need in place first: archiving, "
                    "someone to answer messages, a plan for when it goes wrong?"
                    "\n\n"
                    "**Add one note per idea.** Each group reports back to the room afterwards."
                ),
            },
            {
                "kind": "finding",
                "title": "Triggering engagement",
                "body": (
                    "Platforms reward posts that people react to, comment on and share. Posts "
                    "that nobody reacts to quietly disappear from people's feeds. Tone matters "
                    "too: a friendly, informal voice travels further than the formal voice of an "
                    "authority."
                    "\n\n"
                    "Communicators handled this in different ways:"
                    "\n\n"
                    "- Some run the page like a **personal relationship**: frequent, light and "
                    "often funny posts, quick replies at any hour, and an expectation that "
                    "followers do their part by reacting.\n"
                    "- Others are **selective**: they skip pretty pictures that collect likes "
                    "but tell people nothing, and post what is useful, while still answering "
                    "questions in the evening."
                    "\n\n"
                    "Both want engagement. They differ on what it is for and whose job it is to "
                    "keep it going."
                ),
            },
            {
                "kind": "single_choice",
                "title": "Whose job is engagement?",
                "body": (
                    "Posts that nobody reacts to are shown to fewer and fewer people. "
                    "**Who should carry the responsibility for keeping the municipality visible "
                    "in residents' feeds?**"
                ),
                "hide_results": True,
                "options": [
                    {"label": "Ours: post often, keep it light, reply fast, also after hours"},
                    {"label": "Shared: we post what is useful, residents react if they care"},
                    {"label": "Residents': whoever wants our posts must learn how the feed works"},
                    {"label": "Nobody's: don't chase the feed, make sure the website has it all"},
                ],
            },
            {
                "kind": "finding",
                "title": "Risk, reputation and acting professionally",
                "body": (
                    "Social media is unpredictable. A post or a complaint can spread within "
                    "hours, and a flood of negative comments can leave a communicator unable to "
                    "steer their own page, with the municipality's reputation at stake. A page "
                    "that rarely talks with people is especially exposed when something goes "
                    "wrong."
                    "\n\n"
                    "Communicators also asked how personal an authority can sound. The same "
                    "organisation that sounds warm may also intervene in families to protect "
                    "children. A cosy tone can wear down the trust the municipality depends on."
                    "\n\n"
                    "Dialogue takes time that teams rarely have, so some avoid posts that "
                    "invite discussion. The job is shifting from informing to being "
                    "always on call, with more risk and effort than management usually plans "
                    "for."
                ),
            },
            {
                "kind": "statements",
                "title": "Dialogue when time is short",
                "body": (
                    "Respond to each statement: agree, disagree or pass. You can also add a "
                    "statement of your own for the others to respond to."
                ),
                "hide_results": False,
                "settings": {"allow_submissions": True},
                "statements": [
                    "If we invite discussion, we must have time to follow it up. Otherwise we "
                    "should not post it.",
                    "Answering residents' comments in the evening and at weekends is part of the "
                    "job.",
                    "It is fine to avoid posts that spark debate when the team is short of time.",
                    "Critical comments should stay up unless they break the page's published "
                    "rules.",
                    "Management underestimates how much time dialogue on social media takes.",
                    "A page that rarely talks with residents is worse prepared when a crisis hits.",
                ],
            },
            {
                "kind": "scale",
                "title": "How personal can the municipality sound?",
                "body": (
                    "Think of your municipality's everyday voice on social media. How far can it "
                    "move towards a relaxed, personal tone without losing the trust it needs as "
                    "an authority?"
                    "\n\n"
                    "This question is fully anonymous: answers are not linked to names."
                ),
                "hide_results": True,
                "anonymous": True,
                "settings": {
                    "points": 7,
                    "low_label": "Not at all: strictly formal",
                    "high_label": "Completely: relaxed and personal",
                },
            },
            {
                "kind": "dilemma",
                "title": "A warm tone in a serious matter",
                "body": (
                    "Social services needs more foster families. A colleague has drafted a warm, "
                    "emotional post: a child's perspective, heart emojis and a cheerful call to "
                    "open your home. It would almost certainly be shared widely. But the same "
                    "unit also decides to place children outside their homes, sometimes against "
                    "the parents' will and with police assistance. Some of the people who will "
                    "see and comment on the post have lived through that."
                    "\n\n"
                    "**How should the municipality sound in this post?**"
                ),
                "hide_results": True,
                "options": [
                    {
                        "label": "Go warm and emotional: a touching story people want to share",
                        "explanation": (
                            "You maximise reach and feeling, but risk sounding false to those "
                            "who have met the authority's harder side."
                        ),
                        "honours": ["engagement", "reach", "algorithmic_visibility"],
                        "strains": ["legality_equity"],
                    },
                    {
                        "label": "Keep it factual: the task, the support and how to apply",
                        "explanation": (
                            "You protect the municipality's credibility, but the post will "
                            "likely travel much less."
                        ),
                        "honours": ["legality_equity", "efficiency_service"],
                        "strains": ["engagement", "reach"],
                    },
                    {
                        "label": "Let a real foster parent tell their story, next to our facts",
                        "explanation": (
                            "You get warmth from a real voice and invite conversation, but it "
                            "takes time, consent and someone to follow up the comments."
                        ),
                        "honours": ["network_dialogue", "engagement"],
                        "strains": ["efficiency_service"],
                    },
                    {
                        "label": "Run it as a paid ad targeted at likely families instead",
                        "explanation": (
                            "You reach likely families efficiently and avoid a public comment "
                            "storm, but you pick who gets to see the municipality's message."
                        ),
                        "honours": ["efficiency_service", "algorithmic_visibility"],
                        "strains": ["legality_equity", "network_dialogue"],
                    },
                ],
            },
            {
                "kind": "open_text",
                "title": "What makes a post ours?",
                "body": (
                    "**In one sentence: what makes a post the municipality's own, rather than "
                    "something shaped for the platform?** Write freely; answers are shown to the "
                    "room."
                ),
                "hide_results": False,
            },
            {
                "kind": "conduct",
                "title": "Our code for social media",
                "body": (
                    "Which rules do we want to hold ourselves to as the municipality's voice on "
                    "social media? Propose a clause from your phone, say whether you agree with "
                    "the others, and suggest a better wording where one is needed."
                ),
                "clauses": [
                    (
                        "We answer every resident in the same way, whoever asks and however "
                        "popular their cause is.",
                        "Equal treatment does not stop at the edge of the platform.",
                    ),
                    (
                        "We do not let likes and shares decide which organisers or events we "
                        "promote.",
                        "What the platform rewards is not the same as the public interest.",
                    ),
                    (
                        "A serious matter gets a factual tone, even when a warmer post would "
                        "travel further.",
                        "The trust people have in an authority weighs more than reach.",
                    ),
                ],
            },
        ],
    },
    "sv": {
        "title": "Sociala medier i kommunens kommunikation",
        "description": (
            "En workshopserie för kommunikatörer om hur kommunen kan använda sociala medier utan "
            "att tumma på förvaltningens grundprinciper. Varje omgång presenterar vad vi har "
            "lärt oss av intervjuer och tidigare workshoppar och ställer sedan verkliga dilemman "
            "till rummet: rösta i mobilen och diskutera sedan varför ni valde som ni gjorde."
        ),
        "codebook": [
            ("Likabehandling", "Att behandla alla invånare, arrangörer och företag lika."),
            ("Ansvarsutkrävande", "Att kunna stå till svars för det kommunen säger och gör."),
            ("Engagemang", "Gillamarkeringar, delningar, kommentarer: det plattformarna belönar."),
            ("Ton", "Hur personlig, varm eller formell kommunen låter."),
            ("Risk", "Vad som kan gå fel för kommunens rykte eller för människor."),
            ("Tidspress", "För lite tid för dialog eller noggrant arbete."),
            ("Inkludering", "Att nå grupper som annars hamnar utanför."),
            ("Allmänna handlingar", "Det som måste bevaras och lämnas ut som allmän handling."),
        ],
        "round_title": "Workshop i maj",
        "steps": [
            {
                "kind": "finding",
                "title": "Att behandla invånarna lika",
                "body": (
                    "Likabehandling är en grundpelare i offentlig förvaltning: kommunen får inte "
                    "gynna en arrangör, ett företag eller en grupp framför andra. Sociala medier "
                    "drar åt andra hållet. Plattformarna belönar det som känns personligt och "
                    "spännande, och ett enda populärt evenemang kan lätt ta över flödet."
                    "\n\n"
                    "I våra intervjuer berättade kommunikatörer att de ständigt känner sig "
                    "granskade på den här punkten, som en av dem uttryckte det:"
                    "\n\n"
                    "> Delar vi *en* förenings lopp ringer nästa förening och frågar varför vi "
                    "inte delade deras."
                    "\n\n"
                    "De beskrev också en spänning mellan två skyldigheter som båda följer av "
                    "lagen:"
                    "\n\n"
                    "- **Insyn**: det kommunen säger i en kanal måste kunna lämnas ut som allmän "
                    "handling.\n"
                    "- **Inkludering**: grupper som är svåra att nå, till exempel unga, får inte "
                    "hamna utanför."
                    "\n\n"
                    "Att leva upp till den ena kan göra den andra svårare."
                ),
            },
            {
                "kind": "multiple_choice",
                "title": "Era viktigaste kanaler",
                "body": (
                    "Välj upp till tre kanaler som gör mest för kommunens kontakt med invånarna "
                    "i dag. Tänk på vilka ni faktiskt når där, inte bara på vilka som följer er."
                ),
                "hide_results": False,
                "settings": {"max_picks": 3},
                "options": [
                    {"label": "Facebook"},
                    {"label": "Instagram"},
                    {"label": "LinkedIn"},
                    {"label": "X (tidigare Twitter)"},
                    {"label": "Tiktok eller Snapchat"},
                    {"label": "Kommunens egen webbplats"},
                ],
            },
            {
                "kind": "dilemma",
                "title": "Det stora årliga loppet",
                "body": (
                    "Varje år springer tusentals människor genom stan, och loppet är ett av de "
                    "mest populära ämnena på kommunens Facebooksida. Inlägg om det får långt fler "
                    "gilla-markeringar och delningar än nästan allt annat. Men arrangören är en "
                    "förening bland många, och mindre klubbar och lokala företag ordnar också "
                    "evenemang som sällan får samma uppmärksamhet från kommunen. Allt som ser ut "
                    "att gynna en enskild arrangör kan ifrågasättas."
                    "\n\n"
                    "**Hur bevakar ni loppet i kommunens kanaler?**"
                ),
                "hide_results": True,
                "options": [
                    {
                        "label": "Marknadsför loppet: bilder, nedräkning och länk till anmälan",
                        "explanation": (
                            "Ni utnyttjar evenemangets popularitet för maximalt med "
                            "gilla-markeringar och delningar, men en arrangör får uppmärksamhet "
                            "som andra inte får."
                        ),
                        "honours": ["engagement", "reach", "algorithmic_visibility"],
                        "strains": ["legality_equity"],
                    },
                    {
                        "label": "Hitta kommunens egen vinkel: musik längs banan, sedan trafikinfo",
                        "explanation": (
                            "Ni berättar kommunens egen historia kring loppet, vilket ändå "
                            "engagerar utan att göra reklam för arrangören."
                        ),
                        "honours": ["legality_equity", "engagement"],
                        "strains": ["reach"],
                    },
                    {
                        "label": "Publicera bara praktisk info: avstängda vägar, bussar, parkering",
                        "explanation": (
                            "Ni håller er strikt neutrala och nyttiga, men inläggen får lite "
                            "respons och visas för färre."
                        ),
                        "honours": ["legality_equity", "efficiency_service"],
                        "strains": ["engagement", "algorithmic_visibility"],
                    },
                    {
                        "label": "Dela arrangörens inlägg och erbjud samma sak till alla evenemang",
                        "explanation": (
                            "Ni behandlar alla arrangörer lika som princip, till priset av mycket "
                            "extraarbete och ett flöde fullt av evenemangsreklam."
                        ),
                        "honours": ["legality_equity", "reach"],
                        "strains": ["efficiency_service", "algorithmic_visibility"],
                    },
                ],
            },
            {
                "kind": "ranking",
                "title": "Vad väger tyngst när ni väljer vad ni publicerar?",
                "body": (
                    "Rangordna alternativen, det viktigaste först. Tänk dig en vanlig vecka med "
                    "fler tänkbara inlägg än tid att göra dem."
                ),
                "hide_results": True,
                "options": [
                    {"label": "Nyttigt för invånarna i vardagen"},
                    {"label": "Rättvist mot alla arrangörer, företag och grupper"},
                    {"label": "Troligt att få reaktioner, delningar och räckvidd"},
                    {"label": "Lätt att spara och lämna ut som allmän handling"},
                    {"label": "Rimligt för oss att ta fram och följa upp i tid"},
                ],
            },
            {
                "kind": "dilemma",
                "title": "Snapchat för att nå unga",
                "body": (
                    "Unga följer sällan kommunens Facebooksida, och kommunens ungdomsverksamhet "
                    "frågar gång på gång efter Snapchat. Där skulle kommunen troligen nå unga "
                    "invånare där de faktiskt finns. Men meddelanden där försvinner, och kommunen "
                    "har inget säkert sätt att spara dem. Enligt offentlighetsprincipen kan vem "
                    "som helst begära ut ett samtal som allmän handling, och går det inte att "
                    "lämna ut bryter kommunen mot lagen. Samtidigt är det också ett problem för "
                    "likabehandlingen att inte nå de unga alls."
                    "\n\n"
                    "**Hur gör ni med Snapchat?**"
                ),
                "hide_results": True,
                "options": [
                    {
                        "label": "Starta på Snapchat nu och lös arkiveringen efter hand",
                        "explanation": (
                            "Ni når unga snabbt, men riskerar att inte kunna lämna ut samtal när "
                            "någon begär dem."
                        ),
                        "honours": ["reach", "engagement", "network_dialogue"],
                        "strains": ["legality_equity"],
                    },
                    {
                        "label": "Vänta tills varje samtal kan sparas och tas fram",
                        "explanation": (
                            "Ni står på säker juridisk mark, men de unga förblir svåra att nå "
                            "tills vidare."
                        ),
                        "honours": ["legality_equity"],
                        "strains": ["reach", "network_dialogue"],
                    },
                    {
                        "label": "Bara envägsutskick; hänvisa frågor till kanaler vi kan arkivera",
                        "explanation": (
                            "Ni syns bland unga utan samtal som inte går att spara, men avstår "
                            "från det mesta av dialogen."
                        ),
                        "honours": ["legality_equity", "reach"],
                        "strains": ["engagement", "network_dialogue"],
                    },
                    {
                        "label": "Starta, men dokumentera och diarieför varje samtal för hand",
                        "explanation": (
                            "Ni försöker få både räckvidd och offentlighet, till priset av en "
                            "tung manuell rutin."
                        ),
                        "honours": ["reach", "network_dialogue", "legality_equity"],
                        "strains": ["efficiency_service"],
                    },
                ],
            },
            {
                "kind": "placement",
                "title": "Var hamnar Snapchat-frågan?",
                "body": (
                    "Placera beslutet om Snapchat på linjen. Längst till vänster styr den "
                    "digitala förvaltningens logik: likabehandling, insyn och laglighet. Längst "
                    "till höger styr plattformens logik: engagemang, räckvidd och algoritmer."
                    "\n\n"
                    "**Var bör er kommuns beslut hamna?** Motivera med en mening."
                ),
                "hide_results": True,
                "settings": {
                    "low_label": "Den digitala förvaltningens logik",
                    "high_label": "Plattformens logik",
                },
            },
            {
                "kind": "discussion",
                "title": "Hur skulle er kommun hantera Snapchat-frågan?",
                "body": (
                    "Prata igenom frågan i gruppen i tio minuter. Vem i er kommun skulle behöva "
                    "säga ja? Vad måste finnas på plats först: arkivering, någon som svarar på "
                    "meddelanden, en plan för när något går snett?"
                    "\n\n"
                    "**Skriv en anteckning per idé.** Varje grupp återrapporterar till rummet "
                    "efteråt."
                ),
            },
            {
                "kind": "finding",
                "title": "Att väcka engagemang",
                "body": (
                    "Plattformarna belönar inlägg som människor reagerar på, kommenterar och "
                    "delar. Inlägg som ingen reagerar på försvinner tyst ur flödet. Tonen spelar "
                    "också roll: en vänlig och avslappnad röst når längre än en myndighets "
                    "formella språk."
                    "\n\n"
                    "Kommunikatörerna hanterade det på olika sätt:"
                    "\n\n"
                    "- Vissa driver sidan som en **personlig relation**: täta, lättsamma och "
                    "ofta roliga inlägg, snabba svar på alla tider och en förväntan att "
                    "följarna gör sin del genom att reagera.\n"
                    "- Andra är **selektiva**: de avstår från vackra bilder som samlar "
                    "gilla-markeringar men inte säger något, och publicerar det som är till "
                    "nytta, men svarar ändå på frågor på kvällen."
                    "\n\n"
                    "Båda vill ha engagemang. De skiljer sig åt i vad det ska vara till för och "
                    "vems uppgift det är att hålla det vid liv."
                ),
            },
            {
                "kind": "single_choice",
                "title": "Vems jobb är engagemanget?",
                "body": (
                    "Inlägg som ingen reagerar på visas för allt färre. **Vem ska bära ansvaret "
                    "för att kommunen fortsätter att synas i invånarnas flöden?**"
                ),
                "hide_results": True,
                "options": [
                    {"label": "Vårt: publicera ofta, håll det lätt, svara snabbt även kvällstid"},
                    {"label": "Delat: vi publicerar det som är nyttigt, invånarna visar intresse"},
                    {"label": "Invånarnas: den som vill se oss får lära sig hur flödet funkar"},
                    {"label": "Ingens: jaga inte flödet, se till att allt finns på webbplatsen"},
                ],
            },
            {
                "kind": "finding",
                "title": "Risker, rykte och professionellt agerande",
                "body": (
                    "Sociala medier är oförutsägbara. Ett inlägg eller ett klagomål kan spridas "
                    "på några timmar, och en våg av negativa kommentarer kan göra att "
                    "kommunikatören tappar kontrollen över sin egen sida, med kommunens rykte "
                    "på spel. En sida som sällan för samtal med invånarna är extra sårbar när "
                    "något går fel."
                    "\n\n"
                    "Kommunikatörerna frågade sig också hur personlig en myndighet kan låta. "
                    "Samma organisation som låter varm kan också ingripa i familjer för att "
                    "skydda barn. En alltför mysig ton kan nöta på det förtroende som "
                    "kommunen är beroende av."
                    "\n\n"
                    "Dialog kräver tid som sällan finns, så vissa undviker inlägg som bjuder "
                    "in till diskussion. Rollen förskjuts från att "
                    "informera till att alltid vara tillgänglig, med mer risk och arbete än "
                    "ledningen brukar räkna med."
                ),
            },
            {
                "kind": "statements",
                "title": "Dialog när tiden inte räcker",
                "body": (
                    "Ta ställning till varje påstående: håller med, håller inte med eller avstår. "
                    "Du kan också lägga till ett eget påstående som de andra får ta ställning "
                    "till."
                ),
                "hide_results": False,
                "settings": {"allow_submissions": True},
                "statements": [
                    "Bjuder vi in till diskussion måste vi ha tid att följa upp den. Annars ska "
                    "vi låta bli att publicera.",
                    "Att svara på invånarnas kommentarer på kvällar och helger hör till jobbet.",
                    "Det är okej att undvika inlägg som väcker debatt när vi har ont om tid.",
                    "Kritiska kommentarer ska få stå kvar om de inte bryter mot sidans "
                    "publicerade regler.",
                    "Ledningen underskattar hur mycket tid dialogen i sociala medier kräver.",
                    "En sida som sällan samtalar med invånarna står sämre rustad när en kris "
                    "kommer.",
                ],
            },
            {
                "kind": "scale",
                "title": "Hur personlig kan kommunen låta?",
                "body": (
                    "Tänk på kommunens vardagliga röst i sociala medier. Hur långt kan den gå mot "
                    "en avslappnad och personlig ton utan att tappa det förtroende som en "
                    "myndighet behöver?"
                    "\n\n"
                    "Frågan är helt anonym: svaren kopplas inte till namn."
                ),
                "hide_results": True,
                "anonymous": True,
                "settings": {
                    "points": 7,
                    "low_label": "Inte alls: strikt formell",
                    "high_label": "Helt: avslappnad och personlig",
                },
            },
            {
                "kind": "dilemma",
                "title": "Varm ton i en allvarlig fråga",
                "body": (
                    "Socialtjänsten behöver fler familjehem. En kollega har skrivit ett varmt och "
                    "känslosamt utkast: ett barns perspektiv, hjärt-emojis och en glad uppmaning "
                    "att öppna sitt hem. Det skulle nästan säkert delas flitigt. Men samma enhet "
                    "fattar också beslut om att placera barn utanför hemmet, ibland mot "
                    "föräldrarnas vilja och med hjälp av polis. En del av dem som kommer att se "
                    "och kommentera inlägget har själva varit med om det."
                    "\n\n"
                    "**Hur ska kommunen låta i det här inlägget?**"
                ),
                "hide_results": True,
                "options": [
                    {
                        "label": "Satsa på värme och känsla: en berörande berättelse att dela",
                        "explanation": (
                            "Ni får maximal spridning och känsla, men riskerar att låta falska "
                            "för dem som har mött myndighetens hårdare sida."
                        ),
                        "honours": ["engagement", "reach", "algorithmic_visibility"],
                        "strains": ["legality_equity"],
                    },
                    {
                        "label": "Håll det sakligt: uppdraget, stödet och hur man anmäler intresse",
                        "explanation": (
                            "Ni värnar kommunens trovärdighet, men inlägget når sannolikt "
                            "betydligt färre."
                        ),
                        "honours": ["legality_equity", "efficiency_service"],
                        "strains": ["engagement", "reach"],
                    },
                    {
                        "label": "Låt en familjehemsförälder berätta, med våra fakta bredvid",
                        "explanation": (
                            "Ni får värme från en verklig röst och bjuder in till samtal, men det "
                            "kräver tid, samtycke och någon som följer upp kommentarerna."
                        ),
                        "honours": ["network_dialogue", "engagement"],
                        "strains": ["efficiency_service"],
                    },
                    {
                        "label": "Kör det som betald annons riktad till troliga familjer",
                        "explanation": (
                            "Ni når troliga familjer effektivt och slipper en offentlig "
                            "kommentarsstorm, men väljer själva vem som får se kommunens budskap."
                        ),
                        "honours": ["efficiency_service", "algorithmic_visibility"],
                        "strains": ["legality_equity", "network_dialogue"],
                    },
                ],
            },
            {
                "kind": "open_text",
                "title": "Vad gör ett inlägg till vårt?",
                "body": (
                    "**Med en mening: vad gör att ett inlägg är kommunens eget och inte bara "
                    "format efter plattformen?** Skriv fritt, svaren visas i rummet."
                ),
                "hide_results": False,
            },
            {
                "kind": "conduct",
                "title": "Vår kod för sociala medier",
                "body": (
                    "Vilka regler vill vi hålla oss till som kommunens röst i sociala medier? "
                    "Föreslå en punkt i mobilen, säg om du håller med de andra och föreslå en "
                    "bättre formulering där det behövs."
                ),
                "clauses": [
                    (
                        "Vi svarar alla invånare på samma sätt, oavsett vem som frågar och hur "
                        "populär deras sak är.",
                        "Likabehandlingen slutar inte vid plattformens kant.",
                    ),
                    (
                        "Vi låter inte gillamarkeringar och delningar avgöra vilka arrangörer "
                        "eller evenemang vi lyfter fram.",
                        "Det plattformen belönar är inte detsamma som allmänintresset.",
                    ),
                    (
                        "Ett allvarligt ämne får en saklig ton, även när ett varmare inlägg "
                        "skulle spridas längre.",
                        "Förtroendet för myndigheten väger tyngre än räckvidden.",
                    ),
                ],
            },
        ],
    },
}
