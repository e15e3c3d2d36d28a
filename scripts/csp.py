#!/usr/bin/env python3
"""Trunk post_build hook: gives the built index.html its Content Security Policy.

Trunk's loader is an inline <script> whose text names the hashed file names of this build, so
its hash changes with every build and must be computed after Trunk has written (and minified)
index.html. Trunk 0.21 minifies the HTML before it writes the file and runs post_build hooks
after that, so the bytes hashed here are exactly the bytes the browser gets.

It writes:
  index.html     the placeholder <meta http-equiv="Content-Security-Policy"> (deny-all in the
                 source, so a build without this hook cannot start) replaced by the real policy
  .csp/nginx.conf, .csp/Caddyfile
                 the same policy plus frame-ancestors (ignored in a meta tag) as a response
                 header, for deploy/nginx.conf to include and deploy/Caddyfile to import
  _headers       the header set for Netlify / Cloudflare Pages style hosts

OMNI_SCIM_CONNECT_SRC (build time) lists the origins the panel may call besides its own, space
separated; default "https://*.omniapp.co". Set it empty to allow only the same origin (proxy).

Usage: run by Trunk (TRUNK_STAGING_DIR set), or `scripts/csp.py DIR` on a built folder.
"""

import base64
import hashlib
import os
import re
import sys

DEFAULT_CONNECT_SRC = "https://*.omniapp.co"
FRAME_ANCESTORS = "frame-ancestors 'none'"

SCRIPT = re.compile(r"<script\b([^>]*)>(.*?)</script\s*>", re.IGNORECASE | re.DOTALL)
TAG = re.compile(r"<[a-zA-Z][^>]*>")
META = re.compile(r"<meta\b[^>]*>", re.IGNORECASE)
CSP_META = re.compile(r"""http-equiv\s*=\s*["']?content-security-policy["'\s>/]""", re.IGNORECASE)
SRC_ATTR = re.compile(r"""(^|\s)src\s*=""", re.IGNORECASE)
# Inline styles and event handlers would need 'unsafe-inline' (or 'unsafe-hashes').
INLINE_ATTR = re.compile(r"""\s(style|on[a-z]+)\s*=""", re.IGNORECASE)
STYLE_ELEMENT = re.compile(r"<style\b", re.IGNORECASE)
QUOTED = re.compile(r""""[^"]*"|'[^']*'""")
# A host source with its scheme: https://host, https://*.host, optional port and path.
SOURCE = re.compile(r"^(https|http|wss|ws)://(\*\.)?[A-Za-z0-9-]+(\.[A-Za-z0-9-]+)*(:(\d{1,5}|\*))?(/[A-Za-z0-9._~/%-]*)?$")

# Headers every host should send (the policy is added per build).
STATIC_HEADERS = [
    ("Referrer-Policy", "no-referrer"),
    ("X-Content-Type-Options", "nosniff"),
    ("Permissions-Policy", "camera=(), microphone=(), geolocation=(), payment=(), usb=()"),
    ("Cross-Origin-Opener-Policy", "same-origin"),
]


def fail(message):
    print(f"scripts/csp.py: error: {message}", file=sys.stderr)
    sys.exit(1)


def script_hash(text):
    # The browser hashes the script's text after the HTML parser has normalised newlines.
    text = text.replace("\r\n", "\n").replace("\r", "\n")
    digest = hashlib.sha256(text.encode("utf-8")).digest()
    return "'sha256-" + base64.b64encode(digest).decode("ascii") + "'"


def connect_sources():
    raw = os.environ.get("OMNI_SCIM_CONNECT_SRC")
    if raw is None:
        raw = DEFAULT_CONNECT_SRC
    sources = raw.split()
    for s in sources:
        if not SOURCE.match(s):
            fail(
                f"OMNI_SCIM_CONNECT_SRC: {s!r} is not an origin such as https://scim.example.com "
                "or https://*.example.com (space separated; 'self' is always allowed)"
            )
    return sources


def policy(hashes, connect):
    return "; ".join(
        [
            "default-src 'none'",
            "script-src " + " ".join(["'self'", "'wasm-unsafe-eval'", *hashes]),
            "style-src 'self'",
            "img-src 'self' data:",
            "connect-src " + " ".join(["'self'", *connect]),
            "base-uri 'none'",
            "form-action 'none'",
            "object-src 'none'",
        ]
    )


def write(path, text):
    try:
        os.makedirs(os.path.dirname(path), exist_ok=True)
        with open(path, "w", encoding="utf-8", newline="") as f:
            f.write(text)
    except OSError as e:
        fail(f"cannot write {path}: {e}")


def main():
    if len(sys.argv) > 1:
        out = sys.argv[1]
    else:
        out = os.environ.get("TRUNK_STAGING_DIR")
        if not out:
            fail("TRUNK_STAGING_DIR is not set: run this as a Trunk hook, or pass the built folder")
    index = os.path.join(out, "index.html")
    try:
        with open(index, encoding="utf-8", newline="") as f:
            html = f.read()
    except OSError as e:
        fail(f"cannot read {index}: {e}")

    scripts = [m for m in SCRIPT.finditer(html) if not SRC_ATTR.search(m.group(1))]
    if not scripts:
        fail(f"{index} has no inline <script>: Trunk's loader was expected; nothing to hash")
    hashes = []
    for m in scripts:
        h = script_hash(m.group(2))
        if h not in hashes:
            hashes.append(h)

    markup = SCRIPT.sub("", html)
    for tag in TAG.findall(markup):
        # Attribute values (e.g. the config meta's "a=1; b=2") are not attributes.
        if INLINE_ATTR.search(QUOTED.sub('""', tag)):
            fail(f"{index} has an inline style or event handler, which the policy blocks: {tag}")
    if STYLE_ELEMENT.search(markup):
        fail(f"{index} has a <style> element, which the policy blocks (use a data-trunk css link)")

    csp_tags = [m for m in META.finditer(html) if CSP_META.search(m.group(0))]
    if len(csp_tags) != 1:
        fail(f"{index} must have exactly one <meta http-equiv=Content-Security-Policy> placeholder, has {len(csp_tags)}")
    tag = csp_tags[0]
    if tag.start() > scripts[0].start():
        fail(f"{index}: the Content-Security-Policy meta tag must come before every script")

    meta_policy = policy(hashes, connect_sources())
    header_policy = f"{meta_policy}; {FRAME_ANCESTORS}"
    html = (
        html[: tag.start()]
        + f'<meta http-equiv="Content-Security-Policy" content="{meta_policy}">'
        + html[tag.end() :]
    )
    write(index, html)

    write(
        os.path.join(out, ".csp", "nginx.conf"),
        "# Generated by scripts/csp.py for this build of dist/; included by deploy/nginx.conf.\n"
        f'add_header Content-Security-Policy "{header_policy}" always;\n',
    )
    write(
        os.path.join(out, ".csp", "Caddyfile"),
        "# Generated by scripts/csp.py for this build of dist/; imported by deploy/Caddyfile.\n"
        f'header Content-Security-Policy "{header_policy}"\n',
    )
    lines = ["# Generated by scripts/csp.py (Netlify / Cloudflare Pages header rules).", "/*"]
    lines.append(f"  Content-Security-Policy: {header_policy}")
    lines += [f"  {name}: {value}" for name, value in STATIC_HEADERS]
    write(os.path.join(out, "_headers"), "\n".join(lines) + "\n")

    print(f"scripts/csp.py: {len(hashes)} inline script hash(es); policy: {meta_policy}")


if __name__ == "__main__":
    main()
