"""
Fill the database with a realistic newsroom, fast (bulk inserts), for benchmarks and
trying things out: a category tree, authors, tags, published articles with votes.
Existing content is kept; run it on an empty or disposable database.
"""

import random
import secrets

from django.core.management.base import BaseCommand
from django.db import transaction
from django.utils import timezone
from django.utils.text import slugify
from taggit.models import Tag, TaggedItem

from articles import richtext
from articles.models import Article, ArticleRating, Author, Category
from articles.models.articles import RATING_FIELDS

SECTIONS = {
    "World": ["Europe", "Russia", "Asia", "Americas", "Africa", "Middle East"],
    "Business": ["Markets", "Energy", "Technology"],
    "Culture": ["Books", "Film", "Music"],
    "Science": ["Climate", "Health", "Space"],
    "Sport": ["Football", "Winter sports"],
}
SUBJECTS = ["Leaders", "Ministers", "Regulators", "Scientists", "Voters", "Unions", "Investors"]
VERBS = ["Meet Over", "Clash On", "Agree To Review", "Warn About", "Push For", "Reject"]
TOPICS = ["Energy Prices", "Trade Talks", "New Sanctions", "Climate Targets", "Election Rules",
          "Border Controls", "Grain Exports", "Health Reform", "Data Privacy", "Rail Strikes"]  # fmt: skip
SENTENCES = [
    "Officials said the talks would continue next week after a first round ended without agreement.",
    "The proposal, first reported by local media, would take effect at the start of next year.",
    "Critics say the plan does little to address the concerns raised by opposition lawmakers.",
    "Analysts expect markets to react cautiously until the details are published in full.",
    "The government has repeatedly denied that the measures are aimed at any single country.",
    "Protesters gathered outside the parliament building for a third consecutive evening.",
    "A spokesperson declined to comment on the timing, citing ongoing negotiations.",
    "Independent observers said the figures were broadly in line with earlier estimates.",
]


class Command(BaseCommand):
    help = "Generate demo content: --articles N --comments-per-article M (bulk inserts)."

    def add_arguments(self, parser):
        parser.add_argument("--articles", type=int, default=1000)
        parser.add_argument("--comments-per-article", type=int, default=10)
        parser.add_argument("--votes-per-article", type=int, default=5)
        parser.add_argument(
            "--seed-article-comments",
            type=int,
            default=0,
            help="Also give the seed story this many comments, in threads.",
        )
        parser.add_argument("--seed", type=int, default=1, help="Random seed, for repeatable data.")

    def handle(self, *args, **options):
        rng = random.Random(options["seed"])
        with transaction.atomic():
            categories = self._categories()
            authors = self._authors(rng)
            tags = self._tags()
            articles = self._articles(rng, options["articles"], categories, authors)
            self._tag(rng, articles, tags)
            self._votes(rng, articles, options["votes_per_article"])
            comments = self._comments(rng, articles, options["comments_per_article"])
        self.stdout.write(
            f"Generated {len(articles)} articles, {comments} comments, "
            f"{len(tags)} tags, {len(authors)} authors."
        )

    def _categories(self):
        leaves = []
        for order, (section, children) in enumerate(SECTIONS.items()):
            parent = Category.objects.filter(path=slugify(section)).first()
            if parent is None:
                parent = Category.objects.create(name=section, slug=slugify(section), order=order)
            for name in children:
                path = f"{parent.path}/{slugify(name)}"
                child = Category.objects.filter(path=path).first() or Category.objects.create(
                    name=name, slug=slugify(name), parent=parent
                )
                leaves.append(child)
        return leaves

    def _authors(self, rng):
        names = [f"{first} {last}" for first in ("Anna", "Jonas", "Mira", "Pavel", "Leila")
                 for last in ("Novak", "Berg", "Haddad", "Ivanova")]  # fmt: skip
        existing = set(Author.objects.values_list("slug", flat=True))
        Author.objects.bulk_create(
            Author(name=n, slug=slugify(n), bio=f"{n} reports for the news desk.")
            for n in names
            if slugify(n) not in existing
        )
        return list(Author.objects.all())

    def _tags(self):
        names = [f"{topic} {n}" for topic in TOPICS for n in range(1, 21)]
        Tag.objects.bulk_create(
            [Tag(name=n, slug=slugify(n)) for n in names], ignore_conflicts=True
        )
        return list(Tag.objects.filter(name__in=names))

    def _articles(self, rng, count, categories, authors):
        bodies = []
        for _ in range(20):  # a few bodies, rendered once: bulk_create skips save()
            source = "".join(
                "<p>" + " ".join(rng.sample(SENTENCES, 3)) + "</p>"
                for _ in range(rng.randint(6, 16))
            )
            bodies.append((source, richtext.render_body(source)))
        now = timezone.now()
        start = Article.objects.count()
        batch = []
        for n in range(count):
            title = f"{rng.choice(SUBJECTS)} {rng.choice(VERBS)} {rng.choice(TOPICS)}"
            source, rendered = rng.choice(bodies)
            batch.append(
                Article(
                    title=title,
                    slug=f"{slugify(title)}-{start + n}",
                    standfirst=rng.choice(SENTENCES),
                    body=source,
                    body_html=rendered,
                    category=rng.choice(categories),
                    author=rng.choice(authors),
                    status=Article.Status.PUBLISHED,
                    publish_at=now - timezone.timedelta(minutes=30 * (count - n)),
                )
            )
        return Article.objects.bulk_create(batch, batch_size=2000)

    def _tag(self, rng, articles, tags):
        from django.contrib.contenttypes.models import ContentType

        content_type = ContentType.objects.get_for_model(Article)
        TaggedItem.objects.bulk_create(
            (
                TaggedItem(tag=tag, content_type=content_type, object_id=article.pk)
                for article in articles
                for tag in rng.sample(tags, 3)
            ),
            batch_size=5000,
        )

    def _votes(self, rng, articles, per_article):
        votes = []
        for article in articles:
            counts = dict.fromkeys(range(1, 6), 0)
            for _ in range(per_article):
                score = rng.choice((3, 4, 4, 5, 5, 1, 2))
                counts[score] += 1
                votes.append(
                    ArticleRating(article=article, score=score, reader_hash=secrets.token_hex(32))
                )
            for score, field in zip(range(1, 6), RATING_FIELDS, strict=True):
                setattr(article, field, counts[score])
        ArticleRating.objects.bulk_create(votes, batch_size=5000)
        Article.objects.bulk_update(articles, RATING_FIELDS, batch_size=2000)

    def _comments(self, rng, articles, per_article):
        """Comment threads come with the comments feature; nothing to make without it."""
        return 0
