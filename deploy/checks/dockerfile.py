"""Reads a Dockerfile into stages of instructions (what deploy/check.sh needs of it: no
variable expansion, no heredocs; an instruction it does not know is an error, so the checker
never silently skips a step of the image)."""

import json
import re
import shlex

from common import fail

KNOWN = {"FROM", "RUN", "COPY", "WORKDIR", "USER", "EXPOSE", "VOLUME", "HEALTHCHECK",
         "STOPSIGNAL", "ENTRYPOINT", "ENV", "ARG", "LABEL"}


class Instruction:
    def __init__(self, keyword, text, line):
        self.keyword = keyword
        self.text = text
        self.line = line

    def exec_form(self):
        """The JSON array of an exec-form instruction (ENTRYPOINT, CMD)."""
        try:
            value = json.loads(self.text)
        except ValueError:
            value = None
        if not isinstance(value, list) or not all(isinstance(item, str) for item in value):
            fail(f"Dockerfile line {self.line}: {self.keyword} must use the exec form (a JSON array)")
        return value

    def flags_and_rest(self):
        """`--name=value` flags in front of the arguments (COPY --from, HEALTHCHECK --interval)."""
        flags, rest = {}, self.text
        while rest.startswith("--"):
            word, _, rest = rest.partition(" ")
            name, _, value = word[2:].partition("=")
            flags[name] = value
            rest = rest.lstrip()
        return flags, rest


class Stage:
    def __init__(self, image, name, line):
        self.image = image
        self.name = name
        self.line = line
        self.instructions = []

    def all(self, keyword):
        return [item for item in self.instructions if item.keyword == keyword]

    def one(self, keyword):
        found = self.all(keyword)
        if len(found) != 1:
            fail(f"Dockerfile stage {self.name or self.image}: expected exactly one {keyword}, found {len(found)}")
        return found[0]


def logical_lines(text):
    """Joins backslash continuations and drops comments and blank lines; keeps line numbers."""
    current, start = "", 0
    for number, raw in enumerate(text.splitlines(), 1):
        stripped = raw.strip()
        if not current and (not stripped or stripped.startswith("#")):
            continue
        if current and stripped.startswith("#"):
            continue  # a comment inside a continued instruction
        if not current:
            start = number
        if stripped.endswith("\\"):
            current += stripped[:-1] + " "
            continue
        yield start, current + stripped
        current = ""
    if current:
        fail(f"Dockerfile line {start}: the last instruction ends with a line continuation")


def parse(path):
    stages = []
    with open(path) as handle:
        text = handle.read()
    for line, content in logical_lines(text):
        keyword, _, rest = content.partition(" ")
        keyword = keyword.upper()
        if keyword not in KNOWN:
            fail(f"{path} line {line}: {keyword} is not an instruction deploy/checks knows")
        rest = re.sub(r"\s+", " ", rest).strip()
        if keyword == "FROM":
            words = rest.split()
            name = words[2] if len(words) == 3 and words[1].upper() == "AS" else None
            stages.append(Stage(words[0], name, line))
            continue
        if not stages:
            fail(f"{path} line {line}: {keyword} before the first FROM")
        stages[-1].instructions.append(Instruction(keyword, rest, line))
    if len(stages) < 2:
        fail(f"{path}: expected a multi-stage build (a build stage and a run stage)")
    return stages


def shell_commands(run):
    """The `&&`-joined commands of a RUN line, each split like a shell would (no expansion)."""
    return [shlex.split(part) for part in run.text.split("&&") if part.strip()]


def apt_install(words):
    """The packages of an `[DEBIAN_FRONTEND=...] apt-get install ...` command, else None."""
    if words[:1] == ["DEBIAN_FRONTEND=noninteractive"]:
        words = words[1:]
    if words[:2] != ["apt-get", "install"]:
        return None
    return [word for word in words[2:] if not word.startswith("-")]
