"""Strings a hostile participant (or a careless paste) puts into every field a person types.

Every piece of markup carries the attribute ``data-hostile`` or the element ``<hostile-tag>``, so a
test can ask a parsed page whether any element or attribute came alive from one of them.
"""

CORPUS = [
    # Markup and event handlers.
    '<script data-hostile>alert("x")</script>',
    "<img src=x onerror=alert(1) data-hostile>",
    '"><img src=x onerror=alert(1) data-hostile>',
    "'><svg onload=alert(1) data-hostile>",
    '<a href="javascript:alert(1)" data-hostile>click</a>',
    "javascript:alert(1)",
    '<iframe src="javascript:alert(1)" data-hostile></iframe>',
    "<hostile-tag>custom element</hostile-tag>",
    '<div style="position:fixed;inset:0" data-hostile>cover</div>',
    '<form action="/accounts/logout/" method="post" data-hostile><button>go</button></form>',
    '<meta http-equiv="refresh" content="0;url=//evil.example" data-hostile>',
    "</textarea><hostile-tag>out of the box</hostile-tag>",
    "</title><hostile-tag>out of the title</hostile-tag>",
    "<!-- a comment --><hostile-tag data-hostile>after a comment</hostile-tag>",
    "<![CDATA[<hostile-tag>]]>",
    # htmx attributes and out-of-band swaps.
    '<div hx-get="/console/" hx-trigger="load" data-hostile>load</div>',
    '<button hx-post="/accounts/logout/" hx-trigger="load" data-hostile>x</button>',
    '<div hx-swap-oob="true" id="stage" data-hostile>taken over</div>',
    '<div hx-swap-oob="outerHTML:#results" data-hostile>fake results</div>',
    '<div id="notice" hx-swap-oob="true" data-hostile>fake notice</div>',
    '<template><hostile-tag hx-swap-oob="true" id="people"></hostile-tag></template>',
    '<div hx-on:htmx:load="alert(1)" data-hostile>on load</div>',
    "<div ws-send data-hostile>send</div>",
    # Template syntax and injection of other kinds.
    "{{ request.user.password }}",
    "{% debug %}",
    "{% include 'base.html' %}",
    "${7*7} #{7*7} <%= 7*7 %>",
    "'; DROP TABLE workshops_event; --",
    "1 OR 1=1",
    '" OR ""="',
    "%(max)d %s %n {0} {name}",
    # Formula prefixes for spreadsheets.
    '=HYPERLINK("http://evil.example","click")',
    "+1+cmd|' /C calc'!A0",
    "-2+3",
    "@SUM(1+1)*cmd|' /C calc'!A0",
    "\t=1+1",
    # Control characters, bidirectional overrides, odd Unicode.
    "null\x00byte",
    "bell\x07 and escape\x1b[31m red",
    "line\r\nbreak\rreturn",
    "right\u202eto left override",
    "isolate\u2066 \u2069 marks and \u200b zero width",
    "\ufeffbyte order mark",
    "combining e\u0301\u0301\u0301\u0301",
    "emoji 👩‍👩‍👧‍👦 and 𝕏",
    # Very long.
    "A" * 5000,
    "word " * 800,
]
