/* http_static.c - the static assets the page needs, all served by the gateway itself (no
 * CDN, CSP 'self'): /app.js (live status over the websocket; the page works without it),
 * /manifest.webmanifest and /icon.svg (installable as a phone app), /style.css. They carry
 * no user data, so they may be cached (privately). */
#include <string.h>

#include "http_pages.h"
#include "http_reply.h"

static const char app_js[] =
    "/* Latchkey live status: door availability and results over wss:///ws (latchkey.v1).\n"
    "   Progressive enhancement: without this script the form posts normally. */\n"
    "'use strict';\n"
    "(function () {\n"
    "  var live = document.getElementById('live');\n"
    "  var form = document.getElementById('open-form');\n"
    "  if (!live || !form) return;\n"
    "  function say(text, kind) {\n"
    "    live.textContent = text;\n"
    "    if (kind) live.setAttribute('data-result', kind);\n"
    "    else live.removeAttribute('data-result');\n"
    "  }\n"
    "  function setDoor(d) {\n"
    "    var el = document.querySelector('[data-door-status=\"' + d.door + '\"]');\n"
    "    if (!el) return;\n"
    "    el.textContent = d.availability === 'online' ? (d.relay === 'active' ? 'opening' : "
    "'online')\n"
    "                   : d.availability;\n"
    "    el.setAttribute('data-availability', d.availability);\n"
    "  }\n"
    "  var messages = {opened: 'The door was opened.', rejected: 'The door refused the command.',\n"
    "    'wrong-pin': 'Wrong PIN.', forbidden: 'You may not open this door.',\n"
    "    'not-confirmed': 'The door did not confirm in time.',\n"
    "    unconfirmed: 'The door\\'s answer could not be verified. It may or may not have "
    "opened.',\n"
    "    'broker-unavailable': 'The door service is unreachable. Nothing was sent.',\n"
    "    locked: 'Too many wrong PINs: locked for now.',\n"
    "    busy: 'Too much is waiting right now. Nothing was sent; try again in a moment.',\n"
    "    'outside-schedule': 'Not now: outside your schedule for this door. Nothing was sent.'};\n"
    "  var delay = 1000;\n"
    "  function connect() {\n"
    "    var ws;\n"
    "    try { ws = new WebSocket('wss://' + location.host + '/ws', 'latchkey.v1'); }\n"
    "    catch (e) { return; }\n"
    "    ws.onopen = function () { delay = 1000; document.body.setAttribute('data-live', 'on'); "
    "};\n"
    "    ws.onmessage = function (ev) {\n"
    "      var m;\n"
    "      try { m = JSON.parse(ev.data); } catch (e) { return; }\n"
    "      if (m.type === 'doors') m.doors.forEach(setDoor);\n"
    "      else if (m.type === 'result')\n"
    "        say((messages[m.result] || m.result) + ' (' + m.door + ')', m.result);\n"
    "    };\n"
    "    ws.onclose = function () {\n"
    "      document.body.setAttribute('data-live', 'off');\n"
    "      setTimeout(connect, delay);\n"
    "      delay = Math.min(delay * 2, 30000);\n"
    "    };\n"
    "  }\n"
    "  form.addEventListener('submit', function (ev) {\n"
    "    if (!window.fetch || !window.URLSearchParams) return;\n"
    "    ev.preventDefault();\n"
    "    var body = new URLSearchParams(new FormData(form));\n"
    "    if (ev.submitter && ev.submitter.name) body.set(ev.submitter.name, ev.submitter.value);\n"
    "    say('Sending...');\n"
    "    fetch('/action', {method: 'POST', body: body, credentials: 'same-origin'})\n"
    "      .then(function (r) { return r.text(); })\n"
    "      .then(function (html) {\n"
    "        var doc = new DOMParser().parseFromString(html, 'text/html');\n"
    "        var r = doc.querySelector('[data-result]'), d = doc.querySelector('.detail');\n"
    "        if (r) say(r.textContent + (d ? ' ' + d.textContent : ''), "
    "r.getAttribute('data-result'));\n"
    "        var pin = document.getElementById('pin'); if (pin) pin.value = '';\n"
    "      })\n"
    "      .catch(function () { say('No answer from the gateway.', 'error'); });\n"
    "  });\n"
    "  connect();\n"
    "})();\n";

static const char manifest[] =
    "{\n"
    "  \"name\": \"Latchkey\",\n"
    "  \"short_name\": \"Latchkey\",\n"
    "  \"description\": \"Open your doors with your phone's certificate and a PIN.\",\n"
    "  \"start_url\": \"/\",\n"
    "  \"scope\": \"/\",\n"
    "  \"display\": \"standalone\",\n"
    "  \"background_color\": \"#111827\",\n"
    "  \"theme_color\": \"#1d4ed8\",\n"
    "  \"icons\": [{\"src\": \"/icon.svg\", \"sizes\": \"any\", \"type\": \"image/svg+xml\", "
    "\"purpose\": \"any maskable\"}]\n"
    "}\n";

static const char icon_svg[] =
    "<svg xmlns=\"http://www.w3.org/2000/svg\" viewBox=\"0 0 512 512\" role=\"img\" "
    "aria-label=\"Latchkey\">\n"
    "<rect width=\"512\" height=\"512\" rx=\"96\" fill=\"#1d4ed8\"/>\n"
    "<circle cx=\"200\" cy=\"256\" r=\"96\" fill=\"none\" stroke=\"#fff\" stroke-width=\"40\"/>\n"
    "<path d=\"M290 256h150v60M390 256v44\" fill=\"none\" stroke=\"#fff\" stroke-width=\"40\" "
    "stroke-linecap=\"round\" stroke-linejoin=\"round\"/>\n"
    "</svg>\n";

static const struct {
    const char *path, *type, *body;
} assets[] = {
    {"/app.js", "text/javascript; charset=utf-8", app_js},
    {"/manifest.webmanifest", "application/manifest+json", manifest},
    {"/icon.svg", "image/svg+xml", icon_svg},
};

int http_static(struct lws *wsi, struct http_session *s, const char *path)
{
    struct html_buf b;
    size_t i;

    if (strcmp(path, "/style.css") == 0) {
        if (wsi != NULL)
            http_page_style(wsi, s);
        return 1;
    }
    for (i = 0; i < sizeof assets / sizeof assets[0]; i++) {
        if (strcmp(path, assets[i].path) != 0)
            continue;
        if (wsi == NULL)
            return 1; /* only asking whether the path exists */
        html_init(&b, LWS_PRE);
        html_raw(&b, assets[i].body);
        http_reply(wsi, s, HTTP_STATUS_OK, assets[i].type, &b);
        s->cacheable = 1;
        return 1;
    }
    return 0;
}
