"""
Fill the database with a realistic newsroom, fast (bulk inserts), for benchmarks and
trying things out: a category tree, authors, tags, published articles with votes.
Existing content is kept; run it on an empty or disposable database.
"""

import random
import secrets

from django.core.management.base import BaseCommand
from django.db import transaction
from django.db.models import Count
from django.utils import timezone
from django.utils.text import slugify
from taggit.models import Tag, TaggedItem

from articles import richtext
from articles import seed as seed_story
from articles.models import Article, ArticleRating, Author, Category, Comment
from articles.models.articles import RATING_FIELDS
from articles.models.comments import MAX_DEPTH, PATH_DIGITS
from articles.models.comments import render_body as render_comment

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
COMMENT_TEXTS = [
    "Good summary. I would add that the energy question is the real driver here.",
    "Does anyone know when the full text of the agreement will be published?",
    "I disagree.\n\nThe sanctions have been announced many times before and changed little.",
    "Source for the loan figure: https://example.com/report (page 4).",
    "Thanks for the clear reporting, as always.",
]
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
            seed = Article.objects.filter(slug=seed_story.SLUG).first()
            if seed and options["seed_article_comments"]:
                comments += self._comments(rng, [seed], options["seed_article_comments"])
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
        """Threads up to five deep: about a third top-level, the rest replies."""
        if not per_article:
            return 0
        bodies = [(text, render_comment(text)) for text in COMMENT_TEXTS]
        now = timezone.now()
        level = []
        for article in articles:
            for _ in range(max(1, per_article // 3)):
                level.append(self._comment(rng, bodies, article.pk, None, now))
        level = self._insert(level)
        made = len(level)
        remaining = {article.pk: per_article - max(1, per_article // 3) for article in articles}
        for _depth in range(2, MAX_DEPTH + 1):
            by_article = {}
            for comment in level:
                by_article.setdefault(comment.article_id, []).append(comment)
            replies = []
            for article_id, parents in by_article.items():
                share = remaining[article_id] if _depth == MAX_DEPTH else remaining[article_id] // 2
                for _ in range(share):
                    replies.append(self._comment(rng, bodies, article_id, rng.choice(parents), now))
                remaining[article_id] -= share
            if not replies:
                break
            level = self._insert(replies)
            made += len(level)
        counts = Comment.objects.filter(article__in=articles).values("article")
        counts = counts.annotate(n=Count("pk")).values_list("article", "n")
        for article_id, n in counts:
            Article.objects.filter(pk=article_id).update(comment_count=n)
        return made

    @staticmethod
    def _comment(rng, bodies, article_id, parent, now):
        text, html = rng.choice(bodies)
        name = rng.choice(("Ola", "Sam", "Jürgen", "Aiko", "Priya", "Tomasz", "Lea"))
        return Comment(
            article_id=article_id,
            parent=parent,
            depth=parent.depth + 1 if parent else 1,
            name=name,
            email=f"{name.lower()}@example.com",
            body=text,
            body_html=html,
            status=Comment.Status.APPROVED,
            score=rng.randint(-3, 12),
            created_at=now - timezone.timedelta(minutes=rng.randint(1, 60 * 24 * 30)),
        )

    @staticmethod
    def _insert(comments):
        """bulk_create skips save(): set each comment's thread and path from its new id."""
        comments = Comment.objects.bulk_create(comments, batch_size=5000)
        for comment in comments:
            segment = f"{comment.pk:0{PATH_DIGITS}d}"
            parent = comment.parent
            comment.path = f"{parent.path}/{segment}" if parent else segment
            comment.thread_id = parent.thread_id if parent else comment.pk
        Comment.objects.bulk_update(comments, ("path", "thread"), batch_size=5000)
        return comments
