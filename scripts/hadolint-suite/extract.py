#!/usr/bin/env python3
"""Turn hadolint's rule tests (test/Hadolint/Rule/DL*Spec.hs in a hadolint checkout) into
Dockerfile cases: one per assertion, with the rule, whether it must report (`catches`) or not,
the ONBUILD variant and the configuration (trusted registries) the assertion runs with.

Usage: extract.py HADOLINT_CHECKOUT OUT_DIR
Writes OUT_DIR/cases.json: [{key, code, catches, text, registries}], and prints a count.

The specs are Haskell; this reads the small subset they use: `it "title"` blocks, `let NAME =
EXPR`, `let ?config = def { allowedRegistries = [...] }`, string literals (escapes and string
gaps), lists, `Text.unlines`, `<>`, and the assertions `ruleCatches`, `ruleCatchesNot`,
`onBuildRuleCatches`, `onBuildRuleCatchesNot` and `assertChecks TEXT (failsWith N CODE)`.
"""
import json
import os
import re
import sys

ESCAPES = {"n": "\n", "t": "\t", "\\": "\\", '"': '"', "'": "'", "r": "\r", "0": "\0"}


def tokens(src):
    """Haskell tokens: ('str', value), ('id', name), ('sym', text), ('num', text)."""
    i, out = 0, []
    while i < len(src):
        c = src[i]
        if c.isspace():
            i += 1
        elif src.startswith("--", i) and (i + 2 >= len(src) or not src[i + 2] in "!#$%&*+./<=>?@\\^|~"):
            i = src.find("\n", i)
            i = len(src) if i < 0 else i
        elif src.startswith("{-", i):
            i = src.find("-}", i) + 2
        elif c == '"':
            i += 1
            value = []
            while i < len(src) and src[i] != '"':
                if src[i] == "\\":
                    nxt = src[i + 1]
                    if nxt.isspace():  # a string gap: \ whitespace \
                        i = src.index("\\", i + 1) + 1
                        continue
                    if nxt == "&":
                        i += 2
                        continue
                    if nxt.isdigit():
                        m = re.match(r"\d+", src[i + 1:])
                        value.append(chr(int(m.group(0))))
                        i += 1 + len(m.group(0))
                        continue
                    value.append(ESCAPES.get(nxt, nxt))
                    i += 2
                else:
                    value.append(src[i])
                    i += 1
            i += 1
            out.append(("str", "".join(value)))
        elif c.isalpha() or c == "_" or c == "?":
            m = re.match(r"\??[A-Za-z_][A-Za-z0-9_'.]*", src[i:])
            out.append(("id", m.group(0).rstrip(".")))
            i += len(m.group(0).rstrip("."))
        elif c.isdigit():
            m = re.match(r"\d+", src[i:])
            out.append(("num", m.group(0)))
            i += len(m.group(0))
        else:
            m = re.match(r"<>|==|::|->|[$()\[\],={}]|[^\s\w\"]+", src[i:])
            out.append(("sym", m.group(0)))
            i += len(m.group(0))
    return out


class Parser:
    def __init__(self, toks, env):
        self.toks, self.pos, self.env = toks, 0, env

    def peek(self, k=0):
        return self.toks[self.pos + k] if self.pos + k < len(self.toks) else ("eof", "")

    def expr(self):
        """EXPR := TERM ('<>' TERM)*, evaluated to a string or a list of strings."""
        value = self.term()
        while self.peek() == ("sym", "<>"):
            self.pos += 1
            value = value + self.term()
        return value

    def term(self):
        kind, text = self.peek()
        if (kind, text) == ("sym", "$"):
            self.pos += 1
            return self.term()
        if kind == "str":
            self.pos += 1
            return text
        if (kind, text) == ("sym", "("):
            self.pos += 1
            value = self.expr()
            if self.peek() == ("sym", ")"):
                self.pos += 1
            return value
        if (kind, text) == ("sym", "["):
            self.pos += 1
            items = []
            while self.peek()[0] != "eof" and self.peek() != ("sym", "]"):
                items.append(self.expr())
                if self.peek() == ("sym", ","):
                    self.pos += 1
            self.pos += 1
            return items
        if kind == "id" and text in ("Text.unlines", "unlines", "T.unlines"):
            self.pos += 1
            lines = self.term()
            return "".join(line + "\n" for line in lines)
        if kind == "id" and text in self.env:
            self.pos += 1
            return self.env[text]
        raise ValueError(f"cannot evaluate {kind} {text!r}")


ASSERTIONS = ("ruleCatches", "ruleCatchesNot", "onBuildRuleCatches", "onBuildRuleCatchesNot")


def on_build(text):
    """hadolint's onBuild variants wrap every RUN in ONBUILD."""
    return re.sub(r"(?m)^(\s*)RUN\b", r"\1ONBUILD RUN", text)


def registries(toks):
    """`?config = def { allowedRegistries = [ ... ] }` in a token list, if any."""
    for i, (kind, text) in enumerate(toks):
        if kind == "id" and text == "allowedRegistries":
            j = i + 2
            out = []
            while toks[j] != ("sym", "]"):
                if toks[j][0] == "str":
                    out.append(toks[j][1])
                j += 1
            return out
    return None


def blocks(toks):
    """Split at `it "title"`; yields (title, tokens)."""
    starts = [i for i, t in enumerate(toks) if t == ("id", "it") and i + 1 < len(toks) and toks[i + 1][0] == "str"]
    for n, s in enumerate(starts):
        end = starts[n + 1] if n + 1 < len(starts) else len(toks)
        yield toks[s + 1][1], toks[s + 2:end]


def lets(toks, env):
    """Evaluates `let NAME = EXPR` definitions in order into env."""
    for i, t in enumerate(toks):
        if t == ("id", "let") and toks[i + 1][0] == "id" and toks[i + 2] == ("sym", "="):
            name = toks[i + 1][1]
            if name.startswith("?"):
                continue
            try:
                env[name] = Parser(toks[i + 3:], env).expr()
            except (ValueError, IndexError):
                pass


def cases_of(path):
    src = open(path, encoding="utf-8").read()
    toks = tokens(src)
    spec = os.path.basename(path)
    first_it = next((i for i, t in enumerate(toks) if t == ("id", "it")), len(toks))
    file_env = {}
    lets(toks[:first_it], file_env)
    file_registries = registries(toks[:first_it])
    for title, body in blocks(toks):
        env = dict(file_env)
        lets(body, env)
        regs = registries(body)
        regs = file_registries if regs is None else regs
        index = 0
        for i, (kind, text) in enumerate(body):
            found = []
            if kind == "id" and text in ASSERTIONS:
                code_tok = body[i + 1]
                code = code_tok[1] if code_tok[0] == "str" else env.get(code_tok[1])
                try:
                    dockerfile = Parser(body[i + 2:], env).expr()
                except (ValueError, IndexError):
                    continue
                found.append((code, not text.endswith("Not"), text.startswith("onBuild"), dockerfile))
            elif kind == "id" and text == "assertChecks":
                parser = Parser(body[i + 1:], env)
                try:
                    dockerfile = parser.expr()
                except (ValueError, IndexError):
                    continue
                rest = body[i + 1 + parser.pos:]
                m = [(rest[k + 1][1], rest[k + 2][1]) for k in range(len(rest) - 2) if rest[k] == ("id", "failsWith")]
                if m:
                    count, code = m[0]
                    found.append((code, int(count) > 0, False, dockerfile))
            for code, catches, onbuild, dockerfile in found:
                if not isinstance(dockerfile, str) or not code:
                    continue
                text_out = on_build(dockerfile) if onbuild else dockerfile
                key = f"{spec[:-7]}|{title}|{index}{'|onbuild' if onbuild else ''}"
                index += 1
                yield {"key": key, "code": code, "catches": catches, "text": text_out, "registries": regs or []}


def main():
    checkout, out_dir = sys.argv[1], sys.argv[2]
    spec_dir = os.path.join(checkout, "test", "Hadolint", "Rule")
    cases = []
    for name in sorted(os.listdir(spec_dir)):
        if re.fullmatch(r"DL\d+Spec\.hs", name):
            cases.extend(cases_of(os.path.join(spec_dir, name)))
    os.makedirs(out_dir, exist_ok=True)
    with open(os.path.join(out_dir, "cases.json"), "w", encoding="utf-8") as f:
        json.dump(cases, f, indent=1)
    print(f"{len(cases)} cases from {spec_dir}")


if __name__ == "__main__":
    main()
