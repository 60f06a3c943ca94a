"""Quote verification: speed and recall on the seed papers' real text, with coder-style damage.

Takes the plain-text seeds (../shared/seeds/*.txt), draws sentences from them as quotes, and
damages each the way copying from a PDF or retyping does (straight/curly quotes swapped,
dashes changed, line breaks and hyphenation inserted, ligatures, double spaces, an ellipsis
for a dropped middle), then times finding every quote in its text and counts how many land
on the right place. Also draws sentences that are NOT in the texts (words shuffled) and
counts false matches. Prints figures; asserts nothing.

    .venv/bin/python benchmarks/extract_quotes.py [--quotes 2000] [--seed 7]
"""

from __future__ import annotations

import argparse
import random
import re
import time
from pathlib import Path

from review.extraction.quotes import CanonicalText, canonical

SEEDS = Path(__file__).resolve().parent.parent.parent / "shared" / "seeds"


def damage(quote: str, rng: random.Random) -> str:
    text = quote.replace("'", rng.choice(["'", "’"])).replace('"', rng.choice(['"', "“"]))
    text = text.replace(" - ", rng.choice([" – ", " — ", " - "]))
    text = text.replace("fi", "ﬁ") if rng.random() < 0.3 else text
    words = text.split(" ")
    if len(words) > 6 and rng.random() < 0.5:  # a line break, maybe hyphenating a word
        at = rng.randrange(1, len(words) - 1)
        word = words[at]
        if len(word) > 5 and word.isalpha() and rng.random() < 0.5:
            cut = rng.randrange(2, len(word) - 2)
            words[at] = word[:cut] + "-\n" + word[cut:]
        else:
            words[at] = "\n" + word
    if len(words) > 14 and rng.random() < 0.3:  # an ellipsis for a dropped middle
        words = words[:5] + ["[...]"] + words[-5:]
    return rng.choice([" ", "  "]).join(words)


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--quotes", type=int, default=2000)
    parser.add_argument("--seed", type=int, default=7)
    args = parser.parse_args()
    rng = random.Random(args.seed)
    texts = {p.name: p.read_text(encoding="utf-8") for p in sorted(SEEDS.glob("*.txt"))}
    if not texts:
        raise SystemExit(f"no seed texts in {SEEDS}")
    started = time.perf_counter()
    prepared = {name: CanonicalText(text) for name, text in texts.items()}
    prepare = time.perf_counter() - started
    chars = sum(len(t) for t in texts.values())
    sentences = [(name, m.start(), m.group(0)) for name, text in texts.items()
                 for m in re.finditer(r"[A-Z][^.!?\n]{60,300}[.!?]", text)]
    picked = [rng.choice(sentences) for _ in range(args.quotes)]
    found = right = 0
    started = time.perf_counter()
    for name, start, sentence in picked:
        hit = prepared[name].find_all(damage(sentence, rng), limit=1)
        if hit:
            found += 1
            right += hit[0].start == start or canonical(texts[name][hit[0].start:hit[0].end]).startswith(
                canonical(sentence)[:20])
    search = time.perf_counter() - started
    false = 0
    for name, _, sentence in picked[:500]:
        words = sentence.split()
        rng.shuffle(words)
        false += bool(prepared[name].find_all(" ".join(words), limit=1)) and " ".join(words) != sentence
    print(f"texts: {len(texts)} seeds, {chars:,} characters; canonical forms built in {prepare * 1000:.0f} ms")
    print(f"damaged quotes: {args.quotes}; found {found} ({found / args.quotes:.1%}), at the right place "
          f"{right} ({right / args.quotes:.1%}); {search / args.quotes * 1e6:.0f} µs per quote")
    print(f"shuffled (absent) quotes: 500; false matches {false}")


if __name__ == "__main__":
    main()
