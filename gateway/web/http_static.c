/* http_static.c - the static assets the page needs, all served by the gateway itself (no
 * CDN, CSP 'self'): /app.js (live status over the websocket; the page works without it),
 * /manifest.webmanifest, /icon.svg and the PNG icons (apple-touch-icon 180 px for iOS,
 * which ignores SVG icons; 192 and 512 px for the manifest; icons_png.h), /style.css. They carry
 * no user data, so they may be cached (privately). */
#include <string.h>

#include "http_pages.h"
#include "icons_png.h"
#include "http_reply.h"

static const char app_js[] =
    "/* Live status: door availability and sensor, results over wss:///ws (latchkey.v1);\n"
    "   times (<time datetime>) in the phone's own zone. Progressive enhancement: without this\n"
    "   script the form posts normally and times are in the gateway's zone. */\n"
    "'use strict';\n"
    "(function () {\n"
    "  function localTimes(root) {\n"
    "    root.querySelectorAll('time[datetime]').forEach(function (t) {\n"
    "      var d = new Date(t.getAttribute('datetime'));\n"
    "      if (isNaN(d.getTime())) return;\n"
    "      t.textContent = d.toLocaleString([], {year: 'numeric', month: 'short', day: 'numeric',\n"
    "        hour: '2-digit', minute: '2-digit', second: '2-digit', timeZoneName: 'short'});\n"
    "      t.setAttribute('data-local', 'yes');\n"
    "    });\n"
    "  }\n"
    "  localTimes(document);\n"
    "  var live = document.getElementById('live');\n"
    "  var form = document.getElementById('open-form');\n"
    "  if (!live || !form) return;\n"
    "  var labels = {};\n"
    "  document.querySelectorAll('.door[data-door]').forEach(function (el) {\n"
    "    var b = el.querySelector('button');\n"
    "    labels[el.getAttribute('data-door')] = b ? b.textContent.replace(/^Open /, '') : '';\n"
    "  });\n"
    "  function say(text, kind) {\n"
    "    live.textContent = text;\n"
    "    if (kind) live.setAttribute('data-result', kind);\n"
    "    else live.removeAttribute('data-result');\n"
    "  }\n"
    "  var availText = {online: 'Online', offline: 'Offline: it cannot be opened now',\n"
    "    unknown: 'Not heard from yet'};\n"
    "  function setDoor(d) {\n"
    "    var el = document.querySelector('[data-door-status=\"' + d.door + '\"]');\n"
    "    if (!el) return;\n"
    "    var a = el.querySelector('.avail'), s = el.querySelector('.sensor');\n"
    "    var text = availText[d.availability] || d.availability;\n"
    "    if (d.availability === 'online' && d.relay === 'active') text = 'Opening';\n"
    "    if (a) a.textContent = text;\n"
    "    el.setAttribute('data-availability', d.availability);\n"
    "    if (d.sensor === 'open' || d.sensor === 'closed') {\n"
    "      el.setAttribute('data-sensor', d.sensor);\n"
    "      if (s) s.textContent = ' \\u00b7 the door is ' + d.sensor;\n"
    "    } else {\n"
    "      el.removeAttribute('data-sensor');\n"
    "      if (s) s.textContent = '';\n"
    "    }\n"
    "    var b = form.querySelector('button[name=\"door\"][value=\"' + d.door + '\"]');\n"
    "    if (b) b.disabled = d.availability === 'offline';\n"
    "  }\n"
    "  var messages = {opened: 'The door was opened.', rejected: 'The door refused the command.',\n"
    "    'wrong-pin': 'Wrong PIN.', forbidden: 'You may not open this door.',\n"
    "    'not-confirmed': 'The door did not confirm in time. It may or may not have opened.',\n"
    "    unconfirmed: 'The door\\'s answer could not be verified. It may or may not have "
    "opened.',\n"
    "    'broker-unavailable': 'The door service is unreachable. Nothing was sent.',\n"
    "    locked: 'Too many wrong PINs: locked for now.',\n"
    "    offline: 'The door is offline. Nothing was sent.',\n"
    "    'unlocked-not-opened': 'Unlocked, but the door was not opened.',\n"
    "    unlocked: 'The door was unlocked; its sensor did not say whether it was opened.',\n"
    "    busy: 'Too much is waiting right now. Nothing was sent; try again in a moment.'};\n"
    "  // This page's own answers (fetch) say more than the websocket's result events (tries\n"
    "  // left, the lock's end): while one is awaited, and a moment after, events are not shown.\n"
    "  var quietUntil = 0;\n"
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
    "      if (m.type === 'doors') {\n"
    "        m.doors.forEach(function (d) { labels[d.door] = d.label; setDoor(d); });\n"
    "      } else if (m.type === 'result' && Date.now() > quietUntil) {\n"
    "        say((labels[m.door] || m.door) + ': ' + (messages[m.result] || m.result), m.result);\n"
    "      }\n"
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
    "    var door = ev.submitter && ev.submitter.name ? ev.submitter.value : '';\n"
    "    if (door) body.set('door', door);\n"
    "    quietUntil = Infinity;\n"
    "    say((labels[door] ? labels[door] + ': ' : '') + 'Sending...');\n"
    "    fetch('/action', {method: 'POST', body: body, credentials: 'same-origin'})\n"
    "      .then(function (r) { return r.text(); })\n"
    "      .then(function (html) {\n"
    "        var doc = new DOMParser().parseFromString(html, 'text/html');\n"
    "        localTimes(doc);\n"
    "        var r = doc.querySelector('[data-result]'), d = doc.querySelector('.detail');\n"
    "        if (r) say(r.textContent + (d ? ' ' + d.textContent : ''), "
    "r.getAttribute('data-result'));\n"
    "        var pin = document.getElementById('pin'); if (pin) pin.value = '';\n"
    "      })\n"
    "      .catch(function () { say('No answer from the gateway.', 'error'); })\n"
    "      .then(function () { quietUntil = Date.now() + 3000; });\n"
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
    "  \"icons\": [{\"src\": \"/icon.svg\", \"sizes\": \"any\", \"type\": \"image/svg+xml\"},\n"
    "    {\"src\": \"/icon-192.png\", \"sizes\": \"192x192\", \"type\": \"image/png\", "
    "\"purpose\": \"any maskable\"},\n"
    "    {\"src\": \"/icon-512.png\", \"sizes\": \"512x512\", \"type\": \"image/png\", "
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
    const unsigned char *png; /* a binary body instead (its length *png_len) */
    const size_t *png_len;
} assets[] = {
    {"/app.js", "text/javascript; charset=utf-8", app_js, NULL, NULL},
    {"/manifest.webmanifest", "application/manifest+json", manifest, NULL, NULL},
    {"/icon.svg", "image/svg+xml", icon_svg, NULL, NULL},
    {"/apple-touch-icon.png", "image/png", NULL, icon_png_180, &icon_png_180_len},
    {"/icon-192.png", "image/png", NULL, icon_png_192, &icon_png_192_len},
    {"/icon-512.png", "image/png", NULL, icon_png_512, &icon_png_512_len},
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
        if (assets[i].png != NULL)
            html_bytes(&b, assets[i].png, *assets[i].png_len);
        else
            html_raw(&b, assets[i].body);
        http_reply(wsi, s, HTTP_STATUS_OK, assets[i].type, &b);
        s->cacheable = 1;
        return 1;
    }
    return 0;
}
