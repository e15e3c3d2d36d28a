#!/usr/bin/env python3
"""Trunk post_build hook: the release build's last steps, in order, then the CSP.

Trunk 0.21 can neither split a wasm module (its issue 1022) nor minify wasm-bindgen's glue (its
minifier stops at `export default`), so in a release build this hook:

1. with the `split` cargo feature (scripts/build sets TRUNK_BUILD_FEATURES=split), splits the
   module cargo linked (`--emit-relocs`, build.rs) with wasm-split-cli into the first screen
   and the `screens` chunk (src/app/screens.rs), and runs wasm-bindgen on the first screen's
   part, replacing Trunk's glue and wasm;
2. runs wasm-opt -Oz on each wasm (index.html asks Trunk for none, so it is done once);
3. minifies each JS file with terser;
4. names the files by one hash of their contents (the immutable-cache pattern of deploy/:
   `-<16 hex>(_bg).(js|wasm)`), rewrites each reference to them exactly once, and gives
   index.html's links their new integrity hashes;

and in every build (debug too) runs scripts/csp.py, whose policy hashes Trunk's inline loader
after the names in it are final. Fails the build when a step fails.
"""

import base64
import hashlib
import os
import re
import shutil
import subprocess
import sys
import tempfile

HERE = os.path.dirname(os.path.abspath(__file__))
sys.path.insert(0, HERE)
import csp  # noqa: E402  (beside this file)

CRATE = "omni-scim-panel"
WASM_OPT = ["wasm-opt", "-Oz", "--enable-bulk-memory", "--enable-nontrapping-float-to-int"]
# The input first: --mangle would take a following word as its options.
TERSER_FLAGS = ["--module", "--compress", "--mangle"]


def fail(message):
    print(f"scripts/post_build.py: error: {message}", file=sys.stderr)
    sys.exit(1)


def run(cmd):
    try:
        subprocess.run(cmd, check=True)
    except FileNotFoundError:
        fail(f"{cmd[0]} is not installed: run scripts/setup")
    except subprocess.CalledProcessError as e:
        fail(f"{' '.join(cmd)} failed with status {e.returncode}")


def read(path, mode="rb"):
    try:
        with open(path, mode) as f:
            return f.read()
    except OSError as e:
        fail(f"cannot read {path}: {e}")


def write(path, data):
    try:
        with open(path, "wb") as f:
            f.write(data)
    except OSError as e:
        fail(f"cannot write {path}: {e}")


def replace_once(text, old, new, where, lead=""):
    """`old` is a quoted path in JS (either quote style after minifying) after `lead`, a regex
    (e.g. `from` for a module's import, not the same name as a key of the wasm's imports)."""
    pattern = re.compile("(" + lead + r"""\s*)(["'])""" + re.escape(old) + r"\2")
    found = pattern.findall(text)
    if len(found) != 1:
        fail(f"{where} names {old!r} {len(found)} times, expected once: the glue changed shape")
    return pattern.sub(lambda m: m.group(1) + m.group(2) + new + m.group(2), text)


def integrity(data):
    return "sha384-" + base64.b64encode(hashlib.sha384(data).digest()).decode("ascii")


def features():
    raw = os.environ.get("TRUNK_BUILD_FEATURES", "")
    return {f for f in re.split(r"[,\s]+", raw) if f}


def trunk_files(html):
    """The names Trunk gave the glue and the wasm (e.g. /omni-scim-panel-<hash>.js)."""
    js = re.search(r"""href=["']?([^"' >]*/?%s-[0-9a-f]+\.js)""" % re.escape(CRATE), html)
    wasm = re.search(r"""href=["']?([^"' >]*/?%s-[0-9a-f]+_bg\.wasm)""" % re.escape(CRATE), html)
    if not js or not wasm:
        fail("index.html names no glue or wasm of Trunk's: expected its modulepreload and preload links")
    return js.group(1), wasm.group(1)


def split(work):
    """The first screen's glue and wasm, the chunk and its loader, all un-optimised."""
    target = os.environ.get("CARGO_TARGET_DIR") or os.path.join(os.getcwd(), "target")
    linked = os.path.join(target, "wasm32-unknown-unknown", "release", f"{CRATE}.wasm")
    if not os.path.isfile(linked):
        fail(f"{linked} is missing: the split build reads the module cargo linked")
    parts = os.path.join(work, "parts")
    run(["wasm-split-cli", linked, parts, "--out-name", CRATE, "--target", "web"])
    glue = os.path.join(work, "glue")
    # wasm-split keeps the exports the chunk imports from the first screen; wasm-bindgen must
    # not drop them (--keep-lld-exports) nor rename them (--no-demangle).
    run(
        [
            "wasm-bindgen", "--target", "web", "--no-typescript", "--keep-lld-exports",
            "--no-demangle", "--out-dir", glue, "--out-name", CRATE,
            os.path.join(parts, f"{CRATE}.wasm"),
        ]
    )
    loaders = [f for f in os.listdir(parts) if f.endswith(".js")]
    chunks = [f for f in os.listdir(parts) if f.endswith(".wasm") and f != f"{CRATE}.wasm"]
    if loaders != ["__wasm_split.js"] or len(chunks) != 1:
        fail(f"wasm-split gave {sorted(loaders + chunks)}: expected __wasm_split.js and one chunk")
    return {
        "glue": read(os.path.join(glue, f"{CRATE}.js"), "r"),
        "wasm": os.path.join(glue, f"{CRATE}_bg.wasm"),
        "loader": read(os.path.join(parts, loaders[0]), "r"),
        "chunk": os.path.join(parts, chunks[0]),
        "chunk_name": chunks[0],
    }


def optimise(wasm, work, name):
    out = os.path.join(work, name)
    run(WASM_OPT + [wasm, "-o", out])
    return read(out)


def minify(text, work, name):
    src = os.path.join(work, name)
    write(src, text.encode("utf-8"))
    out = src + ".min"
    run(["terser", src, *TERSER_FLAGS, "-o", out])
    return read(out, "r")


def release(out, work):
    index = os.path.join(out, "index.html")
    html = read(index, "r")
    js_href, wasm_href = trunk_files(html)
    prefix = js_href[: js_href.rindex("/") + 1]
    js_old = os.path.join(out, os.path.basename(js_href))
    wasm_old = os.path.join(out, os.path.basename(wasm_href))

    if "split" in features():
        parts = split(work)
        glue, wasm = parts["glue"], optimise(parts["wasm"], work, "main.wasm")
        loader = minify(parts["loader"], work, "loader.js")
        chunk = optimise(parts["chunk"], work, "chunk.wasm")
    else:
        glue, wasm = read(js_old, "r"), optimise(wasm_old, work, "main.wasm")
        loader = chunk = None
    glue = minify(glue, work, "glue.js")

    digest = hashlib.sha256()
    for part in (glue.encode(), wasm, (loader or "").encode(), chunk or b""):
        digest.update(hashlib.sha256(part).digest())
    h = digest.hexdigest()[:16]
    names = {"glue": f"{CRATE}-{h}.js", "wasm": f"{CRATE}-{h}_bg.wasm"}
    files = {}
    if loader is not None:
        names["loader"] = f"split-{h}.js"
        names["chunk"] = f"screens-{h}.wasm"
        # The glue's import of the loader and the loader's of the glue (the same module instance
        # the page's loader imported), and the chunk's URL; the wasm's import module keeps its name.
        glue = replace_once(glue, "./__wasm_split.js", "./" + names["loader"], "the glue", "from")
        loader = replace_once(loader, f"./{CRATE}.js", "./" + names["glue"], "the split loader", "from")
        loader = replace_once(
            loader, "./" + parts["chunk_name"], "./" + names["chunk"], "the split loader", r"URL\("
        )
        files[names["loader"]] = loader.encode()
        files[names["chunk"]] = chunk
    files[names["glue"]] = glue.encode()
    files[names["wasm"]] = wasm

    for old in (js_old, wasm_old):
        os.remove(old)
    for name, data in files.items():
        write(os.path.join(out, name), data)

    # index.html: the loader's two names and the preload links (name and integrity).
    for old_href, key in ((js_href, "glue"), (wasm_href, "wasm")):
        new_href = prefix + names[key]
        count = html.count(old_href)
        if count != 2:
            fail(f"index.html names {old_href} {count} times, expected twice (loader and link)")
        html = html.replace(old_href, new_href)
        link = re.compile(
            r"(<link\b[^>]*href=[\"']?%s[\"' >][^>]*>)" % re.escape(new_href), re.IGNORECASE
        )
        tags = link.findall(html)
        if len(tags) != 1:
            fail(f"index.html has {len(tags)} links to {new_href}, expected one")
        fixed = re.sub(
            r"integrity=([\"']?)sha384-[A-Za-z0-9+/=]+\1",
            lambda m: f"integrity={m.group(1)}{integrity(files[names[key]])}{m.group(1)}",
            tags[0],
        )
        html = html.replace(tags[0], fixed)
    if loader is not None:
        # The glue imports the split loader: without a hint the browser learns of it only once
        # the glue has arrived, a round trip more before the first screen can start.
        glue_link = re.search(
            r"<link\b[^>]*href=[\"']?%s[\"' >][^>]*>" % re.escape(prefix + names["glue"]), html
        )
        if not glue_link:
            fail("index.html has no link to the glue to put the split loader's beside")
        hint = (
            f'<link crossorigin href="{prefix}{names["loader"]}" '
            f'integrity="{integrity(files[names["loader"]])}" rel=modulepreload>'
        )
        html = html[: glue_link.end()] + hint + html[glue_link.end() :]
    write(index, html.encode("utf-8"))

    sizes = ", ".join(f"{n} {len(d):,} B" for n, d in files.items())
    print(f"scripts/post_build.py: {'split' if loader else 'unsplit'}: {sizes}")


def main():
    out = os.environ.get("TRUNK_STAGING_DIR")
    if not out:
        fail("TRUNK_STAGING_DIR is not set: this runs as Trunk's post_build hook")
    if os.environ.get("TRUNK_PROFILE") == "release":
        work = tempfile.mkdtemp(prefix="post_build-")
        try:
            release(out, work)
        finally:
            shutil.rmtree(work, ignore_errors=True)
    elif "split" in features():
        fail("the split feature needs a release build (scripts/build)")
    csp.main()


if __name__ == "__main__":
    main()
