"""Throughput and memory of event extraction on a synthetic corpus.

Articles (~5 KB each) are recombined from the sentence templates below, written
for this benchmark (none comes from the sample articles): control statements of
every kind, attributions, background, geography and plain filler, over the
places of the bundled gazetteer. They are generated lazily and streamed through
`extract_events`, so the corpus is never held in memory.

Usage::

    .venv/bin/python benchmarks/bench_extract.py                # 2,000 articles x 5 runs
    .venv/bin/python benchmarks/bench_extract.py --articles 5000 --runs 3
    .venv/bin/python benchmarks/bench_extract.py --profile     # where the time goes

It prints articles/s and MB/s (median of the runs, one core) and the peak memory
(tracemalloc) of streaming a small and a four times larger corpus. With
``--profile`` it instead runs cProfile over 500 articles and prints the functions
with the most cumulative time.
"""

from __future__ import annotations

import argparse
import cProfile
import datetime as dt
import pstats
import random
import statistics
import time
import tracemalloc
from collections.abc import Iterator

from controlmap.extract import extract_events
from controlmap.gazetteer import Gazetteer, load_gazetteer
from controlmap.records import Article

EVENT_TEMPLATES = [
    "Taliban fighters seized {city} on {weekday}, {source} said.",
    "{city}, the capital of {province} province, fell to the insurgents late on {weekday}.",
    "The militants captured {city} and {city2} after {number} days of fighting.",
    "A Taliban spokesman claimed on {weekday} that the group had taken {city}.",
    "There was no independent confirmation of the claim.",
    "Government forces retreated from {city} to a nearby army base, {source} said.",
    "Heavy fighting was reported on the outskirts of {city} on {weekday}.",
    "The insurgents have besieged {city} for {number} weeks.",
    "Afghan commandos retook {city} after a {number}-day battle, the defence ministry said.",
    "The government still holds {city}, although the Taliban control much of {province} "
    "province.",
    "If {city} falls, the road between {city2} and the border will be cut.",
    "Officials denied reports that {city} had fallen.",
    "{city} is on the verge of falling, a member of the provincial council warned.",
    "The fall of {city} was confirmed by the interior ministry on {weekday}.",
    "The Taliban have now taken {number} of the country's 34 provincial capitals.",
    "Residents said the Taliban raised their flag over the governor's office in {city}.",
    "The Taliban seized Zarqaband, a district centre south of {city}, on {weekday}.",
]
FILLER_TEMPLATES = [
    "{city} lies about {number}0 kilometres from {city2} on the main highway.",
    "Thousands of families have fled to {city2} in recent days, aid agencies said.",
    "The United Nations warned of a humanitarian crisis as food prices rose sharply.",
    "Diplomats met again in Doha, but the talks made little progress.",
    "The province is known for its orchards and its long history of trade.",
    "Mr. Rahimi, a shopkeeper, said he had closed his business for the week.",
    "Dr. Sultani said the hospital was running short of blood and medicine.",
    "Analysts said the speed of the advance had surprised Western officials.",
    "The governor of {province} spoke to reporters by telephone from {city2}.",
    "Schools and markets remained closed, and many roads were blocked by checkpoints.",
    "Prices of flour and cooking oil have doubled since the start of the month.",
    "Many government employees have not been paid for two months, officials said.",
    "The ministry did not respond to requests for comment on Wednesday.",
    "Several aid groups said they had suspended their work until further notice.",
    "The army has struggled with supply lines and low morale for months.",
    "Officials in {city2} said electricity had been cut for most of the day.",
]
SOURCES = ["a police official", "a provincial council member", "residents", "a security source"]
WEEKDAYS = ["Monday", "Tuesday", "Wednesday", "Thursday", "Friday", "Saturday", "Sunday"]
NUMBERS = ["two", "three", "four", "five", "six", "nine", "12", "15"]


def synthetic_articles(count: int, gazetteer: Gazetteer, *, size: int = 5000,
                       seed: int = 1) -> Iterator[Article]:
    """Yield ``count`` synthetic articles of about ``size`` characters."""
    places = gazetteer.places
    cities = places.loc[places["kind"] == "capital", "name"].tolist()
    provinces = places.loc[places["kind"] == "province", "name"].tolist()
    rng = random.Random(seed)
    published = dt.date(2021, 8, 13)
    for index in range(count):
        paragraphs: list[str] = []
        length = 0
        while length < size:
            sentences = []
            for _ in range(rng.randint(1, 4)):
                # About one sentence in five reports control: ~25 place names per
                # 5 KB, as in wire copy about the offensive.
                pool = EVENT_TEMPLATES if rng.random() < 0.2 else FILLER_TEMPLATES
                sentences.append(rng.choice(pool).format(
                    city=rng.choice(cities), city2=rng.choice(cities),
                    province=rng.choice(provinces), weekday=rng.choice(WEEKDAYS),
                    source=rng.choice(SOURCES), number=rng.choice(NUMBERS),
                ))
            paragraph = " ".join(sentences)
            paragraphs.append(paragraph)
            length += len(paragraph) + 2
        yield Article(id=f"synthetic/{index:06d}.txt", text="\n\n".join(paragraphs),
                      published=published, published_source="sidecar")


def _run(count: int, gazetteer: Gazetteer) -> tuple[float, int, int]:
    """Seconds, characters and events of one streamed extraction of ``count`` articles."""
    characters = events = 0

    def counted() -> Iterator[Article]:
        nonlocal characters
        for article in synthetic_articles(count, gazetteer):
            characters += len(article.text.encode("utf-8"))
            yield article

    start = time.perf_counter()
    for extraction in extract_events(counted(), gazetteer):
        events += len(extraction.events)
    return time.perf_counter() - start, characters, events


def _generation_seconds(count: int, gazetteer: Gazetteer) -> float:
    """Time spent only generating the articles (subtracted from the runs)."""
    start = time.perf_counter()
    for _ in synthetic_articles(count, gazetteer):
        pass
    return time.perf_counter() - start


def _peak_memory(count: int, gazetteer: Gazetteer) -> int:
    """Peak traced memory (bytes) while streaming ``count`` articles."""
    tracemalloc.start()
    tracemalloc.reset_peak()
    for _ in extract_events(synthetic_articles(count, gazetteer), gazetteer):
        pass
    peak = tracemalloc.get_traced_memory()[1]
    tracemalloc.stop()
    return peak


def _profile(count: int, gazetteer: Gazetteer, *, lines: int = 30) -> None:
    """Print the functions with the most cumulative time while extracting ``count`` articles."""
    articles = list(synthetic_articles(count, gazetteer))  # generation stays out of the profile
    profiler = cProfile.Profile()
    profiler.enable()
    for _ in extract_events(articles, gazetteer):
        pass
    profiler.disable()
    pstats.Stats(profiler).sort_stats("cumulative").print_stats(lines)


def main() -> None:
    """Run the benchmark and print its figures."""
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--articles", type=int, default=2000)
    parser.add_argument("--runs", type=int, default=5)
    parser.add_argument("--profile", action="store_true",
                        help="profile the extraction of 500 articles instead of timing it")
    args = parser.parse_args()
    gazetteer = load_gazetteer()
    _run(50, gazetteer)  # warm up: compile the rules, import dateparser's data
    if args.profile:
        _profile(500, gazetteer)
        return
    generation = _generation_seconds(args.articles, gazetteer)
    seconds, size, events = [], 0, 0
    for _ in range(args.runs):
        elapsed, size, events = _run(args.articles, gazetteer)
        seconds.append(elapsed - generation)
    median = statistics.median(seconds)
    print(f"{args.articles} articles, {size / 1e6:.1f} MB "
          f"({size / args.articles / 1000:.1f} KB/article), {events} events per run")
    print(f"extraction only (generation {generation:.2f} s subtracted), median of "
          f"{args.runs} runs: {median:.2f} s = {args.articles / median:,.0f} articles/s, "
          f"{size / 1e6 / median:.2f} MB/s")
    small, large = args.articles // 4, args.articles
    for count in (small, large):
        print(f"peak traced memory streaming {count} articles: "
              f"{_peak_memory(count, gazetteer) / 1e6:.2f} MB")


if __name__ == "__main__":
    main()
