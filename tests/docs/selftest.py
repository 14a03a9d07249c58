"""check_docs.py catches every kind of broken code block and passes good ones.

  selftest.py CHECK_DOCS_PY [check_docs.py arguments without files]

Writes a Markdown file with one good and one broken block of each kind, runs
the checker on it and checks that it fails, naming each broken block's line,
and that the good blocks ran.
"""
import os
import subprocess
import sys

FENCE = "```"
BLOCKS = [
    # (info string, body, expected checker output or None for a good block)
    ("cpp", '#include <instant/instant.hpp>\nint main() { return instant::Config().url.empty(); }', "ran (cpp)"),
    ("cpp", "int main() { undeclared_name(); }", "cpp example does not compile"),
    ("cpp fragment", "auto cfg = instant::Config::from_env();\nstd::cout << cfg.url << \"\\n\";", "ran (cpp)"),
    ("cpp fragment", "int unused_variable_is_an_error;", "cpp example does not compile"),
    ("c", "#include <instant/instant.h>\nint main(void) { return instant_version() == INSTANT_VERSION_NUMBER ? 0 : 1; }",
     "ran (c)"),
    ("c fragment", "return 3;", "exit status 3"),
    ("c no-run", "int main(void) { for (;;) {} }", None),
    ("sh", 'instant --version\ntest -n "$CENTRIFUGO_URL"\ninstant info >/dev/null', "ran (sh)"),
    ("sh", "if then fi", "bash -n"),
    ("sh", "instant publish 'bad$name' m", "exit status 1"),
    ("sh", "echo \"$UNDEFINED_VARIABLE\"", "exit status 1"),
    ("sh no-run", "sleep 1000", None),
    ("json", '{"channels": []}', None),
    ("json", "{not json", "JSON does not parse"),
    ("python", "import os\nprint(os.sep)", None),
    ("python", "def f(:\n    pass", "Python does not compile"),
    ("cmake", "project(app C CXX)\nadd_executable(app main.cpp)\nfind_package(NoSuchPackageAnywhere REQUIRED)",
     "CMake example does not configure"),
    ("", "a block without a language", "code block without a language"),
    ("cpp fragmnet", "int x;", "unknown attribute(s) fragmnet"),
    ("cobol", "DISPLAY 'x'.", "unknown code block language 'cobol'"),
]


def main():
    checker, args = sys.argv[1], sys.argv[2:]
    work = args[args.index("--work") + 1]
    os.makedirs(work, exist_ok=True)
    doc = os.path.join(work, "selftest.md")
    lines, expect = ["# checker self-test", ""], []
    for info, body, want in BLOCKS:
        fence_line = len(lines) + 1
        lines += [FENCE + info, *body.split("\n"), FENCE, ""]
        if want:
            expect.append((fence_line, want))
    with open(doc, "w") as f:
        f.write("\n".join(lines))
    r = subprocess.run([sys.executable, checker, *args, doc], capture_output=True, text=True, timeout=900)
    out = r.stdout + r.stderr
    print(out)
    failures = []
    if r.returncode != 1:
        failures.append(f"checker exit status {r.returncode}, want 1")
    for line, want in expect:
        tag = f"selftest.md:{line}"
        if not any(tag in l and want in l for l in out.splitlines()):
            failures.append(f"no line naming {tag} with '{want}'")
    broken = sum(1 for _, _, w in BLOCKS if w and not w.startswith("ran"))
    if f"; {broken} failed" not in out:
        failures.append(f"the summary does not count {broken} failures")
    for f in failures:
        print("FAIL:", f)
    print("ok: the checker caught every broken block" if not failures else "")
    return 1 if failures else 0


if __name__ == "__main__":
    sys.exit(main())
