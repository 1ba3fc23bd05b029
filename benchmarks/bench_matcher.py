"""Measure `Gazetteer.find` on synthetic article-like text: MB/s and articles/s.

The text is generated deterministically (fixed seed) from news-like sentence
templates filled with place names in the spellings articles use (accents,
hyphens, upper case, "X province") and with filler sentences that name no
place, cut into articles of about 5 KB, as the extractor sees them. Usage::

    .venv/bin/python benchmarks/bench_matcher.py              # 10 MB, 5 runs
    .venv/bin/python benchmarks/bench_matcher.py --megabytes 20 --runs 7
    .venv/bin/python benchmarks/bench_matcher.py --place-share 0.1   # sparser, like real news
"""

from __future__ import annotations

import argparse
import random
import statistics
import time

from controlmap.gazetteer import Gazetteer, load_gazetteer

TEMPLATES = (
    "Taliban fighters entered {a} on {day} after government forces withdrew towards {b}.",
    "A spokesman said the militants had captured the governor's compound in {a}.",
    "Fighting continued on the outskirts of {a}, residents told reporters by phone.",
    "Officials in {a} province said reinforcements from {b} had not arrived.",
    "The road between {a} and {b} was cut, and the airport at {c} was closed.",
    "Witnesses described long queues at the {c} border as families tried to leave.",
    "\"We have no food and no power,\" a shopkeeper in {a} said on {day}.",
)
FILLER = (
    "The United Nations said it was deeply concerned about the safety of civilians.",
    "Prices of flour and cooking oil have doubled in the past two weeks.",
    "Diplomats in Doha met again without announcing any agreement.",
    "The ministry did not respond to a request for comment.",
    "Aid agencies warned that hundreds of thousands of people had been displaced.",
    "Analysts said the speed of the advance had surprised Western officials.",
)
DAYS = ("Monday", "Tuesday", "Wednesday", "Thursday", "Friday", "Saturday", "Sunday")


def _spellings(gazetteer: Gazetteer) -> list[str]:
    """Names as articles write them: canonical, aliases, and some in capitals."""
    names: list[str] = []
    for row in gazetteer.places.itertuples():
        names.append(str(row.name))
        names.extend(alias for alias in str(row.aliases).split("|") if alias)
    return names


def make_articles(
    gazetteer: Gazetteer, megabytes: float, *, place_share: float = 0.55, seed: int = 2021
) -> list[str]:
    """Articles of about 5 KB totalling at least ``megabytes`` MB of UTF-8 text.

    ``place_share`` is the share of sentences that name places (three each).
    """
    rng = random.Random(seed)
    names = _spellings(gazetteer)
    target = int(megabytes * 1_000_000)
    articles: list[str] = []
    total = 0
    while total < target:
        sentences: list[str] = []
        size = 0
        while size < 5_000:
            if rng.random() >= place_share:
                sentence = rng.choice(FILLER)
            else:
                a, b, c = (rng.choice(names) for _ in range(3))
                if rng.random() < 0.05:
                    a = a.upper()
                sentence = rng.choice(TEMPLATES).format(a=a, b=b, c=c, day=rng.choice(DAYS))
            sentences.append(sentence)
            size += len(sentence.encode("utf-8")) + 1
        article = " ".join(sentences)
        articles.append(article)
        total += len(article.encode("utf-8"))
    return articles


def main() -> None:
    """Command-line entry point: print the median throughput over several runs."""
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--megabytes", type=float, default=10.0)
    parser.add_argument("--runs", type=int, default=5)
    parser.add_argument("--place-share", type=float, default=0.55,
                        help="share of sentences naming places (0.55: ~50 mentions per article)")
    args = parser.parse_args()
    start = time.perf_counter()
    gazetteer = load_gazetteer()
    print(f"load_gazetteer: {time.perf_counter() - start:.3f} s ({len(gazetteer)} places)")
    articles = make_articles(gazetteer, args.megabytes, place_share=args.place_share)
    size = sum(len(a.encode("utf-8")) for a in articles) / 1_000_000
    print(f"text: {size:.1f} MB in {len(articles)} articles")
    seconds: list[float] = []
    mentions = 0
    for _ in range(args.runs):
        start = time.perf_counter()
        mentions = sum(len(gazetteer.find(article)) for article in articles)
        seconds.append(time.perf_counter() - start)
    median = statistics.median(seconds)
    print(f"runs: {', '.join(f'{s:.2f}' for s in seconds)} s; {mentions} mentions per run")
    print(f"median: {size / median:.1f} MB/s, {len(articles) / median:.0f} articles/s "
          f"({mentions / median:.0f} mentions/s)")


if __name__ == "__main__":
    main()
