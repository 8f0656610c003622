#!/usr/bin/env python3
"""Checks the user guides (docs/getting-started.md, docs/user-guide.md, docs/testing.md) against
the program:

- every picture they show exists, is a PNG, and is one that docs/tools/guide-screenshots.py
  takes or one of the app's screenshots in data/screenshots/ (so no picture is made by hand), and every PNG in docs/images/ is shown somewhere;
- every command in a ```console block (a line starting with "$ ") runs as written, in order, in
  a throwaway home folder, with the built conduit-cli first on PATH, and exits with 0; the lines
  the guide shows under it must appear in its output in that order (times and durations aside;
  a guide may leave lines out);
- every `conduit-cli COMMAND` line in a ```sh block names a real command (`COMMAND --help`).

  docs/tools/check-guides.py SOURCE_ROOT CONDUIT_CLI
"""
import os
import pathlib
import re
import shutil
import subprocess
import sys
import tempfile

GUIDES = ("getting-started.md", "user-guide.md", "testing.md")
PNG_SIGNATURE = b"\x89PNG\r\n\x1a\n"


def blocks(text, language):
    """The contents of every fenced block of LANGUAGE, with the line number of its first line."""
    for match in re.finditer(r"^( *)```" + language + r"\n(.*?)^\1```", text, re.S | re.M):
        first = text.count("\n", 0, match.start(2)) + 1
        indent = len(match.group(1))
        yield first, [line[indent:] for line in match.group(2).splitlines()]


def normalise(line):
    line = re.sub(r"\d{4}-\d\d-\d\d \d\d:\d\d:\d\d", "<time>", line)
    line = re.sub(r"\(\d+(\.\d+)? ms\)", "(<duration>)", line)
    return line.rstrip()


def check_pictures(top, guide, text, shot_names, shown, problems):
    pictures = re.findall(r"!\[[^\]]*\]\(([^)\s]+)\)", text)
    if not pictures:
        problems.append(f"docs/{guide}: shows no picture")
    for picture in pictures:
        path = (top / "docs" / picture).resolve()
        shown.add(path)
        if not path.is_file():
            problems.append(f"docs/{guide}: the picture {picture} does not exist")
            continue
        with open(path, "rb") as f:
            if f.read(8) != PNG_SIGNATURE:
                problems.append(f"docs/{guide}: {picture} is not a PNG")
        # the app's own screenshots (data/screenshots/, taken by the app tests and
        # data/screenshots/take-screenshots.sh) may be shown too
        if path.parent == (top / "data" / "screenshots").resolve():
            continue
        if path.parent != (top / "docs" / "images").resolve() or path.stem not in shot_names:
            problems.append(f"docs/{guide}: {picture} is not one that "
                            "docs/tools/take-guide-screenshots.sh takes")


def check_console(guide, text, env, top, problems):
    count = 0
    for first, lines in blocks(text, "console"):
        i = 0
        while i < len(lines):
            if not lines[i].startswith("$ "):
                problems.append(f"docs/{guide}:{first + i}: output without a command before it")
                i += 1
                continue
            command = lines[i][2:]
            line_number = first + i
            i += 1
            expected = []
            while i < len(lines) and not lines[i].startswith("$ "):
                expected.append(lines[i])
                i += 1
            count += 1
            if command.startswith("export PATH="):
                # the test puts the conduit-cli being tested first on PATH itself
                if "build/src/cli" not in command:
                    problems.append(f"docs/{guide}:{line_number}: PATH should name build/src/cli")
                continue
            result = subprocess.run(["bash", "-c", command], cwd=top, env=env,
                                    capture_output=True, text=True, timeout=60)
            if result.returncode != 0:
                problems.append(f"docs/{guide}:{line_number}: `{command}` exited with "
                                f"{result.returncode}:\n{result.stdout}{result.stderr}")
                continue
            output = [normalise(line) for line in result.stdout.splitlines()]
            at = 0
            for want in expected:
                want_n = normalise(want)
                while at < len(output) and output[at] != want_n:
                    at += 1
                if at == len(output):
                    problems.append(f"docs/{guide}:{line_number}: `{command}` did not print, "
                                    f"in this order, the line\n  {want}\nit printed:\n"
                                    + result.stdout)
                    break
                at += 1
    return count


def check_sh(guide, text, env, top, problems):
    count = 0
    for first, lines in blocks(text, "sh"):
        for offset, line in enumerate(lines):
            match = re.match(r"\s*conduit-cli\s+([a-z-]+)", line)
            if not match:
                continue
            count += 1
            result = subprocess.run(["conduit-cli", match.group(1), "--help"], cwd=top, env=env,
                                    capture_output=True, text=True, timeout=60)
            if result.returncode != 0:
                problems.append(f"docs/{guide}:{first + offset}: conduit-cli has no command "
                                f"“{match.group(1)}”:\n{result.stderr}")
    return count


def main():
    top = pathlib.Path(sys.argv[1]).resolve()
    cli = pathlib.Path(sys.argv[2]).resolve()
    problems = []
    driver = (top / "docs" / "tools" / "guide-screenshots.py").read_text(encoding="utf-8")
    shot_names = set(re.findall(r"shoot\([^,]+, '([a-z0-9-]+)'\)", driver))
    shown = set()
    commands = 0

    home = tempfile.mkdtemp(prefix="check-guides.")
    try:
        env = {key: value for key, value in os.environ.items()
               if not key.startswith(("XDG_", "CONDUIT_"))}
        env.update(HOME=home, LANGUAGE="en", LC_ALL="C.UTF-8",
                   PATH=f"{cli.parent}{os.pathsep}{os.environ.get('PATH', '/usr/bin:/bin')}")
        for guide in GUIDES:
            text = (top / "docs" / guide).read_text(encoding="utf-8")
            check_pictures(top, guide, text, shot_names, shown, problems)
            commands += check_console(guide, text, env, top, problems)
            commands += check_sh(guide, text, env, top, problems)
    finally:
        shutil.rmtree(home, ignore_errors=True)

    for png in sorted((top / "docs" / "images").glob("*.png")):
        if png.resolve() not in shown:
            problems.append(f"docs/images/{png.name} is in no guide: show it, or take it no more")

    for problem in problems:
        print(problem, file=sys.stderr)
    print(f"{len(GUIDES)} guides: {len(shown)} pictures and {commands} command lines checked")
    return 1 if problems else 0


if __name__ == "__main__":
    sys.exit(main())
