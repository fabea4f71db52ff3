"""Demo catalog for `flask demo-data`: fourteen courses and five Learning Paths with their
texts in English and French, prices (one scheduled change), currency rates. Running it
again adds nothing. The certification codes are examples, not real registrations."""

from datetime import date
from decimal import Decimal

from sqlalchemy import select

from app.domain.launch import Precision
from app.domain.pricing import SOLO, path_offer
from app.extensions import db
from app.models import (
    Availability,
    Certification,
    Chapter,
    Course,
    CurrencyRate,
    Exercise,
    ExerciseKind,
    LearningPath,
    Level,
    PathStep,
    Price,
    StepKind,
)
from app.seeds.assignments import seed_assignments
from app.seeds.learning import seed_quizzes
from app.services.catalog.listing import search_text
from app.services.catalog.version import bump_version

BEG, MID, ADV = Level.BEGINNER, Level.INTERMEDIATE, Level.ADVANCED

# slug, (title en, title fr), (summary en, summary fr), level, language, hours, upcoming
COURSES = [
    (
        "html-css-first-pages",
        (
            "Build your first web pages with HTML and CSS",
            "Créez vos premières pages web avec HTML et CSS",
        ),
        (
            "Write the structure of a page in HTML, then give it a layout and colours with CSS. You finish with a small personal site that works on a phone.",
            "Écrivez la structure d'une page en HTML, puis donnez-lui une mise en page et des couleurs avec CSS. Vous terminez avec un petit site personnel qui fonctionne sur téléphone.",
        ),
        BEG,
        "fr",
        10,
        False,
    ),
    (
        "javascript-fundamentals",
        ("Learn the fundamentals of JavaScript", "Apprenez les bases de JavaScript"),
        (
            "Variables, conditions, loops and functions, then the DOM: make a page react to what people do, without breaking it for those who cannot run scripts.",
            "Variables, conditions, boucles et fonctions, puis le DOM : faites réagir une page aux actions des visiteurs, sans la casser pour ceux qui n'exécutent pas de scripts.",
        ),
        BEG,
        "en",
        15,
        False,
    ),
    (
        "python-first-steps",
        ("Take your first steps in Python", "Faites vos premiers pas avec Python"),
        (
            "Install Python, write small programs that read files and make decisions, and learn to read an error message calmly.",
            "Installez Python, écrivez de petits programmes qui lisent des fichiers et prennent des décisions, et apprenez à lire un message d'erreur sans paniquer.",
        ),
        BEG,
        "fr",
        12,
        False,
    ),
    (
        "sql-relational-databases",
        (
            "Query relational databases with SQL",
            "Interrogez des bases de données relationnelles avec SQL",
        ),
        (
            "Design tables, join them, group and filter results, and understand why an index makes a query fast.",
            "Concevez des tables, faites des jointures, regroupez et filtrez les résultats, et comprenez pourquoi un index accélère une requête.",
        ),
        MID,
        "en",
        14,
        False,
    ),
    (
        "git-github-teamwork",
        ("Work as a team with Git and GitHub", "Travaillez en équipe avec Git et GitHub"),
        (
            "Commits, branches and pull requests: keep the history of a project and review each other's work without stepping on anyone's toes.",
            "Commits, branches et pull requests : gardez l'historique d'un projet et relisez le travail des autres sans vous marcher sur les pieds.",
        ),
        BEG,
        "fr",
        6,
        False,
    ),
    (
        "web-accessibility",
        ("Make your websites accessible", "Rendez vos sites web accessibles"),
        (
            "Who uses the web differently and how: WCAG criteria, semantic HTML, keyboard use, screen readers and testing with real tools.",
            "Qui utilise le web autrement et comment : critères WCAG, HTML sémantique, navigation au clavier, lecteurs d'écran et tests avec de vrais outils.",
        ),
        MID,
        "fr",
        8,
        False,
    ),
    (
        "ux-user-research",
        (
            "Understand your users with UX research",
            "Comprenez vos utilisateurs grâce à la recherche UX",
        ),
        (
            "Plan interviews, run usability tests and turn what you observed into decisions a team can act on.",
            "Préparez des entretiens, menez des tests d'utilisabilité et transformez vos observations en décisions qu'une équipe peut appliquer.",
        ),
        BEG,
        "en",
        9,
        False,
    ),
    (
        "agile-project-management",
        ("Manage a project with agile methods", "Gérez un projet avec les méthodes agiles"),
        (
            "Scrum and Kanban in practice: backlogs, sprints, stand-ups and retrospectives, and when not to use them.",
            "Scrum et Kanban en pratique : backlog, sprints, points quotidiens et rétrospectives, et quand s'en passer.",
        ),
        MID,
        "fr",
        7,
        False,
    ),
    (
        "data-analysis-pandas",
        ("Analyse data with pandas", "Analysez des données avec pandas"),
        (
            "Load, clean and explore a data set with pandas, then chart what you found and explain it to people who do not code.",
            "Chargez, nettoyez et explorez un jeu de données avec pandas, puis représentez vos résultats et expliquez-les à des non-développeurs.",
        ),
        MID,
        "en",
        16,
        False,
    ),
    (
        "machine-learning-basics",
        ("Start with machine learning", "Initiez-vous au machine learning"),
        (
            "Regression and classification with scikit-learn: split your data, train, measure honestly and avoid fooling yourself.",
            "Régression et classification avec scikit-learn : séparez vos données, entraînez, mesurez honnêtement et évitez de vous tromper vous-même.",
        ),
        ADV,
        "fr",
        20,
        False,
    ),
    (
        "cybersecurity-essentials",
        (
            "Protect systems: cybersecurity essentials",
            "Protégez les systèmes : l'essentiel de la cybersécurité",
        ),
        (
            "Threats, risks and defences: passwords and two-factor sign-in, updates, backups, phishing and what to do when something goes wrong.",
            "Menaces, risques et défenses : mots de passe et double authentification, mises à jour, sauvegardes, hameçonnage, et que faire en cas d'incident.",
        ),
        BEG,
        "en",
        8,
        False,
    ),
    (
        "linux-command-line",
        ("Master the Linux command line", "Maîtrisez la ligne de commande Linux"),
        (
            "Move around the file system, combine commands with pipes, manage permissions and automate small tasks with shell scripts.",
            "Déplacez-vous dans l'arborescence, combinez les commandes avec des pipes, gérez les droits et automatisez de petites tâches avec des scripts shell.",
        ),
        MID,
        "en",
        10,
        False,
    ),
    (
        "react-interfaces",
        ("Build interfaces with React", "Construisez des interfaces avec React"),
        (
            "Components, state and effects: build an interface that stays fast and usable with a keyboard and a screen reader.",
            "Composants, état et effets : construisez une interface qui reste rapide et utilisable au clavier et avec un lecteur d'écran.",
        ),
        ADV,
        "en",
        18,
        False,
    ),
    (
        "figma-prototyping",
        ("Prototype interfaces with Figma", "Prototypez des interfaces avec Figma"),
        (
            "From sketch to clickable prototype: frames, components, auto layout and sharing a prototype for testing.",
            "Du croquis au prototype cliquable : frames, composants, auto layout et partage d'un prototype pour le tester.",
        ),
        BEG,
        "fr",
        6,
        True,
    ),
]

CHAPTERS = {
    "html-css-first-pages": [
        (
            "How a web page reaches you",
            "Comment une page web vous parvient",
            "When you open a page, your browser asks a server for it and the server answers with HTML.\n\n![The browser sends a request; the server answers with HTML](/static/img/catalog/request-cycle.svg)\n\nIn this chapter you will write a first file and open it in your browser.",
            "Quand vous ouvrez une page, votre navigateur la demande à un serveur, qui répond avec du HTML.\n\n![Le navigateur envoie une requête ; le serveur répond avec du HTML](/static/img/catalog/request-cycle.svg)\n\nDans ce chapitre, vous allez écrire un premier fichier et l'ouvrir dans votre navigateur.",
        ),
        (
            "Structure content with HTML",
            "Structurez le contenu avec HTML",
            "Headings, paragraphs, lists and links give a page its structure. Use `<h1>` once, then `<h2>` for each section.",
            "Titres, paragraphes, listes et liens donnent sa structure à une page. Utilisez `<h1>` une seule fois, puis `<h2>` pour chaque section.",
        ),
        (
            "The CSS box model",
            "Le modèle de boîte CSS",
            "Every element is a box: content, padding, border and margin.\n\n![Nested boxes: margin, border, padding and content](/static/img/catalog/box-model.svg)",
            "Chaque élément est une boîte : contenu, marge intérieure, bordure et marge extérieure.\n\n![Boîtes imbriquées : marge, bordure, marge intérieure et contenu](/static/img/catalog/box-model.svg)",
        ),
    ],
}


# Short demo videos (app/static/media, made by app/seeds/media/make_demo_videos.sh): the
# first chapter of a French course and of an English one, each with captions in its own
# language, subtitles in the other and a transcript in both.
VIDEOS = {
    ("html-css-first-pages", 1): {
        "video_url": "/static/media/how-a-page-reaches-you.webm",
        "captions_url": "/static/media/how-a-page-reaches-you.fr.vtt",
        "subtitles_url": "/static/media/how-a-page-reaches-you.en.vtt",
        "video_language": "fr",
        "transcript_fr": "Quand vous ouvrez une page, votre navigateur la demande à un serveur. "
        "Le serveur répond avec du HTML, que le navigateur affiche.",
        "transcript_en": "When you open a page, your browser asks a server for it. "
        "The server answers with HTML, which the browser displays.",
    },
    ("javascript-fundamentals", 1): {
        "video_url": "/static/media/what-a-variable-is.webm",
        "captions_url": "/static/media/what-a-variable-is.en.vtt",
        "subtitles_url": "/static/media/what-a-variable-is.fr.vtt",
        "video_language": "en",
        "transcript_en": "A variable gives a name to a value. "
        "Change the value, and everything that uses the name follows.",
        "transcript_fr": "Une variable donne un nom à une valeur. "
        "Changez la valeur, et tout ce qui utilise ce nom suit.",
    },
}


def _add_videos(courses: dict[str, Course]) -> None:
    """Also on a demo database made before the videos existed: a chapter without one."""
    for (slug, position), video in VIDEOS.items():
        course = courses.get(slug)
        chapter = (
            next((c for c in course.chapters if c.position == position), None) if course else None
        )
        if chapter is not None and not chapter.video_url:
            for name, value in video.items():
                setattr(chapter, name, value)


def _chapters_for(slug: str, title_en: str, title_fr: str):
    if slug in CHAPTERS:
        return CHAPTERS[slug]
    return [
        (
            f"Getting started: {title_en}",
            f"Pour commencer : {title_fr}",
            "What you will learn, what you need and how the course is organised.",
            "Ce que vous allez apprendre, ce dont vous avez besoin et comment le cours est organisé.",
        ),
        (
            "Practise with a worked example",
            "Entraînez-vous sur un exemple commenté",
            "Follow a complete example step by step, then change it to see what happens.",
            "Suivez un exemple complet pas à pas, puis modifiez-le pour voir ce qui se passe.",
        ),
        (
            "Sum up and go further",
            "Résumez et allez plus loin",
            "The essentials in a few lines, and resources for what comes next.",
            "L'essentiel en quelques lignes, et des ressources pour la suite.",
        ),
    ]


def _texts(
    job_en,
    job_fr,
    *,
    equipment_en,
    equipment_fr,
    prior_en,
    prior_fr,
    careers_en,
    careers_fr,
    projects,
    months,
    mentoring_weekly=True,
):
    # The rhythm the programme gives: its projects spread over the average duration.
    weeks = round(months * 52 / 12 / projects)
    frequency_en = f"one project every {weeks} weeks"
    frequency_fr = f"un projet toutes les {weeks} semaines"
    return {
        "job": (job_en, job_fr),
        "assignments": (
            f"The path is made of professional projects based on real situations: you deliver code, documents or presentations as you would at work, at a rhythm of about {frequency_en} when studying full time. Courses give you what you need for each project.",
            f"Le parcours se compose de projets professionnels tirés de situations réelles : vous livrez du code, des documents ou des présentations comme en entreprise, au rythme d'environ {frequency_fr} à temps plein. Les cours vous apportent ce qu'il faut pour chaque projet.",
        ),
        "mentoring": (
            "A professional in the field is your mentor. You meet them one to one by video, for 45 minutes every week"
            + (" " if mentoring_weekly else " (every two weeks once you are settled) ")
            + "to plan your work, unblock you and review your projects before you submit them.",
            "Un professionnel du métier est votre mentor. Vous le retrouvez en visio, en tête-à-tête, 45 minutes chaque semaine"
            + (" " if mentoring_weekly else " (toutes les deux semaines une fois lancé) ")
            + "pour organiser votre travail, vous débloquer et relire vos projets avant que vous les soumettiez.",
        ),
        "support": (
            "Student Success answers questions about your training, schedule and funding by email within two working days. The learner community and the forum help you between sessions.",
            "L'équipe Student Success répond à vos questions sur la formation, le planning et le financement par e-mail sous deux jours ouvrés. La communauté et le forum vous aident entre les sessions.",
        ),
        "assessments": (
            "Each project is assessed by your mentor against a published list of skills. For the final project you present your work to a jury of professionals, who decide whether you are awarded the diploma.",
            "Chaque projet est évalué par votre mentor selon une liste de compétences publiée. Pour le projet final, vous présentez votre travail à un jury de professionnels qui décide de l'obtention du diplôme.",
        ),
        "guidelines": (
            "Each project comes with a written brief on the platform: the scenario, what to deliver, the skills assessed and resources. Your mentor confirms the objectives at the start of each project, and any change is announced on the platform and by email.",
            "Chaque projet est accompagné d'un énoncé écrit sur la plateforme : le scénario, les livrables, les compétences évaluées et des ressources. Votre mentor confirme les objectifs au début de chaque projet, et tout changement est annoncé sur la plateforme et par e-mail.",
        ),
        "prior_knowledge": (prior_en, prior_fr),
        "education": (
            "No diploma is required to start. For paths leading to a registered title, the jury may only award it if you meet the entry conditions of the registration, which Student Success checks with you before you start.",
            "Aucun diplôme n'est exigé pour commencer. Pour les parcours menant à un titre enregistré, le jury ne peut le délivrer que si vous remplissez les conditions d'accès de l'enregistrement, que Student Success vérifie avec vous avant le démarrage.",
        ),
        "equipment": (equipment_en, equipment_fr),
        "careers": (careers_en, careers_fr),
    }


LAPTOP_EN = "- A computer less than five years old with 8 GB of memory (16 GB recommended)\n- A webcam and a headset for mentoring sessions\n- A broadband connection (at least 8 Mbit/s)"
LAPTOP_FR = "- Un ordinateur de moins de cinq ans avec 8 Go de mémoire (16 Go recommandés)\n- Une webcam et un micro-casque pour les sessions de mentorat\n- Une connexion haut débit (au moins 8 Mbit/s)"

# slug, titles, summaries, level, language, certification, code, months, min projects,
# availability, monthly cents, programme, texts
PATHS = [
    dict(
        slug="web-developer",
        title=("Web Developer", "Développeur web"),
        summary=(
            "Build websites and web applications from the first page to the server, with the habits of a professional team.",
            "Créez des sites et des applications web, de la première page jusqu'au serveur, avec les habitudes d'une équipe professionnelle.",
        ),
        level=BEG,
        language="fr",
        certification=Certification.RNCP,
        code="RNCP00001",
        months=12,
        min_projects=6,
        price=30000,
        programme=[
            "course:html-css-first-pages",
            "project:Turn a mock-up into a web page|Transformez une maquette en page web",
            "course:javascript-fundamentals",
            "project:Add interactivity to a web page|Ajoutez de l'interactivité à une page web",
            "course:web-accessibility",
            "project:Make a site accessible|Rendez un site accessible",
            "course:git-github-teamwork",
            "project:Contribute to a team's shared code|Contribuez au code partagé d'une équipe",
            "course:sql-relational-databases",
            "project:Build a web application with a database|Créez une application web avec une base de données",
            "project:Final project: a site for a real client|Projet final : un site pour un vrai client",
        ],
        texts=_texts(
            "Web developers build and maintain websites and web applications: the pages people see and the code behind them.",
            "Le développeur web crée et maintient des sites et des applications web : les pages que voient les visiteurs et le code qui les fait fonctionner.",
            equipment_en=LAPTOP_EN,
            equipment_fr=LAPTOP_FR,
            prior_en="You can use a computer with ease and are comfortable reading documentation in English.",
            prior_fr="Vous utilisez un ordinateur avec aisance et lisez sans difficulté une documentation en anglais.",
            careers_en="Front-end, back-end or full-stack web developer in an agency, a start-up, a company's digital team, or freelance.",
            careers_fr="Développeur web front-end, back-end ou full-stack en agence, en start-up, dans l'équipe numérique d'une entreprise ou en indépendant.",
            projects=6,
            months=12,
        ),
    ),
    dict(
        slug="data-analyst",
        title=("Data Analyst", "Data analyst"),
        summary=(
            "Turn raw data into answers: clean it, query it, chart it and explain what it means to the people who decide.",
            "Transformez des données brutes en réponses : nettoyez-les, interrogez-les, représentez-les et expliquez-les à ceux qui décident.",
        ),
        level=MID,
        language="en",
        certification=Certification.RS,
        code="RS0002",
        months=6,
        min_projects=4,
        price=25000,
        scheduled_price=28000,
        programme=[
            "course:sql-relational-databases",
            "project:Answer business questions with SQL|Répondez à des questions métier en SQL",
            "course:python-first-steps",
            "course:data-analysis-pandas",
            "project:Clean and explore a public data set|Nettoyez et explorez un jeu de données public",
            "project:Build a dashboard for a sales team|Créez un tableau de bord pour une équipe commerciale",
            "project:Final project: present your analysis|Projet final : présentez votre analyse",
        ],
        texts=_texts(
            "Data analysts collect, clean and analyse data, then present their findings so that a team can make decisions.",
            "Le data analyst collecte, nettoie et analyse des données, puis présente ses résultats pour qu'une équipe puisse décider.",
            equipment_en=LAPTOP_EN,
            equipment_fr=LAPTOP_FR,
            prior_en="Comfort with numbers at secondary-school level; a first experience with spreadsheets helps.",
            prior_fr="De l'aisance avec les chiffres, niveau lycée ; une première expérience des tableurs est un plus.",
            careers_en="Data analyst, business analyst, reporting officer, or analyst in marketing or finance teams.",
            careers_fr="Data analyst, business analyst, chargé de reporting, ou analyste dans les équipes marketing ou finance.",
            projects=4,
            months=6,
        ),
    ),
    dict(
        slug="ux-designer",
        title=("UX Designer", "UX designer"),
        summary=(
            "Design digital products people can use: research, prototypes and tests with real users.",
            "Concevez des produits numériques utilisables : recherche, prototypes et tests avec de vrais utilisateurs.",
        ),
        level=BEG,
        language="en",
        certification=Certification.NONE,
        code=None,
        months=9,
        min_projects=4,
        price=20000,
        programme=[
            "course:ux-user-research",
            "project:Interview five users and map their journey|Interrogez cinq utilisateurs et cartographiez leur parcours",
            "course:web-accessibility",
            "project:Audit the accessibility of a website|Auditez l'accessibilité d'un site web",
            "project:Prototype and test an app|Prototypez et testez une application",
            "course:agile-project-management",
            "project:Final project: redesign a public service|Projet final : repensez un service public",
        ],
        texts=_texts(
            "UX designers understand users' needs and design interfaces that are simple, useful and accessible.",
            "Le UX designer comprend les besoins des utilisateurs et conçoit des interfaces simples, utiles et accessibles.",
            equipment_en=LAPTOP_EN + "\n- A recent web browser to use the design tools online",
            equipment_fr=LAPTOP_FR
            + "\n- Un navigateur récent pour utiliser les outils de design en ligne",
            prior_en="Curiosity about people and how they use things; no design experience needed.",
            prior_fr="De la curiosité pour les gens et leurs usages ; aucune expérience en design n'est nécessaire.",
            careers_en="UX designer, UX researcher or product designer in agencies, start-ups and public digital services.",
            careers_fr="UX designer, UX researcher ou product designer en agence, en start-up ou dans les services publics numériques.",
            projects=4,
            months=9,
            mentoring_weekly=False,
        ),
    ),
    dict(
        slug="project-manager",
        title=("Digital Project Manager", "Chef de projet digital"),
        summary=(
            "Lead digital projects from the first idea to delivery: scope, plan, team, budget and quality.",
            "Pilotez des projets numériques de l'idée à la livraison : périmètre, planning, équipe, budget et qualité.",
        ),
        level=MID,
        language="fr",
        certification=Certification.RNCP,
        code="RNCP00003",
        months=18,
        min_projects=6,
        price=32000,
        programme=[
            "course:agile-project-management",
            "project:Write the specifications of a website|Rédigez le cahier des charges d'un site",
            "course:ux-user-research",
            "course:git-github-teamwork",
            "project:Run a project's kick-off meeting|Animez la réunion de lancement d'un projet",
            "project:Plan a project and its budget|Planifiez un projet et son budget",
            "course:web-accessibility",
            "project:Report on a project's progress to its client|Rendez compte de l'avancement d'un projet à son client",
            "project:Lead a sprint with a team|Animez un sprint avec une équipe",
            "project:Final project: deliver a digital product|Projet final : livrez un produit numérique",
        ],
        texts=_texts(
            "Digital project managers coordinate designers, developers and clients so that a product is delivered on time, on budget and as expected.",
            "Le chef de projet digital coordonne designers, développeurs et clients pour livrer un produit dans les délais, le budget et la qualité attendus.",
            equipment_en=LAPTOP_EN,
            equipment_fr=LAPTOP_FR,
            prior_en="A first professional experience, in any field, is recommended.",
            prior_fr="Une première expérience professionnelle, dans n'importe quel domaine, est recommandée.",
            careers_en="Digital project manager, product owner, or project officer in an agency or a company's digital team.",
            careers_fr="Chef de projet digital, product owner ou chargé de projet en agence ou dans l'équipe numérique d'une entreprise.",
            projects=6,
            months=18,
        ),
    ),
    dict(
        slug="cybersecurity-analyst",
        title=("Cybersecurity Analyst", "Analyste en cybersécurité"),
        summary=(
            "Detect and answer attacks: monitor systems, analyse incidents and help a company protect itself.",
            "Détectez les attaques et réagissez : surveillez les systèmes, analysez les incidents et aidez une entreprise à se protéger.",
        ),
        level=MID,
        language="en",
        certification=Certification.NONE,
        code=None,
        months=10,
        min_projects=4,
        price=29000,
        upcoming=True,
        programme=[
            "course:linux-command-line",
            "project:Harden a Linux server|Durcissez un serveur Linux",
            "course:cybersecurity-essentials",
            "project:Secure a small company network|Sécurisez le réseau d'une petite entreprise",
            "project:Analyse a security incident|Analysez un incident de sécurité",
            "project:Final project: run a risk assessment|Projet final : menez une analyse de risques",
        ],
        texts=_texts(
            "Cybersecurity analysts watch over a company's systems, spot suspicious activity and lead the response to incidents.",
            "L'analyste en cybersécurité surveille les systèmes d'une entreprise, repère les activités suspectes et pilote la réponse aux incidents.",
            equipment_en=LAPTOP_EN.replace(
                "8 GB of memory (16 GB recommended)",
                "16 GB of memory, able to run virtual machines",
            ),
            equipment_fr=LAPTOP_FR.replace(
                "8 Go de mémoire (16 Go recommandés)",
                "16 Go de mémoire, capable de faire tourner des machines virtuelles",
            ),
            prior_en="Basic networking and command-line knowledge, for example from the Linux course.",
            prior_fr="Des bases en réseau et en ligne de commande, par exemple avec le cours Linux.",
            careers_en="Security operations centre (SOC) analyst, security administrator, or IT officer with a security role.",
            careers_fr="Analyste SOC, administrateur sécurité, ou technicien informatique avec une mission de sécurité.",
            projects=4,
            months=10,
        ),
    ),
]

RATES = [
    ("GB", "GBP", "0.85"),
    ("CH", "CHF", "0.94"),
    ("US", "USD", "1.08"),
    ("CA", "CAD", "1.49"),
    ("MA", "MAD", "10.90"),
    ("TN", "TND", "3.38"),
    ("SN", "XOF", "655.957"),
    ("CI", "XOF", "655.957"),
    ("JP", "JPY", "162"),
    ("FR", "EUR", "1"),
    ("BE", "EUR", "1"),
]


def _first_of_month_after(today: date, months: int) -> date:
    year, month = divmod(today.month - 1 + months, 12)
    return date(today.year + year, month + 1, 1)


def seed_catalog(today: date) -> dict[str, int]:
    """Create what is missing; return how many rows of each kind were added."""
    added = {"courses": 0, "paths": 0, "prices": 0, "rates": 0, "quizzes": 0, "assignments": 0}
    courses = {c.slug: c for c in db.session.scalars(select(Course))}
    for slug, titles, summaries, level, language, hours, upcoming in COURSES:
        if slug in courses:
            continue
        course = Course(
            slug=slug,
            title_en=titles[0],
            title_fr=titles[1],
            summary_en=summaries[0],
            summary_fr=summaries[1],
            level=level,
            language=language,
            duration_hours=hours,
            availability=Availability.UPCOMING if upcoming else Availability.OPEN,
            search_text=search_text(*titles, *summaries),
        )
        for position, (t_en, t_fr, b_en, b_fr) in enumerate(_chapters_for(slug, *titles), 1):
            course.chapters.append(
                Chapter(position=position, title_en=t_en, title_fr=t_fr, body_en=b_en, body_fr=b_fr)
            )
        course.exercises.append(
            Exercise(
                position=1,
                kind=ExerciseKind.QUIZ,
                title_en="Check what you learnt",
                title_fr="Vérifiez vos acquis",
            )
        )
        course.exercises.append(
            Exercise(
                position=2,
                kind=ExerciseKind.ASSIGNMENT,
                title_en="Put it into practice",
                title_fr="Mettez en pratique",
            )
        )
        db.session.add(course)
        courses[slug] = course
        added["courses"] += 1
    db.session.flush()
    _add_videos(courses)
    # Every demo course's quiz gets its questions (app/seeds/learning.py).
    added["quizzes"] = seed_quizzes()
    added["assignments"] = seed_assignments()

    existing_paths = {p.slug: p for p in db.session.scalars(select(LearningPath))}
    for spec in PATHS:
        path = existing_paths.get(spec["slug"])
        if path is None:
            path = LearningPath(
                slug=spec["slug"],
                title_en=spec["title"][0],
                title_fr=spec["title"][1],
                summary_en=spec["summary"][0],
                summary_fr=spec["summary"][1],
                level=spec["level"],
                language=spec["language"],
                certification=spec["certification"],
                certification_code=spec["code"],
                duration_months=spec["months"],
                min_projects=spec["min_projects"],
            )
            for name, (en, fr) in spec["texts"].items():
                setattr(path, f"{name}_en", en)
                setattr(path, f"{name}_fr", fr)
            if spec.get("upcoming"):
                path.availability = Availability.UPCOMING
                path.launch_estimate = _first_of_month_after(today, 5)
                path.launch_precision = Precision.SEASON
            path.search_text = search_text(*spec["title"], *spec["summary"], *spec["texts"]["job"])
            for position, line in enumerate(spec["programme"], 1):
                kind, _, rest = line.partition(":")
                if kind == "course":
                    path.steps.append(
                        PathStep(position=position, kind=StepKind.COURSE, course=courses[rest])
                    )
                else:
                    en, _, fr = rest.partition("|")
                    path.steps.append(
                        PathStep(position=position, kind=StepKind.PROJECT, title_en=en, title_fr=fr)
                    )
            db.session.add(path)
            db.session.flush()
            added["paths"] += 1
        prices = [(path_offer(path.id), spec["price"], date(2026, 1, 1))]
        if spec.get("scheduled_price"):
            prices.append(
                (path_offer(path.id), spec["scheduled_price"], _first_of_month_after(today, 2))
            )
        added["prices"] += _add_prices(prices, existing_only_if_empty=True)

    added["prices"] += _add_prices(
        [(SOLO, 1800, date(2025, 1, 1)), (SOLO, 2000, date(2026, 1, 1))],
        existing_only_if_empty=True,
    )
    known = set(db.session.scalars(select(CurrencyRate.country)))
    for country, currency, rate in RATES:
        if country not in known:
            db.session.add(CurrencyRate(country=country, currency=currency, rate=Decimal(rate)))
            added["rates"] += 1
    if any(added.values()):
        bump_version()
    db.session.flush()
    return added


def _add_prices(prices, existing_only_if_empty: bool) -> int:
    """Add an offer's demo prices only if it has none yet (so a rerun on another day
    does not schedule a second change)."""
    offer = prices[0][0]
    if existing_only_if_empty and db.session.scalar(
        select(Price.id).where(Price.offer == offer).limit(1)
    ):
        return 0
    for offer, cents, effective_from in prices:
        db.session.add(Price(offer=offer, amount_cents=cents, effective_from=effective_from))
    return len(prices)
