"""Hostile strings for the escaping tests: the usual families of XSS payloads, written here.

Each payload carries a number ``n``. If any of it runs, it sets ``window.__pwned = n`` or
opens a dialog showing ``n``; an element it would inject carries the id or class ``pwned``
(or is one a map never has: ``img``, ``iframe``, an ``on*`` attribute, a ``javascript:``
link). A page can therefore be searched for the trace of any of them, and the number says
which one ran.
"""

from __future__ import annotations

import base64

#: Runs in the page if anything is unescaped: sets a global, adds an element, opens a dialog.
PAYLOAD = (
    "<script>window.__pwned=1;alert(1)</script>"
    '<img src=x onerror="window.__pwned=2;document.body.appendChild('
    "Object.assign(document.createElement('i'),{id:'pwned'}))\">"
    "`${window.__pwned=3}`</script><b id=pwned>'\"&amp;\u2028"
)
JS_URL = "javascript:window.__pwned=4;alert(4)"

#: The number of the first generated payload (PAYLOAD and JS_URL use 1 to 6).
FIRST = 100

# Templates: «js» becomes a statement that marks the page with the payload's number, «n»
# the number itself. The statements hold no quotes or spaces, so that they fit inside any
# attribute, quoted or not.
_ACTIONS = (
    "window.__pwned=«n»",
    "alert(«n»)",
    "top.__pwned=«n»",
    "confirm(«n»)",
    "self.__pwned=«n»",
    "prompt(«n»)",
    "window[/__pwned/.source]=«n»",
    "(window.__pwned=«n»)",
)

_SCRIPT_TAGS = (
    "<script>«js»</script>",
    "<SCRIPT>«js»</SCRIPT>",
    "<ScRiPt>«js»</sCrIpT>",
    '<script type="text/javascript">«js»</script>',
    "<script type=module>«js»</script>",
    '<script language="javascript">«js»</script>',
    '<script charset="utf-8">«js»</script>',
    "<script defer>«js»</script>",
    '<script src="data:text/javascript,«js»"></script>',
    "<script src=data:,«js»></script>",
    "<script/src=data:,«js»></script>",
    '<script async src="data:,«js»"></script>',
    "<scr<script>ipt>«js»</scr</script>ipt>",
    "<<script>script>«js»<</script>/script>",
    "<script\n>«js»</script\n>",
    "<script x>«js»</script x>",
    "<script>«js»</script",
    "<script>«js»//",
    "<script id=pwned>«js»</script>",
    "<script>/*</script>*/«js»</script>",
    "<script>eval(atob('«b64»'))</script>",
    "<script>setTimeout('«js»')</script>",
    "<script>document.body.insertAdjacentHTML('beforeend','<b class=pwned>«n»</b>')</script>",
)

_EVENT_HANDLERS = (
    "<img src=x onerror=«js»>",
    '<img src=x onerror="«js»">',
    "<IMG SRC=x ONERROR=«js»>",
    "<img src=x:x onerror=«js»>",
    "<img src onerror=«js»>",
    "<img srcset=x onerror=«js»>",
    "<image src=x onerror=«js»>",
    "<img src=x onerror=«js»//",
    "<img src=x onerror=«js» id=pwned>",
    "<svg onload=«js»>",
    "<svg/onload=«js»>",
    "<svg><g onload=«js»></g></svg>",
    "<svg><animate onbegin=«js» attributeName=x dur=1s>",
    "<svg><set onbegin=«js» attributeName=x to=1>",
    "<svg><discard onbegin=«js»>",
    "<body onload=«js»>",
    "<body onpageshow=«js»>",
    "<body onresize=«js»>",
    "<details open ontoggle=«js»>",
    '<iframe srcdoc="<script>alert(«n»)</script>">',
    "<iframe srcdoc='<img src=x onerror=alert(«n»)>'>",
    '<iframe src="javascript:alert(«n»)">',
    "<iframe onload=«js»>",
    "<input autofocus onfocus=«js»>",
    "<input type=image src=x onerror=«js»>",
    "<select autofocus onfocus=«js»>",
    "<textarea autofocus onfocus=«js»>",
    "<keygen autofocus onfocus=«js»>",
    "<div contenteditable autofocus onfocus=«js» id=pwned>x</div>",
    "<video><source onerror=«js»>",
    "<video src=x onerror=«js»>",
    "<audio src=x onerror=«js»>",
    "<marquee onstart=«js»>",
    '<object data="javascript:«js»">',
    '<embed src="javascript:«js»">',
    "<style onload=«js»></style>",
    "<link rel=stylesheet href=x onerror=«js»>",
    "<div onmouseover=«js» id=pwned>hover</div>",
    "<a onclick=«js» id=pwned>click</a>",
    "<form><button formaction=javascript:«js» id=pwned>x</button></form>",
    '<meta http-equiv=refresh content="0;url=javascript:«js»">',
    '<base href="javascript:«js»//">',
)

_ATTRIBUTE_BREAKOUTS = (
    '"><svg onload=«js»>',
    "'><svg onload=«js»>",
    "`><svg onload=«js»>",
    '"><img src=x onerror=«js»>',
    "'><img src=x onerror=«js»>",
    "\"'><img src=x onerror=«js»>",
    '\\"><img src=x onerror=«js»>',
    '" onmouseover="«js»" x="',
    "' onmouseover='«js»' x='",
    "` onmouseover=`«js»` x=`",
    '" autofocus onfocus="«js»',
    "' autofocus onfocus='«js»",
    "x onerror=«js» ",
    '"/><script>«js»</script>',
    "'/><script>«js»</script>",
    '" style="background:url(javascript:«js»)',
    '"><a href="javascript:«js»" id=pwned>x</a>',
    '" id="pwned«n»',
    '"><b class="pwned">«n»</b>',
    '"><!--<img src=x onerror=«js»>-->',
)

_CLOSING_TAGS = (
    "</script><script>«js»</script>",
    "</SCRIPT><script>«js»</script>",
    "</script ><img src=x onerror=«js»>",
    "</script\t\n><svg onload=«js»>",
    "</textarea><img src=x onerror=«js»>",
    "</title><img src=x onerror=«js»>",
    "</style><img src=x onerror=«js»>",
    "</noscript><img src=x onerror=«js»>",
    "</noembed><img src=x onerror=«js»>",
    "</iframe><img src=x onerror=«js»>",
    "</xmp><img src=x onerror=«js»>",
    "</template><img src=x onerror=«js»>",
    "</option></select><img src=x onerror=«js»>",
    "</table><img src=x onerror=«js»>",
    "</svg><img src=x onerror=«js»>",
    "</math><img src=x onerror=«js»>",
    "</aside></div><img src=x onerror=«js»>",
    "</a></span></li></ol><img src=x onerror=«js»>",
)

#: URLs: the payload is the whole string, as a link target would be.
_URLS = (
    "javascript:«js»",
    "JaVaScRiPt:«js»",
    "JAVASCRIPT:«js»",
    " javascript:«js»",
    "\tjavascript:«js»",
    "\x01javascript:«js»",
    "java\nscript:«js»",
    "java\tscript:«js»",
    "java\x00script:«js»",
    "jav&#x61;script:«js»",
    "&#106;avascript:«js»",
    "&#x6A;&#x61;&#x76;&#x61;script:«js»",
    "javascript&colon;«js»",
    "javascript:/*https://example.org/*/«js»",
    "javascript://%0a«js»",
    "javascript://example.org/%0A«js»",
    "%6Aavascript:«js»",
    "data:text/html,<script>«js»</script>",
    "data:text/html;base64,«b64html»",
    "data:image/svg+xml,<svg onload=«js»>",
    "vbscript:msgbox(«n»)",
    "VBScript:MsgBox(«n»)",
    "livescript:«js»",
    "https:javascript:«js»",
    "//evil.example.org/«n»",
    'https://example.org/"><img src=x onerror=«js»>',
    "https://example.org/?q=<script>«js»</script>",
    "http://example.org/'onmouseover='«js»",
    "HTTPS://example.org/#<svg onload=«js»>",
    "https://example.org/ onerror=«js»",
)

_TEMPLATE_LITERALS = (
    "${«js»}",
    "`${«js»}`",
    "`+«js»+`",
    "${`${«js»}`}",
    "`;«js»;`",
    "#{«js»}",
    "${{}.constructor.constructor('«js»')()}",
    "\\`${«js»}\\`",
)

_STRING_BREAKOUTS = (
    '"};«js»;//',
    "';«js»;//",
    '\\";«js»;//',
    "\\';«js»;//",
    '"+«js»+"',
    "'-«js»-'",
    "\u2028«js»\u2028",
    "\u2029«js»//",
    '"\u2028«js»//',
    '"]});«js»;({"',
    '\\\\"});«js»;//',
    "\\u0022;«js»;//",
    "\\x22;«js»;//",
    "</script><script>«js»//",
    '{"a":"</script><script>«js»</script>"}',
    "\\</script><script>«js»</script>",
)

_COMMENTS = (
    '<!--<img src="--><img src=x onerror=«js»//">',
    "--><img src=x onerror=«js»>",
    "--!><img src=x onerror=«js»>",
    "<!--><img src=x onerror=«js»>-->",
    "<![CDATA[<]]><img src=x onerror=«js»>",
    "<![CDATA[><img src=x onerror=«js»>]]>",
    "]]><img src=x onerror=«js»>",
    '<?xml version="1.0"?><svg onload=«js»>',
    '<? foo="><img src=x onerror=«js»>">',
    "<!DOCTYPE html><img src=x onerror=«js»>",
    "<!--[if gte IE 4]><script>«js»</script><![endif]-->",
    '<! foo="><script>«js»</script>">',
    "/*</script><script>«js»//*/",
)

_CSS = (
    '<div id=pwned style="width:expression(«js»)">',
    '<div id=pwned style="background:url(javascript:«js»)">',
    "<div id=pwned style=\"background-image:url('javascript:«js»')\">",
    '<div id=pwned style="background:url(&#1;javascript:«js»)">',
    '<div id=pwned style="x:expr/**/ession(«js»)">',
    '<x id=pwned style="x:\\65xpression(«js»)">',
    '<div id=pwned style="behavior:url(#default#time2)" onbegin=«js»>',
    "<style>@import 'javascript:«js»';</style>",
    '<style>*{background:url("javascript:«js»")}</style>',
    '<style>li{list-style:url("javascript:«js»")}</style>',
    "<style id=pwned«n»>#gm-panel{display:none}</style>",
    '<link id=pwned rel=stylesheet href="javascript:«js»">',
    "expression(«js»)",
    "url(javascript:«js»)",
)

_SVG_MATHML = (
    "<svg><script>«js»</script></svg>",
    '<svg><script href="data:,«js»"/></svg>',
    '<svg><script xlink:href="data:,«js»"></script></svg>',
    '<svg><a xlink:href="javascript:«js»" id=pwned><text y=20>x</text></a></svg>',
    "<svg><foreignObject><img src=x onerror=«js»></foreignObject></svg>",
    "<svg><image href=x onerror=«js»>",
    "<svg><style><img src=x onerror=«js»></style></svg>",
    "<svg><title><img src=x onerror=«js»></title></svg>",
    "<svg><desc><img src=x onerror=«js»></desc></svg>",
    '<svg><animate xlink:href=#pwned attributeName=href values="javascript:«js»"/></svg>',
    "<svg><use href=\"data:image/svg+xml,<svg id='x' xmlns='http://www.w3.org/2000/svg'>"
    "<image href='x' onerror='«js»'/></svg>#x\"/></svg>",
    '<math><a xlink:href="javascript:«js»" id=pwned>x</a></math>',
    '<math href="javascript:«js»" id=pwned>x</math>',
    "<math><maction actiontype=statusline xlink:href=javascript:«js» id=pwned>x</maction></math>",
    "<math><style><img src=x onerror=«js»></style></math>",
)

_MUTATION = (
    '<noscript><p title="</noscript><img src=x onerror=«js»>">',
    '<svg></p><style><a id="</style><img src=1 onerror=«js»>">',
    '<math><mtext><table><mglyph><style><!--</style><img title="--&gt;&lt;/mglyph&gt;'
    '&lt;img&Tab;src=1&Tab;onerror=«js»&gt;">',
    "<form><math><mtext></form><form><mglyph><style></math><img src onerror=«js»>",
    "<listing>&lt;img src=x onerror=«js»&gt;</listing>",
    '<textarea><img title="</textarea><img src=x onerror=«js»>"></textarea>',
    '<xmp><img title="</xmp><img src=x onerror=«js»>"></xmp>',
    '<noembed><img title="</noembed><img src=x onerror=«js»>"></noembed>',
    '<iframe><img title="</iframe><img src=x onerror=«js»>"></iframe>',
    '<style><img title="</style><img src=x onerror=«js»>"></style>',
    '<noframes><img title="</noframes><img src=x onerror=«js»>">',
    "<template><img src=x onerror=«js»></template>",
    '<a title="&lt;img src=x onerror=«js»&gt;" id=pwned>x</a>',
    "<svg><p><style><img src=x onerror=«js»>",
)

#: Templating: AngularJS/Vue expressions, Leaflet's L.Util.template placeholders ({name},
#: {s}, {z}), ERB, Razor, and Jinja, which branca runs on a rendered page: the last one
#: would run Python and set GEOMAP_PWNED in the environment.
_TEMPLATING = (
    "{{constructor.constructor('«js»')()}}",
    "{{$on.constructor('«js»')()}}",
    "{{_c.constructor('«js»')()}}",
    "{{'a'.constructor.prototype.charAt=[].join;$eval('x=«js»')}}",
    "{{«js»}}",
    "{{{«js»}}}",
    "[[«js»]]",
    "{% «js» %}",
    "<%= «js» %>",
    "@{«js»}",
    "{name}<b class=pwned>«n»</b>",
    "{name}<img src=x onerror=«js»>",
    "{s}.{z}/{x}/{y}<b class=pwned>«n»</b>",
    "{lat},{lng}{attribution}<b id=pwned>«n»</b>",
    "{0}<img src=x onerror=«js»>",
    "%s<img src=x onerror=«js»>",
    "{{7*7}}<b class=pwned>«n»</b>",
    "{{__proto__}}{{constructor}}<b class=pwned>«n»</b>",
    "{{lipsum.__globals__['os'].environ.setdefault('GEOMAP_PWNED','«n»')}}",
)

#: Encoded forms that run only if something decodes them once too often.
_ENCODED = (
    "%3Cscript%3E«js»%3C/script%3E",
    "%3Cimg%20src%3Dx%20onerror%3D«js»%3E",
    "%253Cscript%253E«js»%253C%252Fscript%253E",
    "%u003Cscript%u003E«js»%u003C/script%u003E",
    "&lt;script&gt;«js»&lt;/script&gt;",
    "&lt;img src=x onerror=«js»&gt;",
    "&amp;lt;script&amp;gt;«js»&amp;lt;/script&amp;gt;",
    "&#60;img src=x onerror=«js»&#62;",
    "&#x3C;svg onload=«js»&#x3E;",
    "&#0000060;img src=x onerror=«js»&#0000062;",
    "\\x3cimg src=x onerror=«js»\\x3e",
    "\\u003cimg src=x onerror=«js»\\u003e",
    "\\74img src=x onerror=«js»\\76",
    "+ADw-script+AD4-«js»+ADw-/script+AD4-",
    "\uff1cscript\uff1e«js»\uff1c/script\uff1e",
    "<img src=x onerror=&#97;&#108;&#101;&#114;&#116;&#40;«n»&#41;>",
    '<a href="&#x6A;avascript:«js»" id=pwned>x</a>',
    "<img src=x onerror=eval(atob('«b64»'))>",
)

#: NUL and unusual white space inside tags, names and URLs.
_WHITESPACE = (
    "<img\x00src=x onerror=«js»>",
    "<img src=x\x00onerror=«js»>",
    "<\x00img src=x onerror=«js»>",
    "<img src=x onerror=«js»\x00>",
    "<scr\x00ipt>«js»</scr\x00ipt>",
    "<img/src=x/onerror=«js»>",
    "<img\tsrc=x\tonerror=«js»>",
    "<img\nsrc=x\nonerror=«js»>",
    "<img\rsrc=x\ronerror=«js»>",
    "<img\x0csrc=x\x0conerror=«js»>",
    "<svg\x0conload=«js»>",
    "<img src=x onerror\x0b=«js»>",
    "<img src=x\u00a0onerror=«js»>",
    "<img src=x\u2028onerror=«js»>",
    "<img src=x\u3000onerror=«js»>",
    "<svg\u180eonload=«js»>",
    "<img src=x onerror\ufeff=«js»>",
    "<img src=x onerror=\u200b«js»>",
    "<svg onload\n=\n«js»>",
    "<script\x0c>«js»</script>",
    '<a href="java&#09;script:«js»" id=pwned>x</a>',
    '<a href="\x01javascript:«js»" id=pwned>x</a>',
)

#: Family name -> templates, in the order the payloads are numbered.
FAMILIES = {
    "script tags": _SCRIPT_TAGS,
    "event handlers": _EVENT_HANDLERS,
    "attribute breakouts": _ATTRIBUTE_BREAKOUTS,
    "closing-tag breakouts": _CLOSING_TAGS,
    "javascript:/data:/vbscript: URLs": _URLS,
    "template literals": _TEMPLATE_LITERALS,
    "JS/JSON string breakouts": _STRING_BREAKOUTS,
    "HTML comments and CDATA": _COMMENTS,
    "CSS": _CSS,
    "SVG and MathML": _SVG_MATHML,
    "mutation XSS": _MUTATION,
    "templating": _TEMPLATING,
    "percent and entity encoding": _ENCODED,
    "NUL and unusual white space": _WHITESPACE,
}


def _fill(template: str, n: int) -> str:
    js = _ACTIONS[n % len(_ACTIONS)].replace("«n»", str(n))
    html_page = f"<script>alert({n})</script>"
    return (
        template.replace("«js»", js)
        .replace("«b64»", base64.b64encode(js.encode()).decode())
        .replace("«b64html»", base64.b64encode(html_page.encode()).decode())
        .replace("«n»", str(n))
    )


def payloads() -> list[str]:
    """Every payload: the generated ones, numbered from FIRST in FAMILIES order, then
    PAYLOAD and JS_URL."""
    templates = [t for family in FAMILIES.values() for t in family]
    assert len(set(templates)) == len(templates), "a template is listed twice"
    return [_fill(t, FIRST + i) for i, t in enumerate(templates)] + [PAYLOAD, JS_URL]
