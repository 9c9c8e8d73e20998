"""Our own copies of the key hostile inputs of the hostile-input catalogue, so the
important cases are tested even where the shared folder is absent. Byte for byte the same
as the catalogue generator produces, except where noted."""

from __future__ import annotations

import re
import struct
import zlib

ARTICLE = ("Minister Anna Petrova said on Monday: \u201cWe will not raise taxes.\u201d\n\n"
           "Opposition leader John Smith replied, \"That is what they said last year.\"\n")
ARTICLE_TITLE = "Minister Anna Petrova said on Monday: \u201cWe will not raise taxes.\u201d"
ARTICLE_BODY = "Opposition leader John Smith replied, \"That is what they said last year.\""


def png_bytes() -> bytes:
    def chunk(kind: bytes, data: bytes) -> bytes:
        return (struct.pack(">I", len(data)) + kind + data
                + struct.pack(">I", zlib.crc32(kind + data) & 0xFFFFFFFF))
    header = struct.pack(">IIBBBBB", 1, 1, 8, 6, 0, 0, 0)
    return (b"\x89PNG\r\n\x1a\n" + chunk(b"IHDR", header)
            + chunk(b"IDAT", zlib.compress(b"\x00" * 5)) + chunk(b"IEND", b""))


LATIN1_TEXT = "Le pr\u00e9sident a d\u00e9clar\u00e9 : \u00ab Non \u00bb. Caf\u00e9 na\u00efve."
CP1252_TEXT = "\u201cSmart\u201d quotes \u2014 and \u20ac5 from Word."

HOSTILE: dict[str, bytes] = {
    "A01": b"",
    "A02": " \t\r\n\u00a0\u2003\u200b\ufeff\u3000\n\n".encode(),
    "A03": b"\xef\xbb\xbf",
    "A04": png_bytes(),
    "A05": b"%PDF-1.7\n%\xe2\xe3\xcf\xd3\n1 0 obj <<>> endobj\ntrailer <<>>\n%%EOF\n",
    "A06": b"PK\x03\x04" + b"\x00" * 26,
    "A07": ARTICLE.encode("utf-16"),
    "A08": ARTICLE.encode("utf-16-be"),
    "A09": b"\xef\xbb\xbf" + ARTICLE.encode("utf-8"),
    "A10": (LATIN1_TEXT + "\n").encode("latin-1"),
    "A11": (CP1252_TEXT + "\n").encode("cp1252"),
    "A12": "Good UTF-8: caf\u00e9\n".encode() + "Then Latin-1: caf\u00e9\n".encode("latin-1"),
    "A13": "Ends mid-character: \u20ac".encode()[:-1],
    "A14": b"Line one\r\nLine two\rLine three\nLine four\r\n",
    "B01": "Headline\x00with NUL\nPara with vertical\x0btab and form\x0cfeed.\n".encode(),
    "B02": ("C0:" + "".join(chr(c) for c in range(0x20)) + ":DEL\x7f:C1:\x85\x9b\n").encode(),
    "B03": "U+FFFE[\ufffe] U+FFFF[\uffff] U+1FFFF[\U0001ffff]\n".encode(),
    "B04": b"lone high surrogate [\xed\xa0\x80] (invalid UTF-8)\n",
    "B11": ("word " * 200000).encode(),
    "B12": "one\u2028two\u2029three\x85four\x1cfive\n".encode(),
    # D07, the same construction as the catalogue's.
    "B06": ("Cyrillic: \u041f\u0440\u0438\u0432\u0435\u0442. Greek: \u039a\u03b1\u03bb\u03b7\u03bc\u03ad\u03c1\u03b1.\n"
            "Arabic: \u0645\u0631\u062d\u0628\u0627. Hebrew: \u05e9\u05dc\u05d5\u05dd. CJK: \u65b0\u95fb\u3002\n"
            "Emoji: \U0001F4F0 \U0001F468\u200d\U0001F469\u200d\U0001F467 \U0001F1FA\U0001F1E6\n").encode(),
    "B07": "Invoice for \u202eexe.fdp\u202c and \u2066isolate\u2069.\nTitle: \u202etxet desrever\n".encode(),
    "B08": "No\u200bbreak\u200dhere, NBSP\u00a0here, soft\u00adhyphen, ideographic\u3000space.\n".encode(),
    "B09": ("Start " + "A" * 5000 + " end.\n" + "https://example.org/" + "seg/" * 1200 + "\n").encode(),
    "B10": ("\u65b0\u95fb" * 3000 + "\n").encode(),
    "C01": b'<b>&amp;</b> <img src="/etc/passwd"/> <font color="red" size="90">BIG</font> 0.1 <A <0.9 & AT&T S&P 500 &nbsp; &bogus; &#0;\n',
    "C02": b'<onDraw name="showPage"/> <unichar code="0"/> <seq id="x"/> <a href="javascript:alert(1)">click</a> <link href="file:///etc/passwd">f</link> <para>nested</para>\n',
    "C03": b'<font color="[[[getattr(pow, Word(\'__globals__\'))[\'os\'].system(\'touch /tmp/pwned\') for Word in [ orgTypeFun( \'Word\', (str,), { \'mutated\': 1, \'startswith\': lambda self, x: 1 == 0, \'__eq__\': lambda self, x: self.mutated and self.mutated.__sub__(1) and False, \'mutate\': lambda self: {setattr(self, \'mutated\', self.mutated - 1)}, \'__hash__\': lambda self: hash(str(self)), }, ) ] ] for orgTypeFun in [type(type(1))] for none in [[].append(1)]]] and \'red\'">x</font>\n',
    "C04": b'Look: <img src="/dev/zero" width="10" height="10"/> and <img src="file:///dev/urandom"/>\n',
    "C05": b'</w:t></w:r><w:r><w:t>injected</w:t></w:r> ]]> <![CDATA[x]]> <?xml version="1.0"?> &lt;&amp;&gt;\n',
    "D01": b"The index rose 0.4% in March. Rainfall was above average.\n",
    "D02": "He said \u201cthis never closes.\nNext paragraph \u201cnested \u2018inner\u201d wrong\u2019 order.\nStray \u201d at start and a lone \" here.\n".encode(),
    "D04": "\u201cFirst paragraph of a long quote.\n\n\u201cSecond paragraph, no closing mark.\n\n\u201cThird and final.\u201d\n".encode(),
    "D05": "It\u2019s the \u201990s; the dogs\u2019 bowls; \u2019Tis; O\u2019Brien\u2019s \u2018rock \u2019n\u2019 roll\u2019.\n".encode(),
    "D06": ("\u201c" + "All of this is one quotation. " * 200 + "\u201d\n").encode(),
    "F01": b"../../etc/passwd\n\nBody text.\n",
    "F02": b"CON.pdf\n\nAlso try: NUL, COM1, LPT9, aux.docx, '.', '..', '-rf', '~', '.bashrc'\n",
    "F03": (("\u65b0\u95fb" * 100) + ("x" * 300) + "\n\nBody.\n").encode(),
    "F04": b"Breaking news\r\nBcc: attacker@evil.example\r\nX-Spam: no\n\nBody.\n",
    "F06": b"$(rm -rf ~) `id` ; | & > {0} {title} %s %(x)s {{ 7*7 }} {% raw %}\n\nBody.\n",
    "F07": "AC/DC: Live \\ 2024 | \"Best\" <of> ? * \u2215\u29f8\uff0f\n\nBody.\n".encode(),
    "F08": "\u2026 \u2014 !!! ???\n\nBody.\n".encode(),
    "D07": (b"# Title with `code` and <b>html</b>\n\n> Blockquote \"quote\"\n\n"
            b"<script>alert(1)</script>\n\n<img src=x onerror=alert(1)>\n\n"
            b"[link](javascript:alert(1)) [file](file:///etc/passwd)\n\n"
            b"```\n<font color=\"red\">in code block</font>\n```\n\n" + b"> " * 500 + b"deep\n\n"
            + b"*" * 5000 + b"\n"),
}

# XML 1.0, production [2] Char: what a document may hold. Written from the spec, not copied
# from pipeline.text, so the tests check the rule rather than the implementation.
_XML_ILLEGAL = re.compile("[^\t\n\r\u0020-\ud7ff\ue000-\ufffd\U00010000-\U0010ffff]")


def xml_illegal(text: str) -> list[str]:
    return _XML_ILLEGAL.findall(text)


def article_strings(article) -> list[str]:
    """Every string an Article carries."""
    strings = [article.title, article.source.sha256]
    strings += [s for s in (article.standfirst, article.source.path, article.source.url) if s is not None]
    strings += [block.text for block in article.blocks]
    return strings


# Section E of the catalogue: HTML and XML inputs, byte for byte.
E01 = (b'<?xml version="1.0"?>\n<!DOCTYPE html [\n  <!ENTITY xxe SYSTEM "file:///etc/passwd">\n'
       b'  <!ENTITY lol "lol"><!ENTITY lol2 "&lol;&lol;&lol;&lol;&lol;&lol;&lol;&lol;&lol;&lol;">\n'
       b'  <!ENTITY lol3 "&lol2;&lol2;&lol2;&lol2;&lol2;&lol2;&lol2;&lol2;&lol2;&lol2;">\n]>\n'
       b'<html><head><title>&xxe; Title</title><meta http-equiv="refresh" content="0;url=http://169.254.169.254/"><base href="http://evil.example/">'
       b'<style>body{background:url(http://evil.example/t.png)}</style></head>\n<body><h1>Headline &lol3;</h1>\n'
       b'<script>document.write("<p>injected</p>")</script><noscript><p>noscript text</p></noscript>\n'
       b'<p>Real text &amp; more. <iframe src="http://evil.example"></iframe></p><svg><script>alert(1)</script></svg>\n'
       b'<p hidden>hidden text</p><p style="display:none">also hidden</p>\n</body></html>\n')
E02 = (b'<?xml version="1.0"?>\n<!DOCTYPE lolz [\n <!ENTITY lol "lol">\n' +
       b"".join(b' <!ENTITY lol%d "%s">\n' % (i, (b"&lol%s;" % (b"" if i == 1 else str(i - 1).encode())) * 10)
                for i in range(1, 10)) +
       b']>\n<rss version="2.0"><channel><title>&lol9;</title></channel></rss>\n')
E03 = (b'<?xml version="1.0"?>\n<!DOCTYPE rss [<!ENTITY xxe SYSTEM "file:///etc/hostname">]>\n'
       b'<rss version="2.0"><channel><title>Feed &xxe;</title><item><title>Item\n   with folded\n   title</title>'
       b'<link>javascript:alert(1)</link><description>&lt;script&gt;alert(1)&lt;/script&gt;&lt;b&gt;bold&lt;/b&gt;</description>'
       b'<pubDate>31 Feb 2024 25:61:00 +9999</pubDate><guid>dup</guid></item>'
       b'<item><title>Second</title><guid>dup</guid></item></channel></rss>\n')
E04 = b"<html><body><p>Unclosed <b>bold <i>italic</p><table><tr><td>cell</table></div></span><p>after &amp &lt &copy</body>"
E05 = b"<div>" * 100000 + b"deep" + b"</div>" * 100000
WEB_HOSTILE: dict[str, bytes] = {
    "E01-html-script-xxe.html": E01,
    "E02-billion-laughs.xml": E02,
    "E03-rss-xxe-and-script.xml": E03,
    "E04-malformed-html.html": E04,
    "E05-deep-nesting.html": E05,
}
