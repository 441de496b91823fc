"""
The seed story: the Belarus–Russia summit article from the reference page, with
its category path (World > Russia), credit line and tags. A fresh database gets
it through a data migration; `manage.py load_seed` loads it again on demand.
Loading is idempotent: existing rows are found by slug and left as they are.

Works with historical models (in a migration) and with the real ones alike, so
it sets every derived field itself.
"""

import datetime
import html

from django.utils.text import slugify

from . import richtext

TITLE = "Belarusian, Russian Leaders Meet As West Prepares To Ramp Up Pressure"
SLUG = slugify(TITLE)
PUBLISHED_AT = datetime.datetime(2021, 2, 22, 9, 0, tzinfo=datetime.UTC)
AGENCIES = ("dpa", "TASS")
TAGS = (
    "Belarus",
    "Russia",
    "Vladimir Putin",
    "Alyaksandr Lukashenka",
    "European Union",
    "Sanctions",
    "Aleksei Navalny",
)
CATEGORIES = (
    ("World", "world", "News from around the world."),
    ("Russia", "russia", "Russia and its neighbours."),
)
AUTHOR = ("Open Magazine Newsroom", "newsroom", "Reporting and analysis from our news desk.")

PARAGRAPHS = [
    "Russian President Vladimir Putin and Belarusian leader Alyaksandr Lukashenka have begun direct talks in Sochi on stalled integration efforts as each faces mass protests at home and mounting pressure from the West.",
    "The two leaders planned to discuss economic ties, energy, security, and integration, among other issues, the Kremlin said last week.",
    "The schedule included lunch and skiing together at the Black Sea resort.",
    'At the start of the meeting, Putin said he was "delighted to reaffirm the level of our interaction, strategic partnership, and allied relations."',
    'Russian media quoted Lukashenka as saying during the meeting that there were "maybe six, seven [integration] road maps left out of 33" that still needed to be hammered out within their broader "plan of action" on joint cooperation. "All the others are ready to be signed," he said.',
    "Lukashenka has long sought to portray himself as a brake on Moscow's pressure to merge Belarus with Russia.",
    "But seven months of unprecedented street protests since a disputed presidential election has put the Belarusian leader on the defensive and seemingly more reliant on Putin's support.",
    "Their summit comes with the European Union poised to adopt fresh sanctions against Russia and possibly Belarus, ramping up pressure over a host of issues that have drawn the two neighbors closer in recent months.",
    "The EU has progressively slapped sanctions on Belarus in response to the violent repression of peaceful protesters, the opposition, and media since an August 2020 election the bloc considers fraudulent that extended Lukashenka's 26-year authoritarian rule.",
    "Belarusian opposition leader Svyatlana Tsikhanouskaya, who claims to have won the vote, is calling for the EU to take a tougher stance against Lukashenka’s regime.",
    "The last time Putin and Lukashenka met face to face was in mid-September 2020 in Sochi, when Belarus secured a $1.5 billion loan for its battered economy. Since then, mass protests in Belarus have lost some of their steam during the frigid winter months amid a sweeping crackdown.",
    "In recent years, Russia has pressured Belarus to take steps toward integration in order to cement a 20-year-old agreement to form a union state, only to be rebuffed by Lukashenka's defense of the nation's sovereignty.",
    "However, the situation began to change after Russia helped prop up Lukashenka in the wake of the August presidential election, bringing the two sides closer over common threat perceptions.",
    '“Minsk understands perfectly how important it is now to be on the right side of the Kremlin,” political analyst Artyom Shraibman wrote in an analysis for the Carnegie Moscow Center. “Lukashenka has tried many times to show that he and Putin are in the same boat against the collective West, and that the recent protests in Russia are a continuation of those in Belarus."',
    "Putin comes to Sochi with the threat of new Russia sanctions from the EU and Washington over the detention of opposition politician Aleksei Navalny and evidence the anti-corruption crusader was poisoned with a nerve agent he blames on Putin and FSB security agents.",
    "Navalny’s detention in January upon his return from life-saving treatment in Germany and subsequent crackdown on some of the largest anti-government protests in a decade prompted international outrage.",
]


def body():
    return "\n".join(f"<p>{html.escape(p, quote=False)}</p>" for p in PARAGRAPHS)


def load_seed_story(apps, schema_editor=None):
    """Create the seed story and what it needs, unless it is already there."""
    Category = apps.get_model("articles", "Category")
    Author = apps.get_model("articles", "Author")
    Agency = apps.get_model("articles", "Agency")
    Article = apps.get_model("articles", "Article")
    SiteSettings = apps.get_model("articles", "SiteSettings")

    SiteSettings.objects.get_or_create(pk=1)
    parent = None
    for depth, (name, slug, description) in enumerate(CATEGORIES):
        path = f"{parent.path}/{slug}" if parent else slug
        parent, _ = Category.objects.get_or_create(
            path=path,
            defaults={
                "name": name,
                "slug": slug,
                "parent": parent,
                "depth": depth,
                "description": description,
            },
        )
    name, slug, bio = AUTHOR
    author, _ = Author.objects.get_or_create(slug=slug, defaults={"name": name, "bio": bio})
    if Article.objects.filter(slug=SLUG).exists():
        return
    source = body()
    article = Article.objects.create(
        title=TITLE,
        slug=SLUG,
        body=source,
        body_html=richtext.render_body(source),
        meta_description=PARAGRAPHS[0],
        category=parent,
        author=author,
        status="published",
        publish_at=PUBLISHED_AT,
    )
    article.agencies.set(Agency.objects.get_or_create(name=name)[0] for name in AGENCIES)
    _tag(apps, article, TAGS)


def _tag(apps, article, names):
    """Tag through taggit's tables directly: historical models have no TaggableManager."""
    Tag = apps.get_model("taggit", "Tag")
    TaggedItem = apps.get_model("taggit", "TaggedItem")
    ContentType = apps.get_model("contenttypes", "ContentType")
    content_type, _ = ContentType.objects.get_or_create(app_label="articles", model="article")
    for name in names:
        tag, _ = Tag.objects.get_or_create(name=name, defaults={"slug": slugify(name)})
        TaggedItem.objects.get_or_create(tag=tag, content_type=content_type, object_id=article.pk)
