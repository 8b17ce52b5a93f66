#!/usr/bin/python3
"""Writes the seed corpus of the fuzz targets into tests/fuzz/corpus/.

Run with Debian's /usr/bin/python3 (python3-grpc-tools, for protoc and the
protobuf runtime):  tests/fuzz/make_corpus.py
Deterministic: the same repository gives the same files. Seeds are small
on purpose (libFuzzer mutates them; the largest sets its default -max_len).
"""

import glob
import json
import os
import shutil
import subprocess
import sys
import tempfile

HERE = os.path.dirname(os.path.abspath(__file__))
REPO = os.path.dirname(os.path.dirname(HERE))
CORPUS = os.path.join(HERE, "corpus")


def read(path, mode="r"):
    with open(os.path.join(REPO, path), mode) as f:
        return f.read()


def write_all(target, seeds):
    folder = os.path.join(CORPUS, target)
    shutil.rmtree(folder, ignore_errors=True)
    os.makedirs(folder)
    for name, data in seeds:
        if isinstance(data, str):
            data = data.encode("utf-8")
        with open(os.path.join(folder, name), "wb") as f:
            f.write(data)
    print(f"{target}: {len(seeds)} seeds")


def articles():
    return sorted(glob.glob(os.path.join(REPO, "examples/articles/*.txt")))


def dev_texts():
    with open(os.path.join(REPO, "tests/testdata/eval/dev.jsonl")) as f:
        return [json.loads(line) for line in f if line.strip()]


def score_seeds():
    seeds = [(f"article_{i}", read(p, "rb")) for i, p in enumerate(articles())]
    seeds += [(f"dev_{item['id']}", item["text"]) for item in dev_texts()[:24]]
    seeds += [
        ("header_date", "date 2024-05-22\nPakistan and the US held talks."),
        ("invalid_utf8", b"Pakistan \xc3\x28 and India"),
        ("nul_byte", b"Pakistan\x00India"),
        ("typographic", "\u201cWe value our friendship\u201d \u2014 U.S. "
                        "and Pakistan\u2019s ties \u2013 Mr. J. Smith."),
    ]
    return seeds


def date_seeds():
    lines = [
        "date 2024-05-22", "date: 2021-01-31", "date 2024-02-30",
        "date 1899-12-31", "date 2200-01-01", "2024-05-22",
        "Wednesday, May 22, 2024", "May 22, 2024", "22 May 2024",
        "Dec. 15, 2023", "date 2023-12-01\nISLAMABAD, Dec 15 (ANI): talks",
        "date 2023-12-01\nWASHINGTON, Jan. 3 (Reuters) - ",
        "Monday, February 29, 2021", "2024-+1-01", "2024-1 -01",
        "2024-1\n-22",  # found by date_fuzzer: ParseIsoDate took it
    ]
    seeds = [(f"line_{i:02}", s) for i, s in enumerate(lines)]
    for i, p in enumerate(articles()):
        head = b"\n".join(read(p, "rb").split(b"\n")[:4])
        seeds.append((f"article_head_{i}", head))
    return seeds


def lexicon_seeds():
    lines = read("data/lexicon.txt").split("\n")
    version = next(l for l in lines if l.startswith("@version"))
    sections, current = {}, None
    for line in lines:
        if line.startswith("["):
            current = line.strip()
            sections[current] = []
        elif current and line.strip() and not line.startswith("#"):
            sections[current].append(line)
    signals = sections.pop("[signals]")
    modifiers = "\n".join(f"{name}\n" + "\n".join(body)
                          for name, body in sections.items())
    seeds = [("mini_lexicon", read("tests/testdata/mini_lexicon.txt"))]
    step = len(signals) // 8 + 1
    for i in range(8):
        chunk = signals[i * step:i * step + 24]
        seeds.append((f"signals_{i}",
                      f"{version}\n[signals]\n" + "\n".join(chunk) + "\n"))
    seeds.append(("signals_and_modifiers",
                  f"{version}\n[signals]\n" + "\n".join(signals[:16]) +
                  "\n" + modifiers + "\n"))
    seeds.append(("bad_weight", f"{version}\n[signals]\n+3x VCOOP talks\n"))
    return seeds


def gazetteer_seeds():
    text = read("data/gazetteer.txt")
    lines = text.split("\n")
    version = next(l for l in lines if l.startswith("@version"))
    titles = [l for l in lines if l.startswith("title")]
    blocks, current = [], None
    for line in lines:
        if line.startswith("country"):
            current = [line]
            blocks.append(current)
        elif current is not None and line.strip() and not line.startswith("#"):
            current.append(line)
    wanted = ["PAK", "USA", "IND", "CHN", "GEO", "JOR", "TUR", "GBR", "RUS",
              "UKR", "FRA", "COD", "COG", "XKX"]
    by_code = {b[0].split()[1]: b for b in blocks}
    seeds = [("mini_gazetteer", read("tests/testdata/mini_gazetteer.txt"))]
    for i in range(0, len(wanted), 2):
        body = [version] + titles[:2]
        for code in wanted[i:i + 2]:
            if code in by_code:
                body += by_code[code]
        seeds.append((f"countries_{'_'.join(wanted[i:i + 2])}",
                      "\n".join(body) + "\n"))
    seeds.append(("duplicate_alias",
                  f"{version}\ncountry AAA A\nname Foo\ncountry BBB B\n"
                  "name Foo\n"))
    return seeds


def service_seeds():
    tmp = tempfile.mkdtemp()
    try:
        subprocess.run(
            [sys.executable, "-m", "grpc_tools.protoc",
             f"-I{REPO}/proto", f"-I{HERE}", f"--python_out={tmp}",
             f"{REPO}/proto/dyadtone/v1/tone_service.proto",
             f"{HERE}/service_calls.proto"], check=True)
        sys.path.insert(0, tmp)
        from dyadtone.v1 import tone_service_pb2 as pb
        import service_calls_pb2 as fz
        return make_service_seeds(pb, fz)
    finally:
        shutil.rmtree(tmp)


def make_service_seeds(pb, fz):
    texts = [read(p, "rb") for p in articles()]
    ids = [os.path.basename(p)[:-4] for p in articles()]

    def calls(*items):
        return fz.ServiceCalls(calls=list(items)).SerializeToString()

    def ingest(*articles_):
        return fz.Call(ingest_articles=fz.IngestStream(requests=[
            pb.IngestArticlesRequest(article=a) for a in articles_]))

    def trend(**fields):
        # "from" is a Python keyword: pass it as from_.
        if "from_" in fields:
            fields["from"] = fields.pop("from_")
        return fz.Call(get_trend=pb.GetTrendRequest(**fields))

    pak_usa = pb.Dyad(a="PAK", b="USA")
    seeds = []
    for i, text in enumerate(texts[:3]):
        seeds.append((f"score_article_{i}", calls(fz.Call(
            score_article=pb.ScoreArticleRequest(
                article=pb.Article(text=text), dyads=[pak_usa])))))
    seeds.append(("score_errors", calls(
        fz.Call(score_article=pb.ScoreArticleRequest(
            article=pb.Article(text=b"Pakistan \xff"))),
        fz.Call(score_article=pb.ScoreArticleRequest(
            article=pb.Article(text=b"India and Pakistan", date="2024-13-01"))),
        fz.Call(score_article=pb.ScoreArticleRequest(
            article=pb.Article(text=b"x"), dyads=[pb.Dyad(a="PAK", b="XYZ")])),
        fz.Call(score_article=pb.ScoreArticleRequest(
            article=pb.Article(text=b"x"), dyads=[pb.Dyad(a="PAK", b="PAK")])),
    )))
    seeds.append(("ingest_then_read", calls(
        ingest(*[pb.Article(id=i, text=t) for i, t in zip(ids, texts)]),
        trend(dyad=pak_usa, granularity=pb.GRANULARITY_MONTH),
        trend(dyad=pak_usa, granularity=pb.GRANULARITY_DAY,
              from_="2021-01-01", to="2024-12-31", include_empty=True,
              smoothing=3),
        fz.Call(list_dyads=pb.ListDyadsRequest(min_articles=1)),
        fz.Call(get_article=pb.GetArticleRequest(id=ids[0])),
        fz.Call(get_server_info=pb.GetServerInfoRequest()),
    )))
    seeds.append(("ingest_twice_and_replace", calls(
        ingest(pb.Article(id="a", text=b"date 2023-01-02\nPakistan and the "
                          b"United States reaffirmed their commitment.")),
        ingest(pb.Article(id="a", text=b"date 2023-01-02\nPakistan and the "
                          b"United States reaffirmed their commitment."),
               pb.Article(id="a", text=b"Pakistan criticised the US.",
                          date="2023-01-03")),
        fz.Call(get_server_info=pb.GetServerInfoRequest()),
        fz.Call(get_article=pb.GetArticleRequest(id="a")),
    )))
    seeds.append(("ingest_rejects", calls(
        ingest(pb.Article(text=b"no id"),
               pb.Article(id="nodate", text=b"Pakistan and India talked."),
               pb.Article(id="bad", text=b"\xc3\x28", date="2022-01-01"),
               pb.Article(id="x" * 300, text=b"Pakistan", date="2022-01-01"),
               pb.Article(id="d", text=b"India and China", date="2022-02-30")),
        fz.Call(get_article=pb.GetArticleRequest(id="nodate")),
        fz.Call(get_article=pb.GetArticleRequest()),
        fz.Call(list_dyads=pb.ListDyadsRequest(min_articles=-1)),
    )))
    seeds.append(("trend_errors", calls(
        trend(dyad=pak_usa, from_="2024-01-01", to="2023-01-01"),
        trend(dyad=pak_usa, granularity=pb.GRANULARITY_DAY,
              from_="1900-01-01", to="2199-12-31"),
        trend(dyad=pak_usa, smoothing=5000),
        trend(dyad=pb.Dyad(a="usa", b="PAK")),
        trend(dyad=pak_usa, granularity=42),
    )))
    return seeds


def main():
    write_all("score_fuzzer", score_seeds())
    write_all("date_fuzzer", date_seeds())
    write_all("lexicon_fuzzer", lexicon_seeds())
    write_all("gazetteer_fuzzer", gazetteer_seeds())
    write_all("tone_service_fuzzer", service_seeds())


if __name__ == "__main__":
    main()
