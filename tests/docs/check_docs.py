"""Builds and runs the code blocks of README.md and docs/*.md (ctest docs_examples).

Every fenced block needs a language; the convention (docs/code-blocks.md):

  ```cpp / ```c      a complete program: compiled against the build tree's
                     instant (C++17 / C99, -Wall -Wextra -Wpedantic -Werror),
                     linked and run against a real Centrifugo; it must exit 0.
  ... fragment       statements: compiled as the body of main() after
                     instant's header and a few standard ones (#include lines
                     in the block go to the top), then run like a program.
  ```cmake           a CMakeLists.txt (with project()) or a fragment that
                     follows `project(app C CXX)` and `add_executable(app
                     main.cpp)`; configured with every GIT_REPOSITORY pointed
                     at a git snapshot of this checkout tagged with the block's
                     GIT_TAG.
  ```sh / ```bash    checked with `bash -n`, then run with `set -euo pipefail`
                     in an empty directory, the `instant` CLI on PATH and
                     CENTRIFUGO_URL, CENTRIFUGO_API_KEY, CENTRIFUGO_HMAC_KEY
                     naming the test server.
  ... no-run         compiled / checked, never run (servers, builds, installs).
  ```json            parsed.
  ```python          compiled (syntax only; the package's tests run Python).
  ```text, ```html, ```js   not checked.

Programs and scripts run in a fresh temporary directory each, with a time
limit; a failure prints the block's file and line and the output.

  check_docs.py --source DIR --build DIR --cli PATH [--work DIR] [--list]
      [--generator G] [--cmake-arg ARG]... [files...]
"""
import argparse
import json
import os
import re
import shutil
import subprocess
import sys
import tempfile

CHECKED = {"c": "c", "cpp": "cpp", "c++": "cpp", "cxx": "cpp", "cmake": "cmake",
           "sh": "sh", "bash": "sh", "shell": "sh", "json": "json", "python": "python", "py": "python"}
UNCHECKED = {"text", "html", "js"}
ATTRIBUTES = {"c": {"fragment", "no-run"}, "cpp": {"fragment", "no-run"}, "sh": {"no-run"},
              "cmake": set(), "json": set(), "python": set()}
C_PRELUDE = ["#include <instant/instant.h>", "#include <stdio.h>", "#include <stdlib.h>",
             "#include <string.h>"]
CPP_PRELUDE = ["#include <instant/instant.hpp>", "#include <cstdio>", "#include <cstdlib>",
               "#include <iostream>", "#include <string>"]
RUN_TIMEOUT = 60
FENCE = re.compile(r"^(\s*)```(.*)$")


class Block:
    def __init__(self, path, rel, line, lang, attrs, text):
        self.path, self.rel, self.line = path, rel, line
        self.lang, self.attrs, self.text = lang, attrs, text

    @property
    def where(self):
        return f"{self.rel}:{self.line}"

    @property
    def ident(self):
        return re.sub(r"[^A-Za-z0-9]+", "_", f"{self.rel}_{self.line}").strip("_")


def parse(path, rel, errors):
    """The fenced blocks of one Markdown file; convention errors go to `errors`."""
    blocks, lines = [], open(path, encoding="utf-8").read().split("\n")
    i = 0
    while i < len(lines):
        m = FENCE.match(lines[i])
        if not m:
            i += 1
            continue
        indent, info = m.group(1), m.group(2).strip()
        start = i + 1  # 1-based number of the opening fence line
        body = []
        i += 1
        while i < len(lines) and not re.match(r"^\s*```\s*$", lines[i]):
            body.append(lines[i][len(indent):] if lines[i].startswith(indent) else lines[i])
            i += 1
        if i == len(lines):
            errors.append(f"{rel}:{start}: code block not closed")
        i += 1
        words = info.split()
        if not words:
            errors.append(f"{rel}:{start}: code block without a language (use text for output "
                          "and synopses; docs/code-blocks.md)")
            continue
        lang = words[0].lower()
        if lang in UNCHECKED:
            continue
        if lang not in CHECKED:
            errors.append(f"{rel}:{start}: unknown code block language '{words[0]}' (docs/code-blocks.md)")
            continue
        lang = CHECKED[lang]
        attrs = set(words[1:])
        bad = attrs - ATTRIBUTES[lang]
        if bad:
            errors.append(f"{rel}:{start}: unknown attribute(s) {' '.join(sorted(bad))} for {lang} "
                          "(docs/code-blocks.md)")
            continue
        blocks.append(Block(path, rel, start, lang, attrs, "\n".join(body) + "\n"))
    return blocks


def source_of(b):
    """The translation unit of a C or C++ block, with #line pointing at the doc."""
    line_dir = f'#line {b.line + 1} "{b.path}"'
    if "fragment" not in b.attrs:
        return f"{line_dir}\n{b.text}"
    lines = b.text.split("\n")
    includes = [ln for ln in lines if ln.lstrip().startswith("#include")]
    body = [("" if ln.lstrip().startswith("#include") else ln) for ln in lines]
    prelude = C_PRELUDE if b.lang == "c" else CPP_PRELUDE
    head = "\n".join(prelude + includes)
    main = "int main(void) {" if b.lang == "c" else "int main() {"
    return f"{head}\n{main}\n{line_dir}\n" + "\n".join(body) + "\n}\n"


def run(cmd, cwd=None, env=None, timeout=600, quiet=False):
    r = subprocess.run(cmd, cwd=cwd, env=env, capture_output=True, text=True, timeout=timeout)
    if r.returncode != 0 and not quiet:
        sys.stdout.write(r.stdout + r.stderr)
    return r


def build_programs(blocks, work, build_dir, generator, cmake_args, jobs):
    """One CMake project with one executable per C/C++ block; returns {ident: path} or None."""
    proj = os.path.join(work, "programs")
    os.makedirs(proj, exist_ok=True)
    cm = ["cmake_minimum_required(VERSION 3.16)", "project(instant_docs_examples C CXX)",
          "find_package(instant CONFIG REQUIRED)"]
    for b in blocks:
        ext = "c" if b.lang == "c" else "cpp"
        with open(os.path.join(proj, f"{b.ident}.{ext}"), "w") as f:
            f.write(source_of(b))
        cm.append(f"add_executable({b.ident} {b.ident}.{ext})")
        if b.lang == "c":
            cm.append(f"target_link_libraries({b.ident} PRIVATE instant::instant_c)")
            cm.append(f"set_target_properties({b.ident} PROPERTIES C_STANDARD 99 C_STANDARD_REQUIRED ON "
                      "C_EXTENSIONS OFF)")
        else:
            cm.append(f"target_link_libraries({b.ident} PRIVATE instant::instant)")
            cm.append(f"set_target_properties({b.ident} PROPERTIES CXX_STANDARD 17 CXX_STANDARD_REQUIRED ON "
                      "CXX_EXTENSIONS OFF)")
        cm.append(f"target_compile_options({b.ident} PRIVATE -Wall -Wextra -Wpedantic -Werror)")
    with open(os.path.join(proj, "CMakeLists.txt"), "w") as f:
        f.write("\n".join(cm) + "\n")
    out = os.path.join(proj, "build")
    r = run(["cmake", "-S", proj, "-B", out, "-G", generator, f"-Dinstant_DIR={build_dir}", *cmake_args])
    if r.returncode != 0:
        print("FAIL: configuring the C and C++ examples against the build tree failed (they use "
              "its instantConfig.cmake, written when INSTANT_INSTALL is on)")
        return None
    # Build target by target so one broken example names itself and the rest still build.
    ok = {}
    for b in blocks:
        r = run(["cmake", "--build", out, "--target", b.ident, "--parallel", str(jobs)], quiet=True)
        if r.returncode != 0:
            print(f"FAIL {b.where}: {b.lang} example does not compile")
            sys.stdout.write(r.stdout + r.stderr)
        else:
            ok[b.ident] = os.path.join(out, b.ident)
    return ok


def snapshot(source, work, tags):
    """A git repository holding the checkout's files (tracked and untracked, not
    ignored) in one commit, tagged with `tags`; returns its file:// URL."""
    repo = os.path.join(work, "snapshot.git")
    tree = os.path.join(work, "snapshot")
    shutil.rmtree(tree, ignore_errors=True)
    shutil.rmtree(repo, ignore_errors=True)
    files = run(["git", "-C", source, "ls-files", "-co", "--exclude-standard", "-z"]).stdout.split("\0")
    for rel in filter(None, files):
        src = os.path.join(source, rel)
        if not os.path.isfile(src):
            continue  # deleted in the work tree
        dst = os.path.join(tree, rel)
        os.makedirs(os.path.dirname(dst), exist_ok=True)
        shutil.copy2(src, dst)
    git = ["git", "-c", "user.name=docs", "-c", "user.email=docs@instant.invalid", "-C", tree]
    for cmd in (["init", "-q"], ["add", "-A"], ["commit", "-q", "-m", "docs snapshot"]):
        if run(git + cmd).returncode != 0:
            raise RuntimeError("could not make the git snapshot")
    for t in tags:
        run(git + ["tag", "-a", "-m", t, t])
    run(["git", "clone", "-q", "--bare", tree, repo])
    return "file://" + repo


def check_cmake(b, work, source, generator, cmake_args):
    tags = re.findall(r"GIT_TAG\s+([^\s)]+)", b.text)
    url = snapshot(source, work, [t for t in tags if not re.fullmatch(r"[0-9a-f]{40}", t)])
    text = re.sub(r"GIT_REPOSITORY\s+[^\s)]+", f"GIT_REPOSITORY {url}", b.text)
    proj = os.path.join(work, b.ident)
    shutil.rmtree(proj, ignore_errors=True)
    os.makedirs(proj)
    if not re.search(r"^\s*project\s*\(", text, re.M | re.I):
        text = ("cmake_minimum_required(VERSION 3.16)\nproject(app C CXX)\n"
                "add_executable(app main.cpp)\n" + text)
    with open(os.path.join(proj, "CMakeLists.txt"), "w") as f:
        f.write(text)
    with open(os.path.join(proj, "main.cpp"), "w") as f:
        f.write("#include <instant/instant.hpp>\nint main() { return instant::Config().url.empty(); }\n")
    r = run(["cmake", "-S", proj, "-B", os.path.join(proj, "build"), "-G", generator,
             f"-DFETCHCONTENT_BASE_DIR={os.path.join(proj, 'deps')}", *cmake_args])
    return r.returncode == 0


def main():
    ap = argparse.ArgumentParser()
    ap.add_argument("--source", required=True)
    ap.add_argument("--build", required=True)
    ap.add_argument("--cli", required=True)
    ap.add_argument("--work")
    ap.add_argument("--list", action="store_true", help="only list the blocks and their checks")
    ap.add_argument("--cmake-arg", action="append", default=[])
    ap.add_argument("--generator", default="Ninja", help="CMake generator of the example projects")
    ap.add_argument("files", nargs="*")
    a = ap.parse_args()
    source = os.path.abspath(a.source)
    files = a.files or [os.path.join(source, "README.md")] + sorted(
        os.path.join(source, "docs", f) for f in os.listdir(os.path.join(source, "docs")) if f.endswith(".md"))

    errors, blocks = [], []
    for path in files:
        blocks += parse(os.path.abspath(path), os.path.relpath(path, source), errors)
    for e in errors:
        print("FAIL", e)
    if a.list:
        for b in blocks:
            print(b.where, b.lang, " ".join(sorted(b.attrs)))
        return 1 if errors else 0

    work = a.work or tempfile.mkdtemp(prefix="instant-docs-")
    os.makedirs(work, exist_ok=True)
    for entry in os.listdir(work):  # what an earlier run left; the programs' build is reused
        if entry != "programs":
            path = os.path.join(work, entry)
            shutil.rmtree(path) if os.path.isdir(path) and not os.path.islink(path) else os.remove(path)
    jobs = int(os.environ.get("JOBS", "2"))
    failed = len(errors)
    counts = {"compiled": 0, "ran": 0, "checked": 0, "configured": 0, "parsed": 0}

    for b in [b for b in blocks if b.lang == "python"]:
        try:
            compile(b.text, b.where, "exec")
            counts["parsed"] += 1
        except SyntaxError as e:
            print(f"FAIL {b.where}: Python does not compile: {e}")
            failed += 1

    for b in [b for b in blocks if b.lang == "json"]:
        try:
            json.loads(b.text)
            counts["parsed"] += 1
        except ValueError as e:
            print(f"FAIL {b.where}: JSON does not parse: {e}")
            failed += 1

    programs = [b for b in blocks if b.lang in ("c", "cpp")]
    built = build_programs(programs, work, os.path.abspath(a.build), a.generator, a.cmake_arg, jobs) if programs else {}
    if built is None:
        return 1
    failed += len(programs) - len(built)
    counts["compiled"] = len(built)

    scripts = {}
    for b in [b for b in blocks if b.lang == "sh"]:
        script = os.path.join(work, b.ident + ".sh")
        with open(script, "w") as f:
            f.write("set -euo pipefail\n" + b.text)
        r = run(["bash", "-n", script], quiet=True)
        if r.returncode != 0:
            print(f"FAIL {b.where}: bash -n: {r.stderr.strip()}")
            failed += 1
        else:
            counts["checked"] += 1
            scripts[b.ident] = script

    for b in [b for b in blocks if b.lang == "cmake"]:
        if check_cmake(b, work, source, a.generator, a.cmake_arg):
            counts["configured"] += 1
        else:
            print(f"FAIL {b.where}: the CMake example does not configure")
            failed += 1

    runnable = [b for b in blocks if "no-run" not in b.attrs and (b.ident in built or b.ident in scripts)]
    if runnable:
        sys.path.insert(0, os.path.join(source, "tests", "py"))
        from harness import HMAC_KEY, Centrifugo  # the server the Python tests start (no pytest needed)
        server = Centrifugo()
        try:
            env = dict(os.environ, CENTRIFUGO_URL=server.url, CENTRIFUGO_API_KEY=server.api_key,
                       CENTRIFUGO_HMAC_KEY=HMAC_KEY,
                       PATH=os.path.dirname(os.path.abspath(a.cli)) + os.pathsep + os.environ["PATH"])
            for var in ("CENTRIFUGO_HOST", "CENTRIFUGO_PORT", "SITE_NAME", "CENTRIFUGO_HMAC_PREVIOUS_KEY"):
                env.pop(var, None)
            for b in runnable:
                cwd = tempfile.mkdtemp(prefix=b.ident + "-", dir=work)
                cmd = ["bash", scripts[b.ident]] if b.lang == "sh" else [built[b.ident]]
                try:
                    r = subprocess.run(cmd, cwd=cwd, env=env, capture_output=True, text=True,
                                       timeout=RUN_TIMEOUT)
                except subprocess.TimeoutExpired:
                    print(f"FAIL {b.where}: still running after {RUN_TIMEOUT} s (mark it no-run?)")
                    failed += 1
                    continue
                if r.returncode != 0:
                    print(f"FAIL {b.where}: exit status {r.returncode}\n{r.stdout}{r.stderr}")
                    failed += 1
                else:
                    counts["ran"] += 1
                    print(f"ok   {b.where}: ran ({b.lang})")
                    shutil.rmtree(cwd, ignore_errors=True)
        finally:
            server.cleanup()

    print(f"{len(blocks)} checked blocks in {len(files)} files: {counts['compiled']} compiled, "
          f"{counts['ran']} ran, {counts['checked']} shell blocks passed bash -n, "
          f"{counts['configured']} CMake blocks configured, {counts['parsed']} JSON and Python blocks parsed; "
          f"{failed} failed")
    if not a.work:
        shutil.rmtree(work, ignore_errors=True)
    return 1 if failed else 0


if __name__ == "__main__":
    sys.exit(main())
