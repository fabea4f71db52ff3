"""The demo catalog's courses: titles and summaries in both languages, level, language,
duration, their chapters (three generic ones unless listed) and the two demo videos."""

from app.models import Level

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


def chapters_for(slug: str, title_en: str, title_fr: str):
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
