"""
Fill the database with a realistic newsroom, fast, for benchmarks and trying things
out: a category tree, authors, tags, published articles with votes and comment threads.
Existing content is kept; run it on an empty or disposable database.

Speed: rows are plain tuples with their ids chosen here (so a comment's thread and
path are known before it is written, and nothing is updated afterwards), written in
batches: with COPY on PostgreSQL (100,000 articles and 1,000,000 comments in a few
minutes), with bulk_create elsewhere.
"""

import random
from itertools import islice

from django.contrib.contenttypes.models import ContentType
from django.core.management.base import BaseCommand, CommandError
from django.core.management.color import no_style
from django.db import connection, models, transaction
from django.utils import timezone
from django.utils.text import slugify
from taggit.models import Tag, TaggedItem

from articles import richtext, search
from articles import seed as seed_story
from articles.models import Article, ArticleRating, Author, Category, Comment
from articles.models.articles import RATING_FIELDS
from articles.models.comments import MAX_DEPTH, PATH_DIGITS
from articles.models.comments import render_body as render_comment

BATCH = 20_000

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
    help = (
        "Generate demo content: --articles N with --comments-per-article M or --comments "
        "TOTAL (bulk inserts)."
    )

    def add_arguments(self, parser):
        parser.add_argument("--articles", type=int, default=1000)
        comments = parser.add_mutually_exclusive_group()
        comments.add_argument("--comments-per-article", type=int, default=None)
        comments.add_argument(
            "--comments", type=int, default=None, help="Comments in all, spread over the articles."
        )
        parser.add_argument("--votes-per-article", type=int, default=5)
        parser.add_argument(
            "--seed-article-comments",
            type=int,
            default=0,
            help="Also give the seed story this many comments, in threads.",
        )
        parser.add_argument(
            "--busy-article-comments",
            type=int,
            default=0,
            help="Also give the newest generated article this many comments (long pagination).",
        )
        parser.add_argument("--seed", type=int, default=1, help="Random seed, for repeatable data.")

    def handle(self, *args, **options):
        count = options["articles"]
        if count < 1:
            raise CommandError("--articles must be at least 1.")
        if options["comments"] is not None:
            total = options["comments"]
        else:
            per_article = options["comments_per_article"]
            total = count * (10 if per_article is None else per_article)
        rng = random.Random(options["seed"])
        self.now = timezone.now()
        with transaction.atomic():
            categories = self._categories()
            authors = self._authors()
            tags = self._tags()
            comment_counts = _spread(total, count)
            first_id = self._articles(
                rng, count, categories, authors, tags, comment_counts, options["votes_per_article"]
            )
            extra = {}
            seed = Article.objects.filter(slug=seed_story.SLUG).values_list("pk", flat=True)
            if seed and options["seed_article_comments"]:
                extra[seed[0]] = options["seed_article_comments"]
            if options["busy_article_comments"]:
                extra[first_id] = options["busy_article_comments"]  # the oldest generated one
            if extra:
                published = dict(
                    Article.objects.filter(pk__in=extra).values_list("pk", "publish_at")
                )
                self._comments(rng, ((pk, n, published[pk]) for pk, n in extra.items()))
                for article_id in extra:
                    approved = Comment.objects.filter(
                        article=article_id, status=Comment.Status.APPROVED
                    )
                    Article.objects.filter(pk=article_id).update(comment_count=approved.count())
            search.store_vectors(Article.objects.filter(pk__gte=first_id))
            _reset_sequences()
        made = total + sum(extra.values())
        self.stdout.write(
            f"Generated {count} articles, {made} comments, {len(tags)} tags, {len(authors)} authors."
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

    def _authors(self):
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

    def _articles(self, rng, count, categories, authors, tags, comment_counts, votes_per_article):
        """Articles with their tags and votes, then their comments; returns the first id."""
        bodies = []
        for _ in range(20):  # a few bodies, rendered once
            source = "".join(
                "<p>" + " ".join(rng.sample(SENTENCES, 3)) + "</p>"
                for _ in range(rng.randint(6, 16))
            )
            html = richtext.render_body(source)
            bodies.append((source, html, search.plain_text(html)))
        first_id = _next_id(Article)
        content_type = ContentType.objects.get_for_model(Article).pk
        articles, taggings, votes = [], [], []
        tagging_id, vote_id = _next_id(TaggedItem), _next_id(ArticleRating)
        for n in range(count):
            pk = first_id + n
            title = f"{rng.choice(SUBJECTS)} {rng.choice(VERBS)} {rng.choice(TOPICS)}"
            source, html, text = rng.choice(bodies)
            category, author = rng.choice(categories), rng.choice(authors)
            standfirst = rng.choice(SENTENCES)
            chosen = rng.sample(tags, 3)
            for tag in chosen:
                taggings.append((tagging_id, tag.pk, content_type, pk))
                tagging_id += 1
            ratings = [0] * 5
            for _ in range(votes_per_article):
                score = rng.choice((3, 4, 4, 5, 5, 1, 2))
                ratings[score - 1] += 1
                votes.append((vote_id, pk, score, f"{rng.getrandbits(256):064x}"))
                vote_id += 1
            searchable = search.search_text(
                title,
                standfirst,
                text,
                " ".join(t.name for t in chosen),
                category.name,
                author.name,
            )
            articles.append(
                (pk, title, f"{slugify(title)}-{pk}", standfirst, source, html, text, searchable,
                 category.pk, author.pk, self.now - timezone.timedelta(minutes=30 * (count - n)),
                 comment_counts[n], *ratings)
            )  # fmt: skip
        _write(
            Article,
            ("id", "title", "slug", "standfirst", "body", "body_html", "body_text", "search_text",
             "category_id", "author_id", "publish_at", "comment_count", *RATING_FIELDS),
            articles,
            status=Article.Status.PUBLISHED,
        )  # fmt: skip
        _write(TaggedItem, ("id", "tag_id", "content_type_id", "object_id"), taggings)
        _write(ArticleRating, ("id", "article_id", "score", "reader_hash"), votes)
        self._comments(
            rng,
            ((row[0], row[11], row[10]) for row in articles if row[11]),  # id, comments, published
        )
        return first_id

    def _comments(self, rng, counts):
        """Threads up to five deep for (article id, how many, published) triples.

        About a third are top-level, within three days of publication; replies follow
        their parent within hours (never after now).
        """
        bodies = [(text, render_comment(text)) for text in COMMENT_TEXTS]
        names = ("Ola", "Sam", "Jürgen", "Aiko", "Priya", "Tomasz", "Lea")
        next_id = _next_id(Comment)
        days = 60 * 24 * 3

        def rows():
            nonlocal next_id
            for article_id, count, published in counts:
                top = max(1, count // 3)
                made = []  # (id, depth, path, thread id, minutes after the article)
                for i in range(count):
                    pk = next_id
                    next_id += 1
                    segment = f"{pk:0{PATH_DIGITS}d}"
                    open_parents = [c for c in made[-8:] if c[1] < MAX_DEPTH]
                    if i < top or not open_parents:
                        parent, depth, path, thread = None, 1, segment, pk
                        minutes = rng.randint(1, days)
                    else:
                        parent = rng.choice(open_parents)
                        depth, path, thread = parent[1] + 1, f"{parent[2]}/{segment}", parent[3]
                        minutes = parent[4] + rng.randint(1, 600)
                    made.append((pk, depth, path, thread, minutes))
                    text, html = rng.choice(bodies)
                    name = rng.choice(names)
                    yield (
                        pk, article_id, parent[0] if parent else None, thread, depth, path, name,
                        f"{name.lower()}@example.com", text, html, rng.randint(-3, 12),
                        min(self.now, published + timezone.timedelta(minutes=minutes)),
                    )  # fmt: skip

        _write(
            Comment,
            ("id", "article_id", "parent_id", "thread_id", "depth", "path", "name", "email",
             "body", "body_html", "score", "created_at"),
            rows(),
            status=Comment.Status.APPROVED,
        )  # fmt: skip


def _spread(total, count):
    """`total` split over `count` articles as evenly as whole numbers allow."""
    share, rest = divmod(total, count)
    return [share + (1 if n < rest else 0) for n in range(count)]


def _next_id(model):
    return (model.objects.aggregate(last=models.Max("pk"))["last"] or 0) + 1


def _reset_sequences():
    """Ids were chosen here: move the database's counters past them."""
    statements = connection.ops.sequence_reset_sql(
        no_style(), [Article, Comment, ArticleRating, TaggedItem]
    )
    with connection.cursor() as cursor:
        for sql in statements:
            cursor.execute(sql)


def _write(model, names, rows, **constants):
    """Insert rows (tuples of the fields `names`) in batches; other fields take `constants`
    or their defaults."""
    fields = {f.attname: f for f in model._meta.concrete_fields}
    for name, field in fields.items():
        if name not in names and name not in constants:
            default = field.get_default()
            if getattr(field, "auto_now", False) or getattr(field, "auto_now_add", False):
                default = timezone.now()
            constants[name] = default
    rows = iter(rows)
    if connection.vendor == "postgresql":
        columns = ", ".join(
            connection.ops.quote_name(fields[name].column) for name in (*names, *constants)
        )
        extra = tuple(constants.values())
        sql = f"COPY {connection.ops.quote_name(model._meta.db_table)} ({columns}) FROM STDIN"
        with connection.cursor() as cursor, cursor.cursor.copy(sql) as copy:
            for row in rows:
                copy.write_row(row + extra)
        return
    while batch := list(islice(rows, BATCH)):
        model.objects.bulk_create(
            [model(**dict(zip(names, row, strict=True)), **constants) for row in batch]
        )
