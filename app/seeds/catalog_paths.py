"""The demo catalog's Learning Paths: titles, summaries, certification, duration,
projects, price, programme and the texts of their pages in both languages."""

from app.models import Certification
from app.seeds.catalog_courses import BEG, MID


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
